"""SOP definitions: models, the YAML catalog and its static validation."""

from sop_models.catalog import Catalog, load_catalog, load_file
from sop_models.duration import Duration
from sop_models.procedure import Decision, Procedure, Step
from sop_models.validation import CatalogError, Problem

__all__ = [
    "Catalog",
    "CatalogError",
    "Decision",
    "Duration",
    "Problem",
    "Procedure",
    "Step",
    "load_catalog",
    "load_file",
]

"""SOP definitions: models, the YAML catalog and its static validation."""

from sop_models.catalog import Catalog, build_procedure, load_catalog, load_file
from sop_models.duration import Duration
from sop_models.procedure import DONE, Decision, Done, Position, Procedure, Step
from sop_models.validation import CatalogError, Problem

__all__ = [
    "DONE",
    "Catalog",
    "CatalogError",
    "Decision",
    "Done",
    "Duration",
    "Position",
    "Problem",
    "Procedure",
    "Step",
    "build_procedure",
    "load_catalog",
    "load_file",
]

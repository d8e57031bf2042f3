"""Monitoring and evaluation (DESIGN §10): how long each step really took, against its Mutu Baku.

``measures``: the figures, pure functions of Riwayat entries, the catalog and the calendar;
``kinerja``: the worker's Kinerja tab as a grid; ``laporan``: the Permenpan monitoring form,
written by ``laporan_xlsx`` and ``laporan_pdf``.
"""

DEFAULT_GOOD_SHARE = 0.8
"""Share of measured moves within Mutu Baku for ``Berjalan dengan baik`` (DESIGN §10)."""


def good_share_text(share: float) -> str:
    """The good share as staff read it: ``80``, ``60,5``; exact, so the rule never reads as
    the verdict's opposite (a 60% SOP is not good under 60,5%)."""
    return f"{share * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")

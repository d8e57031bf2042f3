"""Monitoring and evaluation (DESIGN §10): how long each step really took, against its Mutu Baku.

``measures``: the figures, pure functions of Riwayat entries, the catalog and the calendar;
``kinerja``: the worker's Kinerja tab as a grid; ``laporan``: the Permenpan monitoring form,
written by ``laporan_xlsx`` and ``laporan_pdf``.
"""

DEFAULT_GOOD_SHARE = 0.8
"""Share of measured moves within Mutu Baku for ``Berjalan dengan baik`` (DESIGN §10)."""

"""Benchmarks of sopsync's per-cycle cost: API requests, worker CPU, wall time and memory.

Run ``python -m bench.run`` (``--quick`` for a smoke run); it rewrites ``bench/RESULTS.md``.

Modules: ``sheets`` (realistic Dokumen rows and the staff's moves between cycles),
``measure`` (one worker cycle or floor in a child process: CPU from wait4, peak RSS),
``child`` (what runs in those child processes), ``office`` (one office's sheet on either
backend, from the first sync to a settled state), ``naive`` (the gspread baseline),
``report`` (machine details and the RESULTS.md tables), ``run`` (the command);
``startup`` (what a cron ``sopsync sync`` costs from start to exit, paired with a floor).
"""

"""``sopsync sop render``: the Permenpan SOP documents of chosen SOPs, written to a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from sop_models.catalog import Catalog
from sop_models.drawing import Paper
from sop_models.export import write_documents
from sop_models.flowchart import RenderError
from sop_models.procedure import Procedure
from syncer.cli import EXIT_USAGE, CommandError
from syncer.suggest import counted


def _chosen(args: argparse.Namespace, catalog: Catalog) -> list[Procedure]:
    if args.all and args.codes:
        raise CommandError("give SOP codes or --all, not both", EXIT_USAGE)
    if args.all:
        return sorted(catalog, key=lambda proc: proc.code)
    if not args.codes:
        raise CommandError(
            "name the SOPs to render (e.g. `sop render rka`) or give --all", EXIT_USAGE
        )
    chosen: list[Procedure] = []
    for name in args.codes:
        proc = catalog.lookup(name)
        if proc is None:
            close = ", ".join(p.code for p in catalog.suggest(name))
            hint = f"closest: {close}" if close else "`sopsync sop list` lists them"
            raise CommandError(f"no SOP {name!r}; {hint}", EXIT_USAGE)
        if proc not in chosen:
            chosen.append(proc)
    return chosen


def _make_folder(out: Path) -> None:
    """``--out``: the folder, made when only it is missing (as ``mkdir`` would, not ``-p``)."""
    if out.is_dir():
        return
    parent = out.absolute().parent
    if not parent.is_dir():
        raise CommandError(
            f"--out {str(out)!r}: no folder {str(parent)!r} to make it in", EXIT_USAGE
        )
    try:
        out.mkdir()
    except OSError as exc:
        raise CommandError(f"cannot make folder {str(out)!r}: {exc.strerror or exc}") from exc


def render_documents(args: argparse.Namespace, catalog: Catalog) -> int:
    procs = _chosen(args, catalog)
    if args.out.exists() and not args.out.is_dir():
        raise CommandError(f"--out {str(args.out)!r} is a file: name a folder", EXIT_USAGE)
    _make_folder(args.out)
    try:
        written = write_documents(procs, args.out, args.format, Paper[args.paper.upper()])
    except RenderError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from exc
    except OSError as exc:
        where = exc.filename or args.out
        raise CommandError(f"cannot write {str(where)!r}: {exc.strerror or exc}") from exc
    for path, pages in written:
        print(f"{path}: {counted(pages, 'page')}")
    return 0

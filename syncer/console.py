"""The ``sopsync`` console script: :func:`syncer.cli.main` in a process of its own.

A ``sopsync sync`` from cron is a fresh process whose start-up costs more than its cycle,
and Python's cyclic garbage collector takes a good share of it for nothing: during the
imports it walks, again and again, objects that all live as long as the process, and at
the exit it walks everything once more, although the system frees it all. So the
collector is paused while the modules are imported, what the imports made is then frozen
out of its sight (it goes on collecting what commands make: a ``sopsync run`` runs for
months), and at the exit so is everything else. Nor does pydantic look through every
installed package for plugins of its own (observability hooks: sopsync's settings and
SOP files are validated without them) unless ``PYDANTIC_DISABLE_PLUGINS`` says otherwise.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> int:
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()
    from syncer.cli import main as command

    gc.freeze()
    gc.enable()
    try:
        return command()
    finally:
        gc.freeze()


if __name__ == "__main__":
    sys.exit(main())

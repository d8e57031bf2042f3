"""``python -m tests.emulator --port N``: serve until interrupted, printing the base URL."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .emulator import Emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--enforce-quota", action="store_true")
    args = parser.parse_args(argv)
    emu = Emulator(enforce_quota=args.enforce_quota, host=args.host, port=args.port)
    print(emu.start(), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Structured logs on stderr: readable on a terminal, JSON for services and cron.

Every line is stamped with the moment in the configured zone and its offset
(``2026-11-30T18:04:12+07:00``), as the summaries and the sheet show time.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from datetime import datetime, tzinfo
from typing import Any, Literal

import structlog

_as_json = False


def configure(
    fmt: Literal["auto", "console", "json"] = "auto",
    verbose: bool = False,
    zone: tzinfo | None = None,
) -> None:
    """``zone`` None: the machine's own zone (still with its offset)."""
    global _as_json
    _as_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if _as_json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            _stamper(zone),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.DEBUG if verbose else logging.INFO
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    sys.unraisablehook = _unraisable


def _stamper(zone: tzinfo | None) -> structlog.types.Processor:
    def stamp(
        _logger: Any, _method: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        moment = datetime.now(zone) if zone is not None else datetime.now().astimezone()
        event["timestamp"] = moment.isoformat(timespec="seconds")
        return event

    return stamp


def crashed(logger: Any, event: str, **fields: object) -> None:
    """An unexpected exception (a bug), being handled: one line at error level.

    Its traceback goes in that line in the JSON log (a service's record), and on a
    terminal at debug level (``-v``): an admin is never shown one by default.
    """
    exc = sys.exc_info()[1]
    reason = f"{type(exc).__name__}: {exc}" if exc is not None else "unknown"
    if _as_json:
        logger.error(event, reason=reason, exc_info=True, **fields)
    else:
        logger.error(event, reason=reason, **fields)
        logger.debug("traceback", exc_info=True)


def _unraisable(info: sys.UnraisableHookArgs) -> None:
    """An exception in a finaliser (Python would print its traceback on stderr): logged.

    After a failed save openpyxl's abandoned sheet writers fail again when collected;
    the admin has already read what went wrong."""
    error = f"{info.exc_type.__name__}: {info.exc_value}"
    structlog.get_logger("sopsync").debug(
        "exception ignored in a finaliser", reason=error, where=repr(info.object)
    )

"""Channels that carry a message to one address: e-mail, Telegram, WhatsApp.

Each channel speaks its real protocol, takes its secrets from environment
variables named in the configuration (never from the sheet), and reports a
failure as :class:`ChannelError` carrying the server's own answer and what a
retry can do about it.
"""

from __future__ import annotations

import os
import queue
import re
import threading
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from syncer.notices.messages import Message
from syncer.people import Person


class ChannelError(Exception):
    """A message that did not go out; ``str(error)`` is the channel's own answer."""

    def __init__(
        self,
        answer: str,
        *,
        final: bool = False,
        down: bool = True,
        retry_after: float | None = None,
    ):
        super().__init__(answer)
        self.answer = answer
        self.final = final
        """Retrying this message cannot help (the channel refuses this recipient)."""
        self.down = down
        """The channel is unreachable or refuses the worker: nothing more this cycle."""
        self.retry_after = retry_after
        """Seconds the server asks to wait (Telegram's flood control)."""


class Channel(Protocol):
    @property
    def name(self) -> str:
        """``email``, ``telegram`` or ``whatsapp``."""
        ...

    def address_of(self, person: Person) -> str:
        """The person's address on this channel, "" when none."""
        ...

    def problems(self) -> list[str]:
        """What stops this channel from sending at all (a secret not in the environment)."""
        ...

    @property
    def timeout(self) -> float:
        """Seconds to wait for the server each time it is asked (``[notices] timeout_seconds``)."""
        ...

    def send(self, address: str, message: Message) -> str:
        """Deliver one message; returns the server's receipt; raises ChannelError."""
        ...


SHOWN_NAMES = {"email": "surel", "telegram": "Telegram", "whatsapp": "WhatsApp"}
"""A channel as staff read its name (a message's text); logs keep ``Channel.name``."""


def shown_name(channel: Channel) -> str:
    """``surel``, ``Telegram``, ``WhatsApp``: the channel's name in Bahasa Indonesia."""
    return SHOWN_NAMES.get(channel.name, channel.name)


DEADLINE_TIMEOUTS = 3
"""A whole exchange with a channel may take this many timeouts: a socket's timeout holds for
each read alone, and a server that answers a byte every few seconds never trips it."""


def send_in_time(channel: Channel, address: str, message: Message) -> str:
    """``channel.send``, given up after :data:`DEADLINE_TIMEOUTS` timeouts in all.

    The exchange goes on in a background thread until the server or its socket's timeout
    ends it; its outcome is then unknown, and the message is tried again in a later cycle.
    """
    outcome: queue.SimpleQueue[tuple[str, BaseException | None]] = queue.SimpleQueue()

    def exchange() -> None:
        try:
            outcome.put((channel.send(address, message), None))
        except BaseException as exc:  # handed to the caller, whatever it is
            outcome.put(("", exc))

    threading.Thread(target=exchange, name=f"send {channel.name}", daemon=True).start()
    seconds = channel.timeout * DEADLINE_TIMEOUTS
    try:
        receipt, error = outcome.get(timeout=seconds)
    except queue.Empty:
        raise ChannelError(f"{channel.name}: no complete answer within {seconds:g} s") from None
    if error is not None:
        raise error
    return receipt


def secret(variable: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of the environment variable named ``variable`` (None when unset or blank)."""
    if not variable:
        return None
    value = (environ if environ is not None else os.environ).get(variable, "").strip()
    return value or None


def missing(variable: str | None, key: str) -> list[str]:
    """A one-line problem when the environment variable a config key names is not set."""
    if variable and secret(variable) is None:
        return [f"environment variable {variable} ({key}) is not set"]
    return []


_OS_ERROR = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")


def unreachable(service: str, error: requests.RequestException, token: str = "") -> ChannelError:
    """A request that got no answer, said in one short line: the OS's own words when it
    could not connect (requests' text quotes its whole chain of causes)."""
    text = str(error)
    found = _OS_ERROR.search(text) if isinstance(error, requests.ConnectionError) else None
    if found is not None and not isinstance(error, requests.Timeout):
        url = urlsplit(error.request.url or "") if error.request is not None else None
        place = f"{url.hostname}:{url.port}" if url and url.port else (url and url.hostname)
        text = f"cannot connect to {place}: {found.group(1)}" if place else found.group(1)
    if token:
        text = text.replace(token, "<token>")
    return ChannelError(f"{service}: {text}")


def json_answer(answer: requests.Response) -> dict[str, Any]:
    """An HTTP answer's JSON object; ``{"text": ...}`` (its start) when it is not one."""
    body = json_object(answer)
    return body if body is not None else {"text": answer_start(answer)}


def answer_start(answer: requests.Response) -> str:
    """The start of an HTTP answer's text, on one line."""
    return " ".join(answer.text[:200].split())


def json_object(answer: requests.Response) -> dict[str, Any] | None:
    """An HTTP answer's JSON object, or None when it is not one (a web page)."""
    try:
        body = answer.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None

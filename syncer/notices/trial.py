"""``notify test TARGET``: one test message to a role, a person or an address.

A target is, in this order:

* an address with its channel: ``email:…``, ``telegram:…`` (or ``tg:``),
  ``whatsapp:…`` (or ``wa:``);
* an e-mail address (it has an ``@``);
* a phone number (``+62 812…``, ``0812…``, ``62812…``): WhatsApp;
* another whole number (``123456789``, ``-100…``): a Telegram chat id;
* a role of the catalog: the people holding it now, on every enabled channel
  they have an address on;
* a person's name, likewise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from syncer.notices.channels import Channel
from syncer.people import Directory, Person, find_role, is_email, merge_addresses, whatsapp_number

ANONYMOUS = "Bapak/Ibu"
"""The greeting's name for a bare address."""

_SCHEMES = {
    "email": "email",
    "mailto": "email",
    "telegram": "telegram",
    "tg": "telegram",
    "whatsapp": "whatsapp",
    "wa": "whatsapp",
}
_NUMBER = re.compile(r"^[+\d][\d\s.\-()]*$")
_CHAT_ID = re.compile(r"^-?\d+$")


class TargetError(ValueError):
    """A target that names nobody reachable; the message is one English sentence."""


@dataclass(frozen=True, slots=True)
class Destination:
    channel: Channel
    address: str
    name: str


def resolve(
    target: str,
    channels: Sequence[Channel],
    directory: Callable[[], Directory],
    roles: Sequence[str],
    now: datetime,
) -> list[Destination]:
    """Where a test message to ``target`` goes; raises TargetError when nowhere.

    ``directory`` is asked for only when the target is a role or a name (the caller reads
    the sheet's Pegawai tab for it; an address needs no sheet).
    """
    text = target.strip()
    if not text:
        raise TargetError("the target is empty: give a role, a name or an address")
    scheme, colon, rest = text.partition(":")
    if colon and scheme.casefold() in _SCHEMES:
        return [_address(_SCHEMES[scheme.casefold()], rest.strip(), channels)]
    if "@" in text:
        return [_address("email", text, channels)]
    if _NUMBER.match(text) and (text[0] in "+0" or text.startswith("62")):
        return [_address("whatsapp", text, channels)]
    if _CHAT_ID.match(text):
        return [_address("telegram", text, channels)]
    role = find_role(text, roles)
    people = directory().holders(role, now) if role else directory().named(text)
    if not people:
        if role:
            raise TargetError(f"nobody holds the role {role} now (Pegawai or [people])")
        raise TargetError(
            f"{text!r} is not an address, a role ({', '.join(roles)}) or a person's name"
        )
    return _of_people(text, people, channels)


def _channel(kind: str, channels: Sequence[Channel]) -> Channel:
    for channel in channels:
        if channel.name == kind:
            return channel
    raise TargetError(
        f"the {kind} channel is not enabled: add [notices.{kind}] to the configuration"
    )


def _address(kind: str, address: str, channels: Sequence[Channel]) -> Destination:
    if kind == "whatsapp":
        number = whatsapp_number(address)
        if number is None:
            raise TargetError(f"{address!r} is not a WhatsApp number (e.g. 0812-3456-7890)")
        address = number
    elif kind == "telegram" and not _CHAT_ID.match(address):
        raise TargetError(f"{address!r} is not a Telegram chat id (a whole number)")
    elif kind == "email" and not is_email(address):
        raise TargetError(f"{address!r} is not an e-mail address")
    return Destination(_channel(kind, channels), address, ANONYMOUS)


def _of_people(
    target: str, people: Sequence[Person], channels: Sequence[Channel]
) -> list[Destination]:
    merged: dict[str, Person] = {}
    for person in people:
        merged[person.identity] = merge_addresses(merged.get(person.identity, person), person)
    found = [
        Destination(channel, channel.address_of(person), person.name)
        for person in merged.values()
        for channel in channels
        if channel.address_of(person)
    ]
    if not found:
        names = ", ".join(p.name for p in merged.values())
        enabled = ", ".join(c.name for c in channels) or "none"
        raise TargetError(
            f"{target!r} ({names}) has no address on an enabled channel ({enabled});"
            " fill Email, WhatsApp or Telegram in Pegawai"
        )
    return found

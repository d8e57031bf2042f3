"""What to tell someone whose name was not found: the closest one, or the ones there are;
and how many of a thing there are, in English."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice ``name`` most likely meant (any case), or None when none is close."""
    by_key = {choice.casefold(): choice for choice in choices}
    found = difflib.get_close_matches(name.casefold(), by_key, n=1, cutoff=0.6)
    return by_key[found[0]] if found else None


def did_you_mean(
    name: str, choices: Iterable[str], kind: str, show: Callable[[str], str] = str
) -> str:
    """'did you mean X?', or, with nothing close, the ``kind`` there are: 'the roles are A, B'."""
    options = list(choices)
    near = closest(name, options)
    if near is not None:
        return f"did you mean {show(near)}?"
    return f"the {kind} are {', '.join(show(o) for o in sorted(options))}"


def counted(number: int, noun: str) -> str:
    """'1 document', '0 documents', '2 documents' (``noun`` singular, plural with an s)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def either(names: Sequence[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return " or ".join(filter(None, (", ".join(names[:-1]), *names[-1:])))

"""The rules an SOP definition must satisfy to be run, one check per rule.

Each ``_check_*`` function looks at one rule and returns what violates it; a
:class:`~sop_models.procedure.Procedure` runs the procedure rules when it is
built and a :class:`~sop_models.catalog.Catalog` the catalog rules, so neither
can exist broken. Each problem names the file, the step and the rule, and says
what is allowed, so an office correcting its own YAML knows what to change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pydantic import BaseModel

from sop_models.duration import Duration, DurationError

if TYPE_CHECKING:
    from sop_models.procedure import Procedure


@dataclass(frozen=True)
class Problem:
    """One mistake in an SOP definition: where it is, which rule it breaks, and what to do."""

    source: str
    rule: str
    message: str
    step: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}: step {self.step}" if self.step is not None else self.source
        return f"{where}: [{self.rule}] {self.message}"


class CatalogError(ValueError):
    """One or more SOP definitions are invalid; ``problems`` lists every one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class DefinitionError(CatalogError):
    """Raised while building a Procedure; its problems do not know their file yet."""

    def located(self, source: str) -> CatalogError:
        return CatalogError(replace(p, source=source) for p in self.problems)


# --- one procedure ----------------------------------------------------------------------------


def _check_numbering(proc: Procedure) -> list[Problem]:
    numbers = [s.number for s in proc.steps]
    if numbers == list(range(1, len(numbers) + 1)):
        return []
    return [
        Problem(
            "",
            "numbering",
            f"steps are numbered {numbers}; they must be 1..{len(numbers)} in order, "
            "without gaps or repeats",
        )
    ]


def _check_waktu(proc: Procedure) -> list[Problem]:
    problems = []
    for step in proc.steps:
        try:
            Duration.parse(step.waktu)
        except DurationError as exc:
            problems.append(Problem("", "waktu", str(exc), step.number))
    return problems


def _check_actors_unique(proc: Procedure) -> list[Problem]:
    if len(set(proc.actors)) == len(proc.actors):
        return []
    return [Problem("", "actors", f"actors {list(proc.actors)} list a name twice")]


def _check_actors_declared(proc: Procedure) -> list[Problem]:
    declared = set(proc.actors)
    return [
        Problem(
            "",
            "actor-declared",
            f"{field} {name!r} is not declared; declared actors: {', '.join(proc.actors)}",
            step.number,
        )
        for step in proc.steps
        for field, name in (("actor", step.actor), ("led_by", step.led_by))
        if name is not None and name not in declared
    ]


def _check_decisions(proc: Procedure) -> list[Problem]:
    """Ya leads to a later step, Tidak back to an earlier one, both existing steps."""
    problems = []
    for step in proc.steps:
        if step.decision is None:
            continue
        n = step.number
        for answer, target, later in (
            ("Ya", step.decision.ya, True),
            ("Tidak", step.decision.tidak, False),
        ):
            if not proc.has_step(target):
                message = f"{answer} target {target} is not a step (1..{proc.last})"
                problems.append(Problem("", "decision-target", message, n))
            elif later and target <= n:
                message = f"Ya target {target} must be a later step ({n + 1}..{proc.last})"
                problems.append(Problem("", "decision-ya-forward", message, n))
            elif not later and target >= n:
                message = f"Tidak target {target} must be an earlier step (1..{n - 1})"
                problems.append(Problem("", "decision-tidak-back", message, n))
    return problems


def _check_reachable(proc: Procedure) -> list[Problem]:
    seen, frontier = {1}, [1]
    while frontier:
        for nxt in proc.next_steps(frontier.pop()):
            if isinstance(nxt, int) and nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return [
        Problem("", "reachable", "cannot be reached from step 1", step.number)
        for step in proc.steps
        if step.number not in seen
    ]


def _check_finishes(proc: Procedure) -> list[Problem]:
    """From every step, Selesai can be reached."""
    finishing = {n for n in range(1, proc.last + 1) if not all(map(_is_step, proc.next_steps(n)))}
    changed = True
    while changed:
        changed = False
        for n in range(1, proc.last + 1):
            if n not in finishing and any(t in finishing for t in proc.next_steps(n)):
                finishing.add(n)
                changed = True
    return [
        Problem("", "finishes", "Selesai cannot be reached from this step", step.number)
        for step in proc.steps
        if step.number not in finishing
    ]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Characters no sheet cell, PDF or SVG may hold (a tab and a line break may)."""


def _texts(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Every text in a definition, with the field it is in (``identity.nomor``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item, path)


def _check_characters(proc: Procedure) -> list[Problem]:
    found: list[tuple[int | None, str, str]] = [
        (None, name, text)
        for field in type(proc).model_fields
        if field != "steps"  # each step's texts are named with its number, below
        for name, text in _texts(getattr(proc, field), field)
    ]
    found += [(step.number, name, text) for step in proc.steps for name, text in _texts(step, "")]
    return [
        Problem(
            "",
            "characters",
            f"{name} holds the control character U+{ord(bad.group()):04X}, which no sheet or"
            f" printout can show: delete it ({text!r})",
            number,
        )
        for number, name, text in found
        if (bad := _CONTROL.search(text))
    ]


def _check_actor_names(proc: Procedure) -> list[Problem]:
    return [
        Problem(
            "",
            "actor-name",
            f"actor {actor!r} holds {'a comma' if ',' in actor else 'a double quote'}: the"
            " sheet's Peran list separates roles by commas; write it without",
        )
        for actor in proc.actors
        if "," in actor or '"' in actor
    ]


def _is_step(position: object) -> bool:
    return isinstance(position, int)


ProcedureCheck = Callable[["Procedure"], list[Problem]]

# Each stage runs only when the stages before it found nothing: targets and
# reachability mean nothing without numbering, reachability nothing without targets.
_STAGES: tuple[tuple[ProcedureCheck, ...], ...] = (
    (_check_numbering, _check_characters, _check_actor_names),
    (_check_waktu, _check_actors_unique, _check_actors_declared, _check_decisions),
    (_check_reachable, _check_finishes),
)


def procedure_problems(proc: Procedure) -> list[Problem]:
    """Every rule one procedure violates (sources blank: the caller knows the file)."""
    for stage in _STAGES:
        problems = [p for check in stage for p in check(proc)]
        if problems:
            return sorted(problems, key=lambda p: p.step or 0)
    return []


# --- a catalog --------------------------------------------------------------------------------


def name_key(text: str) -> str:
    """How staff's names for an SOP are compared: case, spacing and punctuation ignored."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _check_unique_codes(entries: Sequence[tuple[Procedure, str]]) -> list[Problem]:
    """Two files of one catalog folder must not define the same code."""
    first: dict[str, str] = {}
    problems = []
    for proc, source in entries:
        if proc.code in first:
            message = f"code {proc.code!r} is already defined in {first[proc.code]}"
            problems.append(Problem(source, "unique-code", message))
        else:
            first[proc.code] = source
    return problems


def _check_unique_names(entries: Sequence[tuple[Procedure, str]]) -> list[Problem]:
    """A code, title or alias means one SOP only: staff type any of them in Prosedur."""
    owner: dict[str, tuple[Procedure, str, str]] = {}
    problems = []
    for proc, source in entries:
        for name in dict.fromkeys((proc.code, proc.title, *proc.aliases)):
            key = name_key(name)
            if key not in owner:
                owner[key] = (proc, source, name)
                continue
            other, other_source, other_name = owner[key]
            if other.code != proc.code:
                message = (
                    f"{name!r} of SOP {proc.code!r} reads the same as {other_name!r} of SOP "
                    f"{other.code!r} in {other_source}; give one of them another name"
                )
                problems.append(Problem(source, "unique-name", message))
    return problems


def _check_unique_prefixes(entries: Sequence[tuple[Procedure, str]]) -> list[Problem]:
    """Document IDs of two SOPs must not share a prefix (``LB-2026-0001`` names one SOP)."""
    owner: dict[str, tuple[Procedure, str]] = {}
    problems = []
    for proc, source in entries:
        key = proc.prefix.casefold()
        if key in owner and owner[key][0].code != proc.code:
            other, other_source = owner[key]
            message = (
                f"SOP {proc.code!r} would number its documents {proc.prefix}-…, as SOP "
                f"{other.code!r} in {other_source} does; set id_prefix in one of them"
            )
            problems.append(Problem(source, "unique-prefix", message))
        owner.setdefault(key, (proc, source))
    return problems


def folder_problems(entries: Sequence[tuple[Procedure, str]]) -> list[Problem]:
    """Rules across the files of one folder."""
    return _check_unique_codes(entries)


def catalog_problems(entries: Sequence[tuple[Procedure, str]]) -> list[Problem]:
    """Rules across the SOPs of a whole catalog (after office files replaced built-in ones)."""
    return _check_unique_names(entries) + _check_unique_prefixes(entries)

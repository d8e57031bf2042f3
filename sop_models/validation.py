"""Static validation of SOP definitions: every rule an SOP must satisfy to be run.

Each problem names the file, the step and the rule, and says what is allowed,
so an office correcting its own YAML knows exactly what to change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sop_models.duration import Duration, DurationError
from sop_models.procedure import Procedure


@dataclass(frozen=True)
class Problem:
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


def check_procedure(proc: Procedure, source: str) -> list[Problem]:
    """Every rule violated by one procedure (an empty list when it is valid)."""
    problems: list[Problem] = []

    def report(rule: str, message: str, step: int | None = None) -> None:
        problems.append(Problem(source, rule, message, step))

    numbers = [s.number for s in proc.steps]
    expected = list(range(1, len(numbers) + 1))
    if numbers != expected:
        report(
            "numbering",
            f"steps are numbered {numbers}; they must be 1..{len(numbers)} in order, "
            "without gaps or repeats",
        )
        return problems  # targets and reachability mean nothing without numbering

    for step in proc.steps:
        try:
            Duration.parse(step.waktu)
        except DurationError as exc:
            report("waktu", str(exc), step.number)
    declared = set(proc.actors)
    if len(declared) != len(proc.actors):
        report("actors", f"actors {list(proc.actors)} list a name twice")
    for step in proc.steps:
        for field, name in (("actor", step.actor), ("led_by", step.led_by)):
            if name is not None and name not in declared:
                report(
                    "actor-declared",
                    f"{field} {name!r} is not declared; declared actors: {', '.join(proc.actors)}",
                    step.number,
                )
        if step.decision is None:
            continue
        ya, tidak = step.decision.ya, step.decision.tidak
        if not proc.has_step(ya):
            report("decision-target", f"Ya target {ya} is not a step (1..{proc.last})", step.number)
        elif ya <= step.number:
            report(
                "decision-ya-forward",
                f"Ya target {ya} must be a later step ({step.number + 1}..{proc.last})",
                step.number,
            )
        if not proc.has_step(tidak):
            report(
                "decision-target",
                f"Tidak target {tidak} is not a step (1..{proc.last})",
                step.number,
            )
        elif tidak >= step.number:
            report(
                "decision-tidak-back",
                f"Tidak target {tidak} must be an earlier step (1..{step.number - 1})",
                step.number,
            )
    if any(p.rule.startswith("decision") for p in problems):
        return problems
    problems.extend(_reachability(proc, source))
    return problems


def _reachability(proc: Procedure, source: str) -> list[Problem]:
    problems: list[Problem] = []
    seen, frontier = {1}, [1]
    while frontier:
        for nxt in proc.next_steps(frontier.pop()):
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    for step in proc.steps:
        if step.number not in seen:
            problems.append(
                Problem(source, "reachable", "cannot be reached from step 1", step.number)
            )
    finishing = {n for n in range(1, proc.last + 1) if None in proc.next_steps(n)}
    changed = True
    while changed:
        changed = False
        for n in range(1, proc.last + 1):
            if n not in finishing and any(t in finishing for t in proc.next_steps(n)):
                finishing.add(n)
                changed = True
    for step in proc.steps:
        if step.number not in finishing:
            problems.append(
                Problem(source, "finishes", "Selesai cannot be reached from this step", step.number)
            )
    return problems


def check_unique_codes(entries: Iterable[tuple[Procedure, str]]) -> list[Problem]:
    """Two files of one catalog folder must not define the same code."""
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for proc, source in entries:
        if proc.code in first:
            problems.append(
                Problem(
                    source,
                    "unique-code",
                    f"code {proc.code!r} is already defined in {first[proc.code]}",
                )
            )
        else:
            first[proc.code] = source
    return problems

"""Pydantic models of an SOP AP (Permenpan RB 35/2012): a procedure and its steps.

These models check the shape of one YAML file. Rules that relate steps to each
other (numbering, decision targets, reachability) live in ``validation``.
"""

from __future__ import annotations

from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

from sop_models.duration import Duration


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Decision(_Frozen):
    """A review step: ``ya`` passes the document on, ``tidak`` sends it back."""

    ya: int
    tidak: int


class Step(_Frozen):
    number: int
    activity: str = Field(min_length=1)
    actor: str = Field(min_length=1)
    led_by: str | None = None
    kelengkapan: str = ""
    waktu: str = ""
    output: str = ""
    keterangan: str = ""
    links: tuple[str, ...] = ()
    decision: Decision | None = None

    @cached_property
    def duration(self) -> Duration | None:
        """The standard time; validation (rule ``waktu``) guarantees it parses."""
        return Duration.parse(self.waktu)


class Procedure(_Frozen):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    id_prefix: str | None = Field(default=None, pattern=r"^[A-Z0-9]{1,12}$")
    """Prefix of generated document IDs (``RKA`` -> ``RKA-2026-0007``); derived when absent."""
    actors: tuple[str, ...] = Field(min_length=1)
    steps: tuple[Step, ...] = Field(min_length=1)

    @property
    def last(self) -> int:
        return len(self.steps)

    def step(self, number: int) -> Step:
        """The step numbered ``number`` (1-based); validation guarantees 1..N."""
        return self.steps[number - 1]

    def has_step(self, number: int) -> bool:
        return 1 <= number <= len(self.steps)

    def next_steps(self, number: int) -> tuple[int | None, ...]:
        """Where a document may go from ``number``; None means Selesai."""
        step = self.step(number)
        if step.decision is not None:
            return (step.decision.ya, step.decision.tidak)
        return (number + 1,) if number < self.last else (None,)

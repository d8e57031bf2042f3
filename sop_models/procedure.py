"""Pydantic models of an SOP AP (Permenpan RB 35/2012): a procedure and its steps.

A :class:`Procedure` is valid by construction: every rule of ``validation``
(numbering 1..N, decision targets, declared actors, standard times,
reachability) is checked when it is built, so no code ever holds a broken SOP.
"""

from __future__ import annotations

from enum import Enum
from functools import cached_property
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from sop_models.duration import Duration
from sop_models.identity import Identity


class Done(Enum):
    """Where a document is once its last step is done: past every step, shown ``Selesai``."""

    SELESAI = "Selesai"

    def __str__(self) -> str:
        return self.value


DONE = Done.SELESAI

Position = int | Done
"""Where a document is: a step number, or ``DONE``."""


class _Frozen(BaseModel):
    # defer_build: validators are built on first use; a cron sync taking what the last one
    # validated (syncer.kept) then needs none.
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )


def _whole_number(value: object) -> object:
    if isinstance(value, bool):  # YAML reads yes/no/true as booleans, which are ints
        raise ValueError(f"{str(value).lower()} is not a step number: write a whole number")
    return value


StepNumber = Annotated[int, BeforeValidator(_whole_number)]


class Decision(_Frozen):
    """A review step: ``ya`` passes the document on, ``tidak`` sends it back."""

    ya: StepNumber
    tidak: StepNumber


class Step(_Frozen):
    number: StepNumber
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
        """The standard time; the ``waktu`` rule guarantees it parses."""
        return Duration.parse(self.waktu)


class Procedure(_Frozen):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    id_prefix: str | None = Field(default=None, pattern=r"^[A-Z0-9]{1,12}$")
    """Prefix of generated document IDs (``RKA`` -> ``RKA-2026-0007``); derived when absent."""
    actors: tuple[str, ...] = Field(min_length=1)
    steps: tuple[Step, ...] = Field(min_length=1)
    identity: Identity = Field(default_factory=Identity)
    """The Permenpan identity of the document (nomor, tanggal, disahkan oleh, …)."""

    @model_validator(mode="after")
    def _valid(self) -> Self:
        from sop_models.validation import DefinitionError, procedure_problems

        problems = procedure_problems(self)
        if problems:
            raise DefinitionError(problems)
        return self

    @cached_property
    def version(self) -> str:
        """The version of its steps (``sop_models.version``): ``3f9a0c1e``."""
        from sop_models.version import version_of

        return version_of(self)

    @property
    def last(self) -> int:
        return len(self.steps)

    @property
    def prefix(self) -> str:
        """Of this SOP's document IDs: ``rka`` -> ``RKA``, ``laporan-bulanan`` -> ``LB``."""
        if self.id_prefix:
            return self.id_prefix
        parts = self.code.split("-")
        return (parts[0] if len(parts) == 1 else "".join(p[0] for p in parts)).upper()

    @property
    def keterkaitan(self) -> tuple[str, ...]:
        """Related SOPs: the identity's, then the steps' links, each once."""
        links = (link for step in self.steps for link in step.links)
        return tuple(dict.fromkeys((*self.identity.keterkaitan, *links)))

    def step(self, number: int) -> Step:
        """The step numbered ``number`` (1-based); steps are numbered 1..N by construction."""
        return self.steps[number - 1]

    def has_step(self, number: int) -> bool:
        return 1 <= number <= len(self.steps)

    def next_steps(self, number: int) -> tuple[Position, ...]:
        """Where a document may go from step ``number``: its Ya and Tidak targets, or the next."""
        step = self.step(number)
        if step.decision is not None:
            return (step.decision.ya, step.decision.tidak)
        return (number + 1,) if number < self.last else (DONE,)

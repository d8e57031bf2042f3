"""Versions of an SOP (DESIGN §9): a digest of what its step numbers mean.

A document runs on the version it started on, so a version must change exactly when
the meaning of a step number changes for the engine: which steps there are (their
numbers), what each asks (``activity``: shown as Kegiatan), who does it (``actor``:
Pelaksana), by when (``waktu``: Tenggat) and where it may go next (``decision``: the
allowed next steps). Nothing else enters the digest: the identity (approver, dates,
nomor), title and aliases, ``led_by``, Kelengkapan, Output, Keterangan and links
describe the SOP for its readers and its printed document, and correcting them must not
split the documents in flight into two versions. Whitespace inside texts and the
spelling of a standard time (``1 Hari``, ``1 hari``) do not count either.

``steps_data`` is the canonical form of those fields: a version is its digest, and it is
also how a version is kept in the sheet, so that a stored version is checked against
its own name when read back (``procedure_from_data``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import ValidationError

from sop_models.duration import Duration
from sop_models.idtime import tanggal
from sop_models.validation import CatalogError

if TYPE_CHECKING:
    from sop_models.procedure import Procedure, Step

StepData = list[object]
"""One step in canonical form: ``[activity, actor, waktu]``, plus ``ya, tidak`` at a decision."""

DIGITS = 8
"""Hex digits of a version: one SOP has a handful of versions, never thousands."""


def _words(text: str) -> str:
    return " ".join(text.split())


def _waktu(text: str) -> str:
    duration = Duration.parse(text)
    return "" if duration is None else str(duration)


def step_data(step: Step) -> StepData:
    data: StepData = [_words(step.activity), _words(step.actor), _waktu(step.waktu)]
    if step.decision is not None:
        data += [step.decision.ya, step.decision.tidak]
    return data


def steps_data(proc: Procedure) -> list[StepData]:
    """The fields of every step that make a version, in step order (the number is the place)."""
    return [step_data(step) for step in proc.steps]


def digest_of(data: Sequence[StepData]) -> str:
    text = json.dumps(list(data), ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2s(text.encode(), digest_size=DIGITS // 2).hexdigest()


def version_of(proc: Procedure) -> str:
    """The version of an SOP: ``3f9a0c1e``."""
    return digest_of(steps_data(proc))


def label(proc: Procedure) -> str:
    """A version as staff read it: ``3f9a0c1e (revisi 15 Maret 2026)``, or the digest alone."""
    revised = proc.identity.tanggal_revisi
    return f"{proc.version} (revisi {tanggal(revised)})" if revised else proc.version


class VersionError(ValueError):
    """A stored version that cannot be used; the message says why, in Indonesian."""


def procedure_from_data(
    code: str, title: str, version: str, data: object, aliases: object = ()
) -> Procedure:
    """The SOP ``code`` at ``version`` from its stored steps (``steps_data``); VersionError
    when they are not a valid SOP, or not that version (edited or damaged where kept)."""
    from sop_models.procedure import Procedure

    steps = _steps(data)
    actors = tuple(dict.fromkeys(str(s["actor"]) for s in steps))
    fields = {"code": code, "title": title, "aliases": aliases, "actors": actors, "steps": steps}
    try:
        proc = Procedure.model_validate(fields)
    except (ValidationError, CatalogError) as exc:
        raise VersionError("langkah-langkahnya bukan SOP yang sah") from exc
    if version_of(proc) != version:
        raise VersionError("langkah-langkahnya tidak cocok dengan nomor versinya")
    return proc


def _steps(data: object) -> list[dict[str, object]]:
    """Stored steps as Step fields; VersionError when their shape is wrong."""
    if not isinstance(data, list) or not data:
        raise VersionError("daftar langkahnya kosong atau tidak terbaca")
    steps = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, list) or len(item) not in (3, 5):
            raise VersionError(f"langkah {number} tidak terbaca")
        activity, actor, waktu, *decision = item
        texts = (activity, actor, waktu)
        if not all(isinstance(t, str) for t in texts) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in decision
        ):
            raise VersionError(f"langkah {number} tidak terbaca")
        step: dict[str, object] = {
            "number": number,
            "activity": activity,
            "actor": actor,
            "waktu": waktu,
        }
        if decision:
            step["decision"] = {"ya": decision[0], "tidak": decision[1]}
        steps.append(step)
    return steps


@dataclass(frozen=True)
class Versions:
    """Versions of SOPs kept beside the catalog (in the sheet): the steps that documents
    in flight started on, by SOP code and version; and those that cannot be used."""

    procedures: Mapping[tuple[str, str], Procedure] = field(default_factory=dict)
    damaged: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(code, version) -> why its stored steps cannot be used."""

    def get(self, code: str, version: str) -> Procedure | None:
        return self.procedures.get((code, version))


def same_work(old: Step, new: Step) -> bool:
    """Whether two steps ask the same thing of the same actor in the same time, both or
    neither a decision: a document at ``old`` may stand at ``new`` without being told so
    (its decision's targets are numbers of its own version, and do not count)."""
    return step_data(old)[:3] == step_data(new)[:3] and (old.decision is None) == (
        new.decision is None
    )

"""Configuration: an optional TOML file, validated by pydantic, defaults that work.

Relative paths in the file are taken from the file's own folder, so a config
and its workbook can move together.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from syncer.calendar import WorkingCalendar


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CalendarConfig(_Section):
    zone: str = "Asia/Jakarta"
    periods: dict[str, list[str]] | None = None
    """Weekday name -> ["HH:MM-HH:MM", ...]; replaces the whole default week when given."""
    extra_holidays: list[date] = []
    holiday_categories: list[str] = ["public", "government"]
    due_soon_minutes: float = Field(60.0, gt=0)
    """`Hampir tenggat` when fewer working minutes than this are left."""

    def build(self) -> WorkingCalendar:
        return WorkingCalendar.from_config(
            zone=self.zone,
            periods=self.periods,
            extra_holidays=self.extra_holidays,
            holiday_categories=tuple(self.holiday_categories),
        )


class XlsxConfig(_Section):
    path: Path = Path("sopsync.xlsx")


class GoogleConfig(_Section):
    spreadsheet: str | None = None
    credentials: Path | None = None
    """Service-account JSON key; GOOGLE_APPLICATION_CREDENTIALS when absent."""
    admins: list[str] = []
    """Emails that may edit the worker's protected ranges besides the service account."""
    protection: Literal["enforce", "warning"] = "enforce"
    endpoint: str | None = None
    """Another Sheets API base URL (a proxy, or the test emulator); None = Google."""
    timeout_seconds: float = Field(30.0, gt=0)
    requests_per_minute: int = Field(60, ge=1)
    """API requests the worker allows itself per minute (Google's default quota is 60)."""


class WorkerConfig(_Section):
    interval_seconds: float = Field(300.0, ge=1)
    retries: int = Field(4, ge=0, le=10)
    log_format: Literal["auto", "console", "json"] = "auto"


class SopConfig(_Section):
    folders: list[Path] = []
    """Folders of the office's own SOP YAML files, loaded after the built-in catalog."""


class Config(_Section):
    backend: Literal["xlsx", "google"] = "xlsx"
    xlsx: XlsxConfig = XlsxConfig()
    google: GoogleConfig = GoogleConfig()
    calendar: CalendarConfig = CalendarConfig()
    people: dict[str, str] = {}
    """Actor role -> person, shown in Pelaksana as `Sekcam — Budi Santoso`."""
    worker: WorkerConfig = WorkerConfig()
    sop: SopConfig = SopConfig()

    @field_validator("people")
    @classmethod
    def _names(cls, value: dict[str, str]) -> dict[str, str]:
        return {role.strip(): name.strip() for role, name in value.items() if name.strip()}

    def credentials_path(self) -> Path | None:
        if self.google.credentials:
            return self.google.credentials
        env = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        return Path(env) if env else None


def _anchor(config: Config, base: Path) -> Config:
    def at(path: Path | None) -> Path | None:
        return path if path is None or path.is_absolute() else base / path

    return config.model_copy(
        update={
            "xlsx": config.xlsx.model_copy(update={"path": at(config.xlsx.path)}),
            "google": config.google.model_copy(
                update={"credentials": at(config.google.credentials)}
            ),
            "sop": config.sop.model_copy(update={"folders": [at(f) for f in config.sop.folders]}),
        }
    )


def load_config(path: Path | None) -> Config:
    """The file's configuration, or the defaults when ``path`` is None."""
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        config = Config.model_validate(raw)
        config.calendar.build()
    except ValidationError as exc:
        lines = [
            f"{path}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
            + (f" (got {err['input']!r})" if err["type"] != "missing" else "")
            for err in exc.errors(include_url=False)
        ]
        raise ConfigError("\n".join(lines)) from exc
    except ValueError as exc:
        raise ConfigError(f"{path}: calendar: {exc}") from exc
    return _anchor(config, Path(path).resolve().parent)

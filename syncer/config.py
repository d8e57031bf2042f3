"""Configuration: an optional TOML file, validated by pydantic, defaults that work.

Relative paths in the file are taken from the file's own folder, so a config
and its workbook can move together.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sop_models.duration import Duration
from syncer.calendar import WorkingCalendar

if TYPE_CHECKING:
    from syncer.notices.delivery import Notifier


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


class EmailConfig(_Section):
    host: str
    from_address: str
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    """Default: 587 for starttls, 465 for tls, 25 for none."""
    security: Literal["starttls", "tls", "none"] = "starttls"
    from_name: str = "sopsync"
    username_env: str | None = None
    """Name of the environment variable holding the SMTP login (none: no login)."""
    password_env: str | None = None
    ca_file: Path | None = None
    """Extra certificates to trust (a self-hosted server's own CA)."""


class TelegramConfig(_Section):
    token_env: str = "SOPSYNC_TELEGRAM_TOKEN"
    base_url: str = "https://api.telegram.org"


class WhatsAppCloudConfig(_Section):
    provider: Literal["cloud"]
    phone_number_id: str
    template: str = "sopsync_pemberitahuan"
    language: str = "id"
    token_env: str = "SOPSYNC_WHATSAPP_TOKEN"
    base_url: str = "https://graph.facebook.com/v21.0"


class WhatsAppGatewayConfig(_Section):
    provider: Literal["gateway"]
    url: str
    number_field: str = "target"
    text_field: str = "message"
    token_header: str = "Authorization"
    token_prefix: str = ""
    token_env: str | None = "SOPSYNC_WHATSAPP_TOKEN"
    body: Literal["form", "json"] = "form"


class NoticesConfig(_Section):
    morning_at: time = time(7, 30)
    """Ringkasan pagi: from this time of each working day."""
    escalate_after: str = "1 hari"
    """Still late this working time after Tenggat: the role's supervisor is told."""
    supervisors: dict[str, str] = {}
    """Role -> its supervisor's role ("" for none), over the defaults of DESIGN §8."""
    outbox: Path = Path("sopsync-outbox.sqlite3")
    timeout_seconds: Annotated[float, Field(gt=0)] = 10.0
    email: EmailConfig | None = None
    telegram: TelegramConfig | None = None
    whatsapp: (
        Annotated[WhatsAppCloudConfig | WhatsAppGatewayConfig, Field(discriminator="provider")]
        | None
    ) = None

    @field_validator("escalate_after")
    @classmethod
    def _duration(cls, value: str) -> str:
        Duration.parse(value)
        if not value.strip():
            raise ValueError("write 'N menit', 'N jam' or 'N hari'")
        return value

    @property
    def enabled(self) -> bool:
        return any((self.email, self.telegram, self.whatsapp))

    def notifier(self, calendar: WorkingCalendar) -> Notifier:
        from syncer.notices.setup import build_notifier

        return build_notifier(self, calendar)


class Config(_Section):
    backend: Literal["xlsx", "google"] = "xlsx"
    xlsx: XlsxConfig = XlsxConfig()
    google: GoogleConfig = GoogleConfig()
    calendar: CalendarConfig = CalendarConfig()
    people: dict[str, str] = {}
    """Actor role -> person, shown in Pelaksana as `Sekcam — Budi Santoso`."""
    worker: WorkerConfig = WorkerConfig()
    sop: SopConfig = SopConfig()
    notices: NoticesConfig = NoticesConfig()

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
            "notices": _anchor_notices(config.notices, at),
        }
    )


def _anchor_notices(
    notices: NoticesConfig, at: Callable[[Path | None], Path | None]
) -> NoticesConfig:
    email = notices.email
    if email is not None and email.ca_file is not None:
        email = email.model_copy(update={"ca_file": at(email.ca_file)})
    return notices.model_copy(update={"outbox": at(notices.outbox), "email": email})


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

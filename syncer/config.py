"""Configuration: an optional TOML file, validated by pydantic, defaults that work.

Relative paths in the file are taken from the file's own folder, so a config
and its workbook can move together.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from sop_models.duration import Duration
from syncer.calendar import WorkingCalendar
from syncer.config_messages import explain
from syncer.hours import (
    DEFAULT_WEEK,
    RAMADAN_WEEK,
    WEEKDAYS,
    DateSpan,
    HoursSpan,
    Ramadan,
    Week,
)
from syncer.monitoring import DEFAULT_GOOD_SHARE

if TYPE_CHECKING:
    from syncer.notices.delivery import Notifier


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


class _Section(BaseModel):
    # defer_build: validators are built on first use; a cron sync taking the configuration
    # the last one validated (syncer.kept) then needs none.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- shared helpers: configuration values in plain English ------------------------------------


def _plain_number(value: object) -> object:
    """TOML's true or false is not a count or a number of seconds (pydantic takes it as 1 or
    0), nor are its nan and inf."""
    if isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
        raise ValueError(f"{_shown(value)} is not a number")
    return value


def _clock_time(value: object) -> object:
    """A time of day on the calendar zone's clock: ``07:30`` (text or TOML), not a number
    of seconds nor a time with a zone of its own."""
    zoned = isinstance(value, time) and value.tzinfo is not None
    if zoned or not isinstance(value, str | time) or not _CLOCK.fullmatch(str(value).strip()):
        shown = value.isoformat() if isinstance(value, time) else _shown(value)
        raise ValueError(f"{shown} is not a time of day: write it as 07:30")
    return value


_CLOCK = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


Count = Annotated[int, BeforeValidator(_plain_number)]
Seconds = Annotated[float, BeforeValidator(_plain_number)]
MAX_INTERVAL = 7 * 24 * 3600
"""The longest interval between two cycles of `run`: a week, in seconds."""
MAX_TIMEOUT = 600
"""The longest wait for one answer (Google, a notice channel), in seconds."""


def config_date(value: object) -> date:
    """A TOML date (``2026-08-17``) or the text ``"2026-08-17"``; else one plain sentence."""
    if isinstance(value, datetime):
        raise ValueError(
            f"{value.isoformat()} has a time of day: write the date alone, "
            f"e.g. {value.date().isoformat()}"
        )
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{str(value)!r} is not a date: write {_date_example(value)}")


def _date_example(value: object) -> str:
    """The ISO form of a day-first date (``17-08-2026`` -> 2026-08-17), or the pattern."""
    match = _DAY_FIRST.match(value) if isinstance(value, str) else None
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            pass
    return "YYYY-MM-DD, e.g. 2026-08-17"


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_PERIOD_TEXT = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-\u2013]\s*(\d{1,2})[:.](\d{2})\s*$")
_ALLOWED_PERIOD = "'HH:MM-HH:MM' on a 24-hour clock, such as '07:30-12:00'"
_ZONE_EXAMPLES = "'Asia/Jakarta' (WIB), 'Asia/Makassar' (WITA) or 'Asia/Jayapura' (WIT)"

ConfigDate = Annotated[date, PlainValidator(config_date)]


# --- [calendar] --------------------------------------------------------------------------------


def _zone(value: object) -> ZoneInfo:
    if isinstance(value, ZoneInfo):
        return value
    try:
        return ZoneInfo(str(value).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{str(value)!r} is not a known IANA time zone; use e.g. {_ZONE_EXAMPLES}"
        ) from None


def _period(weekday: str, text: object) -> tuple[time, time]:
    match = _PERIOD_TEXT.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{weekday}: {text!r} is not a working period; write {_ALLOWED_PERIOD}")
    hour1, minute1, hour2, minute2 = (int(part) for part in match.groups())
    if hour1 > 23 or hour2 > 23 or minute1 > 59 or minute2 > 59:
        raise ValueError(
            f"{weekday}: {text!r} is not a time of day; "
            f"write {_ALLOWED_PERIOD} (hours 00-23, minutes 00-59)"
        )
    return time(hour1, minute1), time(hour2, minute2)


def _week(value: object) -> Week:
    """``{"monday": ["07:30-12:00", ...], ...}``: a whole week, unlisted weekdays without work."""
    if isinstance(value, Week):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(
            f"{value!r} is not a table of weekdays; write e.g. "
            'monday = ["07:30-12:00", "13:00-16:00"]'
        )
    days: list[tuple[tuple[time, time], ...] | None] = [None] * 7
    for key, texts in value.items():
        name = str(key).strip().lower()
        if name not in WEEKDAYS:
            raise ValueError(f"{key!r} is not a weekday; use one of {', '.join(WEEKDAYS)}")
        index = WEEKDAYS.index(name)
        if days[index] is not None:
            raise ValueError(f"{name} is listed twice")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list | tuple):
            raise ValueError(f"{name}: {texts!r} is not a list of {_ALLOWED_PERIOD}")
        days[index] = tuple(_period(name, text) for text in texts)
    return Week(tuple(day or () for day in days))


Zone = Annotated[ZoneInfo, PlainValidator(_zone)]
WeekPeriods = Annotated[Week, PlainValidator(_week)]


class DatesConfig(_Section):
    """``from`` and ``until``: a span of days, both included."""

    first: ConfigDate = Field(alias="from")
    until: ConfigDate
    _dates: DateSpan = PrivateAttr()

    @model_validator(mode="after")
    def _typed(self) -> Self:
        self._dates = DateSpan(self.first, self.until)
        return self

    @property
    def dates(self) -> DateSpan:
        return self._dates


class SpanConfig(DatesConfig):
    """``[[calendar.spans]]``: a week of working periods for a span of dates."""

    periods: WeekPeriods


class RamadanConfig(_Section):
    """``[calendar.ramadan]``: Ramadan hours, on by default (DESIGN §3)."""

    enabled: bool = True
    periods: WeekPeriods = RAMADAN_WEEK
    """The MenPAN-RB circular's week unless given (a whole week, as [calendar.periods])."""
    dates: list[DatesConfig] = []
    """A year's Ramadan as the government set it, when the isbat differs from Umm al-Qura."""
    _ramadan: Ramadan | None = PrivateAttr()

    @model_validator(mode="after")
    def _typed(self) -> Self:
        dates = tuple(each.dates for each in self.dates)
        self._ramadan = Ramadan(self.periods, dates) if self.enabled else None
        return self

    @property
    def ramadan(self) -> Ramadan | None:
        return self._ramadan


class CalendarConfig(_Section):
    """``[calendar]``, parsed once into a :class:`WorkingCalendar` (``build``)."""

    zone: Zone = ZoneInfo("Asia/Jakarta")
    periods: WeekPeriods = DEFAULT_WEEK
    """Weekday name -> ["HH:MM-HH:MM", ...]; replaces the whole default week when given."""
    spans: list[SpanConfig] = []
    """Dated working hours: each day of a span has its week's periods (Ramadan's win)."""
    ramadan: RamadanConfig = Field(default_factory=RamadanConfig)
    extra_holidays: list[ConfigDate] = []
    holiday_categories: list[str] = ["public", "government"]
    due_soon_minutes: float = Field(60.0, gt=0)
    """`Hampir tenggat` when fewer working minutes than this are left."""
    _calendar: WorkingCalendar = PrivateAttr()

    @model_validator(mode="after")
    def _typed(self) -> Self:
        self._calendar = WorkingCalendar(
            zone=self.zone,
            week=self.periods,
            spans=tuple(HoursSpan(span.dates, span.periods) for span in self.spans),
            ramadan=self.ramadan.ramadan,
            holiday_categories=tuple(
                dict.fromkeys(name.strip().lower() for name in self.holiday_categories)
            ),
            extra_holidays=frozenset(self.extra_holidays),
        )
        return self

    def build(self) -> WorkingCalendar:
        """The calendar this configuration describes (built and checked at load)."""
        return self._calendar


class XlsxConfig(_Section):
    path: Path = Path("sopsync.xlsx")


class GoogleConfig(_Section):
    spreadsheet: str | None = None
    credentials: Path | None = None
    """Service-account JSON key; GOOGLE_APPLICATION_CREDENTIALS when absent."""
    admins: list[str] = []
    """Emails that may edit the worker's protected ranges besides the service account."""
    protection: Literal["enforce", "warning"] = "enforce"
    """Of the worker's own tabs; its columns of staff tables only warn (google.init)."""
    endpoint: str | None = None
    """For testing: another base URL for the API and token requests (the emulator);
    None = Google."""
    timeout_seconds: Seconds = Field(30.0, gt=0, le=MAX_TIMEOUT)
    requests_per_minute: Count = Field(60, ge=1)
    """Read requests, and apart write requests, the worker allows itself per minute per
    service account (Google's quota per user: 60 of each)."""
    project_requests_per_minute: Count = Field(300, ge=1)
    """The same across the service accounts of one Google Cloud project (Google's: 300)."""


STATE_FILE = "sopsync-state.sqlite3"


class WorkerConfig(_Section):
    interval_seconds: Seconds = Field(300.0, ge=1, le=MAX_INTERVAL)
    retries: Count = Field(4, ge=0, le=10)
    failures_before_error: Count = Field(3, ge=1)
    """`run` logs a failed cycle as a warning, as an error from this many failures in a row."""
    log_format: Literal["auto", "console", "json"] = "auto"
    state_file: Path | None = None
    """The worker's local notes (when the Kinerja tab is next due); default: beside the
    configuration file, ``STATE_FILE``; a command given no configuration file keeps them in
    the current folder (``here``), where the default workbook is too. None: in memory."""


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
    morning_at: Annotated[time, BeforeValidator(_clock_time)] = time(7, 30)
    """Ringkasan pagi: from this time of each working day."""
    escalate_after: str = "1 hari"
    """Still late this working time after Tenggat: the role's supervisor is told."""
    supervisors: dict[str, str] = {}
    """Role -> its supervisor's role ("" for none), over the defaults of DESIGN §8."""
    outbox: Path = Path("sopsync-outbox.sqlite3")
    timeout_seconds: Seconds = Field(10.0, gt=0, le=MAX_TIMEOUT)
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


class Evaluator(_Section):
    """Who signs the monitoring form (`laporan`); blank parts are left to fill in by hand."""

    jabatan: str = ""
    nama: str = ""
    nip: str = ""


class LaporanConfig(_Section):
    unit: list[str] = []
    """The unit the form is for, one line each (instansi, unit kerja)."""
    good_share: float = Field(DEFAULT_GOOD_SHARE, gt=0, le=1)
    """`Berjalan dengan baik` when at least this share of measured steps met Mutu Baku."""
    evaluator: Evaluator = Field(default_factory=Evaluator)

    @field_validator("unit", mode="before")
    @classmethod
    def _lines(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Config(_Section):
    backend: Literal["xlsx", "google"] = "xlsx"
    xlsx: XlsxConfig = Field(default_factory=XlsxConfig)
    google: GoogleConfig = Field(default_factory=GoogleConfig)
    calendar: CalendarConfig = Field(default_factory=CalendarConfig)
    people: dict[str, str] = {}
    """Actor role -> person, shown in Pelaksana as `Sekcam — Budi Santoso`."""
    worker: WorkerConfig = Field(default_factory=WorkerConfig)
    sop: SopConfig = Field(default_factory=SopConfig)
    notices: NoticesConfig = Field(default_factory=NoticesConfig)
    laporan: LaporanConfig = Field(default_factory=LaporanConfig)
    _origin: str = PrivateAttr(default="")

    @property
    def origin(self) -> str:
        """Where these settings were written (``kantor.toml: [[sheets]] "Buayan": ``), to
        begin a message about them with; "" for the defaults."""
        return self._origin

    @field_validator("people", mode="before")
    @classmethod
    def _several(cls, value: object) -> object:
        """A role held by several people may list them: ``Staf = ["Ani", "Budi"]``."""
        if not isinstance(value, dict):
            return value
        return {
            role: ", ".join(n.strip() for n in names if n.strip())
            if isinstance(names, list) and all(isinstance(n, str) for n in names)
            else names
            for role, names in value.items()
        }

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
            "worker": config.worker.model_copy(
                update={"state_file": state_file_at(config.worker.state_file, base)}
            ),
            "notices": _anchor_notices(config.notices, at),
        }
    )


def state_file_at(setting: Path | None, base: Path) -> Path:
    """The state file a ``[worker] state_file`` setting names, relative to the folder
    ``base`` of the configuration file (the default beside it)."""
    path = setting or Path(STATE_FILE)
    return path if path.is_absolute() else base / path


def here() -> Config:
    """The defaults as a command given no configuration file uses them (`sync`, `status` …):
    its state file, ``STATE_FILE``, in the current folder, beside the default workbook."""
    worker = WorkerConfig(state_file=state_file_at(None, Path.cwd()))
    return Config().model_copy(update={"worker": worker})


def state_file_of(path: Path) -> Path | None:
    """The state file of the configuration file at ``path``, told from its TOML alone,
    before its settings are validated; None when it cannot be told."""
    try:
        raw = read_toml(path)
    except ConfigError:
        return None
    worker = raw.get("worker", {})
    setting = worker.get("state_file") if isinstance(worker, dict) else None
    if not isinstance(setting, str | None):
        return None
    return state_file_at(None if setting is None else Path(setting), Path(path).resolve().parent)


def _anchor_notices(
    notices: NoticesConfig, at: Callable[[Path | None], Path | None]
) -> NoticesConfig:
    email = notices.email
    if email is not None and email.ca_file is not None:
        email = email.model_copy(update={"ca_file": at(email.ca_file)})
    return notices.model_copy(update={"outbox": at(notices.outbox), "email": email})


def load_config(path: Path | None) -> Config:
    """The file's own settings, or the defaults when ``path`` is None.

    Its ``[[sheets]]`` are left to :func:`syncer.sheets.load_sheets`.
    """
    if path is None:
        return Config()
    raw = read_toml(path)
    raw.pop("sheets", None)
    return validated(raw, path)


def read_toml(path: Path) -> dict[str, Any]:
    """The file as TOML tables; a file that cannot be read is one ConfigError."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such configuration file") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {(exc.strerror or str(exc)).lower()}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not a text file (save it as UTF-8)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def validated(raw: Mapping[str, Any], path: Path, where: str = "") -> Config:
    """``raw`` as a Config, its relative paths taken from ``path``'s folder; each mistake
    one line naming the file (and ``where`` in it) and the key."""
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: {where}{explain(err, Config)}" for err in exc.errors(include_url=False)]
        raise ConfigError("\n".join(lines)) from exc
    anchored = _anchor(config, Path(path).resolve().parent)
    anchored._origin = f"{path}: {where}"
    return anchored

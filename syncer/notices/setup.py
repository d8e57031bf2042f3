"""The configuration's ``[notices]`` section made into a :class:`Notifier`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sop_models import Duration
from syncer.calendar import WorkingCalendar
from syncer.notices.channels import Channel
from syncer.notices.channels.email import EmailChannel
from syncer.notices.channels.telegram import TelegramChannel
from syncer.notices.channels.whatsapp import CloudChannel, GatewayChannel
from syncer.notices.delivery import Notifier
from syncer.notices.planner import DEFAULT_SUPERVISORS, Settings

if TYPE_CHECKING:
    from syncer.config import NoticesConfig


def build_channels(config: NoticesConfig) -> tuple[Channel, ...]:
    """The channels the configuration enables, in the order e-mail, Telegram, WhatsApp."""
    timeout = config.timeout_seconds
    channels: list[Channel] = []
    if config.email is not None:
        channels.append(EmailChannel(**config.email.model_dump(), timeout=timeout))
    if config.telegram is not None:
        channels.append(TelegramChannel(**config.telegram.model_dump(), timeout=timeout))
    if config.whatsapp is not None:
        kind = CloudChannel if config.whatsapp.provider == "cloud" else GatewayChannel
        fields = config.whatsapp.model_dump(exclude={"provider"})
        channels.append(kind(**fields, timeout=timeout))
    return tuple(channels)


def settings(config: NoticesConfig) -> Settings:
    supervisors = {**DEFAULT_SUPERVISORS, **config.supervisors}
    return Settings(
        morning_at=config.morning_at,
        escalate_after=Duration.parse(config.escalate_after) or Duration(1, "hari"),
        supervisors={role: boss for role, boss in supervisors.items() if boss.strip()},
    )


def build_notifier(config: NoticesConfig, calendar: WorkingCalendar) -> Notifier:
    return Notifier(build_channels(config), config.outbox, calendar, settings(config))

"""The configuration's ``[notices]`` section made into a :class:`Notifier`."""

from __future__ import annotations

from sop_models import Duration
from syncer.calendar import WorkingCalendar
from syncer.config import (
    EmailConfig,
    NoticesConfig,
    TelegramConfig,
    WhatsAppCloudConfig,
    WhatsAppGatewayConfig,
)
from syncer.notices.channels import Channel
from syncer.notices.channels.email import EmailChannel
from syncer.notices.channels.telegram import TelegramChannel
from syncer.notices.channels.whatsapp import CloudChannel, GatewayChannel
from syncer.notices.delivery import Notifier
from syncer.notices.planner import DEFAULT_SUPERVISORS, Settings

ChannelConfig = EmailConfig | TelegramConfig | WhatsAppCloudConfig | WhatsAppGatewayConfig


def build_channels(config: NoticesConfig) -> tuple[Channel, ...]:
    """The channels the configuration enables, in the order e-mail, Telegram, WhatsApp."""
    sections = (config.email, config.telegram, config.whatsapp)
    return tuple(channel_of(s, config.timeout_seconds) for s in sections if s is not None)


def channel_of(section: ChannelConfig, timeout: float) -> Channel:
    """The channel one section configures (its settings, defaults included, are the
    section's: the channels have none of their own)."""
    fields = section.model_dump(exclude={"provider"})
    match section:
        case EmailConfig():
            return EmailChannel(**fields, timeout=timeout)
        case TelegramConfig():
            return TelegramChannel(**fields, timeout=timeout)
        case WhatsAppCloudConfig():
            return CloudChannel(**fields, timeout=timeout)
        case WhatsAppGatewayConfig():
            return GatewayChannel(**fields, timeout=timeout)


def settings(config: NoticesConfig) -> Settings:
    return Settings(
        morning_at=config.morning_at,
        escalate_after=Duration.parse(config.escalate_after) or Duration(1, "hari"),
        supervisors={**DEFAULT_SUPERVISORS, **config.supervisors},  # the office's own last
    )


def build_notifier(config: NoticesConfig, calendar: WorkingCalendar) -> Notifier:
    return Notifier(build_channels(config), config.outbox, calendar, settings(config))

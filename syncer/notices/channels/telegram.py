"""Telegram through the Bot API's ``sendMessage`` (plain text).

The bot's token comes from an environment variable. A 429 answer carries
``parameters.retry_after``: the seconds to wait before the bot may send again;
the message is then tried again after that, never by sleeping in the cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from syncer.notices.channels import ChannelError, json_answer, missing, secret, unreachable
from syncer.notices.messages import Message, fit
from syncer.people import Person

TEXT_LIMIT = 4096
"""Characters of one Telegram message."""
MAX_RETRY_AFTER = 86400.0
"""The longest flood-control wait taken as given (a day); a longer one is a server's bug."""


@dataclass(frozen=True)
class TelegramChannel:
    token_env: str
    base_url: str
    timeout: float
    name: str = "telegram"

    def address_of(self, person: Person) -> str:
        return person.telegram

    def problems(self) -> list[str]:
        return missing(self.token_env, "notices.telegram.token_env")

    def send(self, address: str, message: Message) -> str:
        token = secret(self.token_env)
        if token is None:
            raise ChannelError(" ".join(self.problems()))
        text = fit(message.text, TEXT_LIMIT)
        url = f"{self.base_url.rstrip('/')}/bot{token}/sendMessage"
        try:
            answer = requests.post(
                url,
                json={
                    "chat_id": address,
                    "text": text,
                    "link_preview_options": {"is_disabled": True},
                },
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise unreachable("Telegram", exc, token) from exc
        body = json_answer(answer)
        if answer.ok and body.get("ok") is True:
            result = body.get("result")
            return str(result.get("message_id", "")) if isinstance(result, dict) else ""
        raise _error(answer.status_code, body)


def _error(status: int, body: dict[str, Any]) -> ChannelError:
    code = body.get("error_code", status)
    answer = f"Telegram {code}: {body.get('description') or body.get('text', '')}".rstrip(": ")
    parameters = body.get("parameters")
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if code == 429:
        return ChannelError(answer, retry_after=_seconds(retry_after))
    if code in (400, 403):
        # "chat not found", "bot was blocked by the user": this recipient, for good.
        return ChannelError(answer, final=True, down=False)
    return ChannelError(answer)  # 401 bad token, 5xx: the channel, try again later


def _seconds(value: object) -> float | None:
    """``retry_after`` as seconds to wait, at most a day; None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        return None  # bool is an int; NaN fails every comparison
    return min(float(value), MAX_RETRY_AFTER)

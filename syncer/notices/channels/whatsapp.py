"""WhatsApp: the WhatsApp Cloud API with an approved template, or an HTTP gateway.

* Cloud API: ``POST {base_url}/{phone_number_id}/messages`` with a bearer
  token, a ``template`` message in language ``id`` whose body has two
  parameters: the person's name and the one-line summary. A business may only
  start a conversation with a template, so every notice is one.
* Gateway (the kind many Indonesian offices rent): ``POST url`` with the number
  and the text in fields the configuration names, a token in a header it names.
  A JSON answer with ``"status": false`` is a failure, whatever the HTTP status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import requests

from syncer.notices.channels import (
    ChannelError,
    answer_start,
    json_answer,
    json_object,
    missing,
    secret,
    unreachable,
)
from syncer.notices.messages import Message, fit
from syncer.people import Person

TEXT_LIMIT = 4096
"""Characters of one WhatsApp text message."""
RECIPIENT_ERRORS = {
    131026: "message undeliverable",
    131047: "re-engagement message (more than 24 hours since the recipient last replied)",
    131030: "recipient not in the allowed list",
    131021: "recipient is the sender",
}
"""Cloud API error codes about this recipient: retrying the same message cannot help."""


class _WhatsApp:
    """What both ways to WhatsApp share: the address, the token's variable."""

    name = "whatsapp"
    token_env: str | None

    def address_of(self, person: Person) -> str:
        return person.whatsapp

    def problems(self) -> list[str]:
        return missing(self.token_env, "notices.whatsapp.token_env")


@dataclass(frozen=True)
class CloudChannel(_WhatsApp):
    phone_number_id: str
    template: str
    language: str
    token_env: str
    base_url: str
    timeout: float

    def body(self, address: str, message: Message) -> dict[str, Any]:
        parameters = [message.recipient, message.summary]
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": address,
            "type": "template",
            "template": {
                "name": self.template,
                "language": {"code": self.language},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": text} for text in parameters],
                    }
                ],
            },
        }

    def send(self, address: str, message: Message) -> str:
        token = secret(self.token_env)
        if token is None:
            raise ChannelError(" ".join(self.problems()))
        url = f"{self.base_url.rstrip('/')}/{self.phone_number_id}/messages"
        try:
            answer = requests.post(
                url,
                json=self.body(address, message),
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise unreachable("WhatsApp Cloud API", exc, token) from exc
        body = json_answer(answer)
        messages = body.get("messages")
        if answer.ok and isinstance(messages, list) and messages:
            first = messages[0]
            return str(first.get("id", "")) if isinstance(first, dict) else ""
        raise _cloud_error(answer.status_code, body)


def _cloud_error(status: int, body: dict[str, Any]) -> ChannelError:
    error = body.get("error")
    if not isinstance(error, dict):
        return ChannelError(
            f"WhatsApp Cloud API HTTP {status}: {body.get('text', '')}".rstrip(": ")
        )
    code = error.get("code")
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    answer = f"WhatsApp Cloud API error {code}: {error.get('message', '')}"
    if details:
        answer += f" ({details})"
    if code in RECIPIENT_ERRORS:
        return ChannelError(answer, final=True, down=False)
    return ChannelError(answer)  # token, template, rate limits, outages: try again later


@dataclass(frozen=True)
class GatewayChannel(_WhatsApp):
    url: str
    number_field: str
    text_field: str
    token_header: str
    token_prefix: str
    """Put before the token in its header: "" (Fonnte) or "Bearer "."""
    token_env: str | None
    body: Literal["form", "json"]
    timeout: float

    def send(self, address: str, message: Message) -> str:
        headers: dict[str, str] = {}
        if self.token_env:
            token = secret(self.token_env)
            if token is None:
                raise ChannelError(" ".join(self.problems()))
            headers[self.token_header] = f"{self.token_prefix}{token}"
        fields = {self.number_field: address, self.text_field: fit(message.text, TEXT_LIMIT)}
        try:
            if self.body == "json":
                answer = requests.post(self.url, json=fields, headers=headers, timeout=self.timeout)
            else:
                answer = requests.post(self.url, data=fields, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise unreachable("WhatsApp gateway", exc) from exc
        parsed = json_object(answer)  # some gateways label their JSON text/html
        if answer.ok and parsed is None and _web_page(answer):  # a dashboard or a login page
            raise ChannelError(
                f"WhatsApp gateway HTTP {answer.status_code}: its answer is a web page"
                f" ({answer_start(answer)[:80]}): check [notices.whatsapp] url"
            )
        if answer.ok and parsed is None:  # a gateway answering "OK"
            return answer_start(answer)
        body = parsed if parsed is not None else {"text": answer_start(answer)}
        if answer.ok and body.get("status") is not False:
            receipt = body.get("id", "")  # Fonnte answers a list of ids, one per target
            return ", ".join(map(str, receipt)) if isinstance(receipt, list) else str(receipt)
        reason = body.get("reason") or body.get("message") or body.get("text") or ""
        error = f"WhatsApp gateway HTTP {answer.status_code}: {reason}".rstrip(": ")
        raise ChannelError(error, down=not _about_this_message(answer.status_code))


def _web_page(answer: requests.Response) -> bool:
    kind = answer.headers.get("Content-Type", "").split(";")[0].strip().casefold()
    return kind in ("text/html", "application/xhtml+xml") or answer.text.lstrip()[:1] == "<"


def _about_this_message(status: int) -> bool:
    """Whether a gateway's refusal may be about this message alone (its number, its text).

    A gateway that answers ``"status": false`` or a 4xx other than its login and its rate
    limit was reached and took the request: the next number may go through. Whether the
    refusal was the device's (``invalid token``) shows when the next message fails too.
    """
    return status < 500 and status not in (401, 403, 407, 429)

"""Each channel against a real server in this process: SMTP (aiosmtpd), Telegram, WhatsApp."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from syncer.config import EmailConfig, TelegramConfig, WhatsAppCloudConfig, WhatsAppGatewayConfig
from syncer.contract import Status
from syncer.notices.channels import Channel, ChannelError
from syncer.notices.documents import OpenDocument
from syncer.notices.messages import Item, Message, Style, compose
from syncer.notices.planner import Kind
from syncer.notices.setup import channel_of
from tests.notice_servers import (
    HOST,
    CloudApiServer,
    GatewayServer,
    MailServer,
    TelegramServer,
    flood,
    self_signed,
)

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

WIB = ZoneInfo("Asia/Jakarta")
LINK = "https://docs.google.com/spreadsheets/d/1AbC/edit"


def _message(recipient: str = "Renée Wulandari") -> Message:
    doc = OpenDocument(
        id="RKA-2026-0007",
        judul="RKA Kecamatan 2027",
        procedure="rka",
        procedure_title="Penyusunan RKA",
        step=4,
        activity="Menyusun rancangan RKA",
        role="Kasubag Evapor",
        pelaksana="Kasubag Evapor — Renée Wulandari",
        since=datetime(2026, 11, 30, 9, 0, tzinfo=WIB),
        due=datetime(2026, 12, 1, 9, 0, tzinfo=WIB),
        status=Status.BERJALAN,
    )
    items = [Item(Kind.TUGAS_BARU, (doc,), "2026-11-30T09:00")]
    return compose(recipient, items, Style(zone=WIB, link=LINK))


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def mail_env(monkeypatch):
    monkeypatch.setenv("TEST_SMTP_USER", "sopsync")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "rahasia-kantor")


def _email(server: MailServer, cert, **options) -> Channel:
    settings = dict(
        host=HOST,
        port=server.port,
        security=server.security,
        from_address="sekretariat@sukamaju.go.id",
        from_name="Sekretariat Kecamatan Sukamaju — Ciamis",
        username_env="TEST_SMTP_USER",
        password_env="TEST_SMTP_PASSWORD",
        ca_file=cert[0],
    )
    settings.update(options)
    return channel_of(EmailConfig(**settings), timeout=30)


def test_email_over_starttls_with_login_carries_utf8_names_text_and_html(cert, mail_env):
    server = MailServer(cert, "starttls", login=("sopsync", "rahasia-kantor")).start()
    try:
        receipt = _email(server, cert).send("renee@sukamaju.go.id", _message())
    finally:
        server.stop()
    (mail,) = server.received
    assert server.logins == ["sopsync"]
    assert mail.sender == "sekretariat@sukamaju.go.id"
    assert mail.recipients == ["renee@sukamaju.go.id"]
    headers = mail.raw.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in headers and "é".encode() not in headers  # encoded words, 7-bit
    parsed = mail.message
    assert parsed["To"].addresses[0].display_name == "Renée Wulandari"
    assert parsed["From"].addresses[0].display_name == "Sekretariat Kecamatan Sukamaju — Ciamis"
    assert parsed["Subject"] == "Tugas baru: RKA-2026-0007 — RKA Kecamatan 2027"
    assert parsed["Message-ID"] == receipt
    text, html = mail.part("plain"), mail.part("html")
    assert "Yth. Renée Wulandari," in text
    assert "Penyusunan RKA, langkah 4: Menyusun rancangan RKA" in text
    assert "Tenggat: 1 Desember 2026 pukul 09.00" in text
    assert f"Buka lembar kerja: {LINK}" in text
    assert f'<a href="{LINK}">' in html and "RKA-2026-0007" in html


def test_email_over_implicit_tls(cert, mail_env):
    server = MailServer(cert, "tls", login=("sopsync", "rahasia-kantor")).start()
    try:
        _email(server, cert).send("camat@sukamaju.go.id", _message("Drs. Ahmad Fauzi"))
    finally:
        server.stop()
    (mail,) = server.received
    assert mail.message["To"].addresses[0].display_name == "Drs. Ahmad Fauzi"


def test_an_untrusted_certificate_is_refused_with_the_reason(cert, mail_env):
    server = MailServer(cert, "starttls").start()
    try:
        with pytest.raises(ChannelError) as caught:
            _email(server, cert, ca_file=None, username_env=None, password_env=None).send(
                "camat@sukamaju.go.id", _message()
            )
    finally:
        server.stop()
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.answer and caught.value.down
    assert server.received == []


def test_a_refused_recipient_is_final_on_5xx_and_retried_on_4xx(cert, mail_env):
    server = MailServer(cert, "starttls", login=("sopsync", "rahasia-kantor")).start()
    server.refuse["salah@sukamaju.go.id"] = "550 5.1.1 <salah@sukamaju.go.id>: user unknown"
    server.refuse["penuh@sukamaju.go.id"] = "452 4.2.2 mailbox full"
    channel = _email(server, cert)
    try:
        with pytest.raises(ChannelError) as unknown:
            channel.send("salah@sukamaju.go.id", _message())
        with pytest.raises(ChannelError) as full:
            channel.send("penuh@sukamaju.go.id", _message())
    finally:
        server.stop()
    assert unknown.value.answer == "SMTP 550 5.1.1 <salah@sukamaju.go.id>: user unknown"
    assert unknown.value.final and not unknown.value.down
    assert not full.value.final and "452" in full.value.answer


def test_a_wrong_password_is_the_servers_answer_and_not_final(cert, monkeypatch):
    monkeypatch.setenv("TEST_SMTP_USER", "sopsync")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "salah")
    server = MailServer(cert, "starttls", login=("sopsync", "rahasia-kantor")).start()
    try:
        with pytest.raises(ChannelError) as caught:
            _email(server, cert).send("camat@sukamaju.go.id", _message())
    finally:
        server.stop()
    assert caught.value.answer.startswith("SMTP 535") and not caught.value.final


def test_a_login_variable_missing_from_the_environment_is_named(cert, monkeypatch):
    monkeypatch.delenv("TEST_SMTP_USER", raising=False)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "x")
    channel = channel_of(
        EmailConfig(
            host=HOST,
            from_address="a@b.go.id",
            username_env="TEST_SMTP_USER",
            password_env="TEST_SMTP_PASSWORD",
        ),
        timeout=30,
    )
    assert channel.problems() == [
        "environment variable TEST_SMTP_USER (notices.email.username_env) is not set"
    ]


# --- Telegram -------------------------------------------------------------------------------


def _telegram(server: TelegramServer) -> Channel:
    return channel_of(TelegramConfig(token_env="TEST_TELEGRAM_TOKEN", base_url=server.url), 30)


def test_telegram_send_message_posts_the_chat_id_and_plain_text(telegram):
    receipt = _telegram(telegram).send("123456789", _message())
    (request,) = telegram.requests
    assert request.path == f"/bot{telegram.token}/sendMessage"
    assert request.body["chat_id"] == "123456789" and "parse_mode" not in request.body
    assert request.body["text"] == _message().text
    assert receipt == "1"


def test_telegram_flood_control_gives_its_retry_after(telegram):
    telegram.scripted.append(flood(37))
    with pytest.raises(ChannelError) as caught:
        _telegram(telegram).send("123456789", _message())
    assert caught.value.retry_after == 37 and caught.value.down and not caught.value.final
    assert caught.value.answer == "Telegram 429: Too Many Requests: retry after 37"


def test_telegram_unknown_chat_is_final_and_a_bad_token_is_not(telegram, monkeypatch):
    telegram.unknown_chats.add("999")
    with pytest.raises(ChannelError) as unknown:
        _telegram(telegram).send("999", _message())
    assert (
        unknown.value.final and unknown.value.answer == "Telegram 400: Bad Request: chat not found"
    )
    monkeypatch.setenv("TEST_TELEGRAM_TOKEN", "000:wrong")
    with pytest.raises(ChannelError) as wrong:
        _telegram(telegram).send("123456789", _message())
    assert not wrong.value.final and wrong.value.answer == "Telegram 401: Unauthorized"
    assert "000:wrong" not in wrong.value.answer


def test_telegram_unreachable_is_down_without_the_token_in_the_answer(monkeypatch):
    server = TelegramServer()  # never started: the port refuses connections
    monkeypatch.setenv("TEST_TELEGRAM_TOKEN", server.token)
    with pytest.raises(ChannelError) as caught:
        _telegram(server).send("123456789", _message())
    assert caught.value.down and server.token not in caught.value.answer


# --- WhatsApp -------------------------------------------------------------------------------


@pytest.fixture
def cloud(monkeypatch):
    server = CloudApiServer().start()
    monkeypatch.setenv("TEST_WA_TOKEN", server.token)
    yield server
    server.stop()


def _cloud(server: CloudApiServer) -> Channel:
    settings = WhatsAppCloudConfig(
        provider="cloud",
        phone_number_id=server.phone_number_id,
        token_env="TEST_WA_TOKEN",
        base_url=f"{server.url}/v21.0",
    )
    return channel_of(settings, timeout=30)


def test_cloud_api_sends_the_template_in_indonesian_with_name_and_one_line_summary(cloud):
    receipt = _cloud(cloud).send("6281234567890", _message())
    (body,) = cloud.sent
    assert body["to"] == "6281234567890" and body["type"] == "template"
    assert body["template"]["name"] == "sopsync_pemberitahuan"
    assert body["template"]["language"] == {"code": "id"}
    (component,) = body["template"]["components"]
    name, summary = (p["text"] for p in component["parameters"])
    assert name == "Renée Wulandari"
    assert "RKA-2026-0007" in summary and "1 Desember 2026 pukul 09.00" in summary
    assert receipt.startswith("wamid.")


def test_cloud_api_re_engagement_error_is_reported_and_final(cloud):
    cloud.stale.add("6281234567890")
    with pytest.raises(ChannelError) as caught:
        _cloud(cloud).send("6281234567890", _message())
    assert caught.value.final and not caught.value.down
    assert caught.value.answer.startswith(
        "WhatsApp Cloud API error 131047: (#131047) Re-engagement message (Message failed"
    )


def test_cloud_api_bad_token_is_not_final(cloud, monkeypatch):
    monkeypatch.setenv("TEST_WA_TOKEN", "expired")
    with pytest.raises(ChannelError) as caught:
        _cloud(cloud).send("6281234567890", _message())
    assert not caught.value.final and "190" in caught.value.answer


def test_gateway_posts_number_and_text_with_the_token_header(monkeypatch):
    server = GatewayServer().start()
    monkeypatch.setenv("TEST_GATEWAY_TOKEN", server.token)
    settings = WhatsAppGatewayConfig(
        provider="gateway", url=f"{server.url}/send", token_env="TEST_GATEWAY_TOKEN"
    )
    channel = channel_of(settings, timeout=30)
    try:
        channel.send("6281234567890", _message())
        monkeypatch.setenv("TEST_GATEWAY_TOKEN", "salah")
        with pytest.raises(ChannelError) as caught:
            channel.send("6281234567890", _message())
    finally:
        server.stop()
    (fields,) = server.sent
    assert fields == {"target": "6281234567890", "message": _message().text}
    assert caught.value.answer == "WhatsApp gateway HTTP 200: invalid token"


def test_gateway_takes_its_field_names_token_header_prefix_and_json_body_from_settings(
    monkeypatch,
):
    server = GatewayServer(token="wablas-key", header="X-Api-Key", prefix="Bearer ").start()
    monkeypatch.setenv("TEST_GATEWAY_TOKEN", server.token)
    settings = WhatsAppGatewayConfig(
        provider="gateway",
        url=f"{server.url}/api/send-message",
        number_field="phone",
        text_field="text",
        token_header="X-Api-Key",
        token_prefix="Bearer ",
        token_env="TEST_GATEWAY_TOKEN",
        body="json",
    )
    try:
        receipt = channel_of(settings, timeout=30).send("6281234567890", _message())
    finally:
        server.stop()
    (request,) = server.requests
    assert request.path == "/api/send-message"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-api-key"] == "Bearer wablas-key"
    assert "authorization" not in request.headers
    assert request.body == {"phone": "6281234567890", "text": _message().text}
    assert receipt == "80367171"

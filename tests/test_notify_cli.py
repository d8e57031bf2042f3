"""`sopsync notify test TARGET`: one test message through a real channel; DESIGN §5 exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncer.config import load_config
from tests.notice_servers import HOST, CloudApiServer, MailServer, TelegramServer, self_signed
from tests.sheets import run_cli

ROOT = Path(__file__).parents[1]


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sopsync.toml"
    path.write_text(text)
    return path


def _telegram_config(tmp_path: Path, server: TelegramServer, extra: str = "") -> Path:
    return _config(
        tmp_path,
        f'{extra}\n[notices.telegram]\ntoken_env = "TEST_TELEGRAM_TOKEN"\n'
        f'base_url = "{server.url}"\n',
    )


def test_a_telegram_chat_id_gets_the_test_message(tmp_path, telegram):
    config = _telegram_config(tmp_path, telegram)
    result = run_cli("notify", "--config", config, "test", "tg:123456789")
    assert result.code == 0, result.err
    assert result.out.strip() == "telegram 123456789: sent (1)"
    (sent,) = telegram.sent
    assert sent.chat_id == "123456789"
    assert sent.text.startswith("Yth. Bapak/Ibu,\n\nIni pesan uji dari sopsync melalui Telegram.")


def test_the_channels_own_answer_and_exit_1_when_it_fails(tmp_path, telegram):
    telegram.unknown_chats.add("-100200300")
    config = _telegram_config(tmp_path, telegram)
    result = run_cli("notify", "--config", config, "test", "-100200300")
    assert result.code == 1
    assert (
        result.err.strip()
        == "telegram -100200300: not sent: Telegram 400: Bad Request: chat not found"
    )


def test_an_email_address_over_starttls(tmp_path, monkeypatch):
    cert = self_signed(tmp_path)
    server = MailServer(cert, "starttls", login=("sopsync", "rahasia")).start()
    monkeypatch.setenv("TEST_SMTP_USER", "sopsync")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "rahasia")
    config = _config(
        tmp_path,
        f'[notices.email]\nhost = "{HOST}"\nport = {server.port}\n'
        'from_address = "sopsync@sukamaju.go.id"\nfrom_name = "Sekretariat Kecamatan"\n'
        'username_env = "TEST_SMTP_USER"\npassword_env = "TEST_SMTP_PASSWORD"\n'
        'ca_file = "cert.pem"\n',  # relative to the configuration's folder
    )
    try:
        result = run_cli("notify", "--config", config, "test", "camat@sukamaju.go.id")
    finally:
        server.stop()
    assert result.code == 0, result.err
    (mail,) = server.received
    assert mail.message["Subject"] == "Pesan uji sopsync"
    assert "Ini pesan uji dari sopsync melalui surel." in mail.part("plain")


def test_a_whatsapp_number_through_the_cloud_api_and_its_131047_answer(tmp_path, monkeypatch):
    cloud = CloudApiServer().start()
    monkeypatch.setenv("TEST_WA_TOKEN", cloud.token)
    cloud.stale.add("6281311112222")
    config = _config(
        tmp_path,
        f'[notices.whatsapp]\nprovider = "cloud"\nphone_number_id = "{cloud.phone_number_id}"\n'
        f'token_env = "TEST_WA_TOKEN"\nbase_url = "{cloud.url}/v21.0"\n',
    )
    try:
        ok = run_cli("notify", "--config", config, "test", "0812-3456-7890")
        stale = run_cli("notify", "--config", config, "test", "wa:+62 813-1111-2222")
    finally:
        cloud.stop()
    assert ok.code == 0 and ok.out.startswith("whatsapp 6281234567890: sent (wamid.")
    assert stale.code == 1 and "WhatsApp Cloud API error 131047" in stale.err
    assert [body["to"] for body in cloud.sent] == ["6281234567890"]


def test_a_role_resolves_through_people_and_says_when_nobody_can_be_reached(tmp_path, telegram):
    config = _telegram_config(tmp_path, telegram, '[people]\nSekcam = "Budi Santoso"')
    result = run_cli("notify", "--config", config, "test", "sekcam")
    assert result.code == 2
    assert "'sekcam' (Budi Santoso) has no address on an enabled channel (telegram)" in result.err
    nobody = run_cli("notify", "--config", config, "test", "Camat")
    assert nobody.code == 2 and "nobody holds the role Camat now" in nobody.err
    assert telegram.requests == []


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("Lurah", "'Lurah' is not an address, a role (Kasubag Evapor"),
        ("wa:0812-3456-7890", "the whatsapp channel is not enabled: add [notices.whatsapp]"),
        ("email:budi", "'budi' is not an e-mail address"),
        ("email:x@", "'x@' is not an e-mail address"),
        ("email:budi..x@x.go.id", "'budi..x@x.go.id' is not an e-mail address"),
        ("tg:@budi", "'@budi' is not a Telegram chat id"),
        ("+62 21", "'+62 21' is not a WhatsApp number"),
    ],
)
def test_bad_targets_are_usage_errors(tmp_path, telegram, target, error):
    config = _telegram_config(tmp_path, telegram)
    result = run_cli("notify", "--config", config, "test", target)
    assert result.code == 2 and error in result.err, result.err
    assert telegram.requests == []


def test_a_secret_missing_from_the_environment_or_no_channel_is_a_configuration_error(
    tmp_path, telegram, monkeypatch
):
    config = _telegram_config(tmp_path, telegram)
    monkeypatch.delenv("TEST_TELEGRAM_TOKEN")
    result = run_cli("notify", "--config", config, "test", "tg:1")
    assert result.code == 2
    assert "environment variable TEST_TELEGRAM_TOKEN (notices.telegram.token_env) is not set" in (
        result.err
    )
    bare = run_cli("notify", "--config", _config(tmp_path, ""), "test", "tg:1")
    assert bare.code == 2 and "no channel is enabled" in bare.err


def test_the_example_notices_configuration_loads():
    config = load_config(ROOT / "config" / "notices.example.toml")
    notices = config.notices
    assert notices.enabled and notices.email and notices.telegram and notices.whatsapp
    assert notices.whatsapp.provider == "cloud"
    assert notices.outbox == ROOT / "config" / "sopsync-outbox.sqlite3"
    assert notices.morning_at.hour == 7 and notices.morning_at.minute == 30


def test_bad_notices_settings_are_named(tmp_path):
    config = _config(
        tmp_path, '[notices]\nescalate_after = "sehari"\n[notices.whatsapp]\nprovider = "sms"\n'
    )
    result = run_cli("notify", "--config", config, "test", "tg:1")
    assert result.code == 2
    assert "[notices] escalate_after: waktu 'sehari'" in result.err
    assert "[notices.whatsapp] provider: sms is not allowed" in result.err

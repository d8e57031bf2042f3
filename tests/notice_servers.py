"""Real servers in the test process for the notice channels.

* :class:`MailServer`: aiosmtpd, with STARTTLS or implicit TLS on a self-signed
  certificate made here with ``cryptography``, and optional AUTH LOGIN/PLAIN;
  it keeps every message as received (the raw bytes, parsed back), and can hold
  its answer to a message until told (a sender killed while it waits).
* :class:`TelegramServer`: the Bot API's ``sendMessage`` with its documented
  answers (``{"ok": true, "result": Message}``, errors with ``error_code``,
  ``description`` and, for flood control, ``parameters.retry_after``).
* :class:`CloudApiServer`: the WhatsApp Cloud API's ``/{phone-number-id}/messages``
  (template messages; Graph errors ``{"error": {"code", "message", "error_data"}}``).
* :class:`GatewayServer`: a Fonnte-style gateway: a form POST with ``target``
  and ``message``, ``Authorization: TOKEN``, ``{"status": true|false}`` (or its
  token in another header, after a prefix such as ``Bearer ``).

Each can be taken down (connections refused) and brought back on the same port,
and the HTTP ones can hang (take each request and never answer it) or trickle (answer a
byte at a time).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sopsync test mail")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


# --- e-mail ---------------------------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.raw)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None and body.get_content_subtype() == subtype
        return str(body.get_content()).replace("\r\n", "\n")


class _MailHandler:
    def __init__(self, server: MailServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.server.refuse:
            return self.server.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.server.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        if self.server.holding:  # the message is here; its sender waits for the answer
            self.server.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.server.release.wait)
        return "250 Message accepted for delivery"


class MailServer:
    """aiosmtpd on a fixed port: ``security`` is "starttls", "tls" or "none"."""

    def __init__(
        self,
        cert: tuple[Path, Path],
        security: str = "starttls",
        login: tuple[str, str] | None = None,
    ):
        self.port = free_port()
        self.security = security
        self.login = login
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}
        """Recipient -> the SMTP reply that refuses it (``550 5.1.1 ...``)."""
        self.logins: list[str] = []
        self.holding = False
        """Keep each message's answer until ``release`` is set; ``arrived`` says one is here."""
        self.arrived = threading.Event()
        self.release = threading.Event()
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(str(cert[0]), str(cert[1]))
        self._controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.login is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self.login
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    def start(self) -> MailServer:
        options: dict[str, Any] = {"ready_timeout": 30, "enable_SMTPUTF8": True}
        if self.security == "starttls":
            options.update(tls_context=self._context, require_starttls=True)
        elif self.security == "tls":
            options.update(ssl_context=self._context)
        if self.login is not None:
            options.update(
                authenticator=self._authenticate,
                auth_required=True,
                # aiosmtpd counts only STARTTLS as TLS; on implicit TLS the link is TLS anyway.
                auth_require_tls=self.security == "starttls",
            )
        self._controller = Controller(_MailHandler(self), hostname=HOST, port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


# --- HTTP -----------------------------------------------------------------------------------


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


Responder = Callable[[Request], tuple[int, dict[str, Any]]]


class HttpServer:
    """A JSON (or form) HTTP endpoint whose answers come from ``respond``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.requests: list[Request] = []
        self.scripted: list[tuple[int, dict[str, Any]]] = []
        """Answers to give first, in order, whatever the request."""
        self.hanging = False
        """Take each request (it is kept in ``requests``) and never answer it, until stopped."""
        self.trickling = False
        """Answer each request a byte every half second, headers included (about a minute)."""
        self.page: str | None = None
        """Answer each request 200 with this web page (a URL that is not the API's)."""
        self.page_type = "text/html; charset=utf-8"
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def respond(self, request: Request) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                owner.requests.append(request)
                if owner.hanging:  # the client waits for its own timeout
                    owner._stopping.wait()
                    return
                if owner.page is not None:
                    page = owner.page.encode()
                    self.send_response(200)
                    self.send_header("Content-Type", owner.page_type)
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                status, answer = owner.scripted.pop(0) if owner.scripted else owner.respond(request)
                data = json.dumps(answer).encode()
                if owner.trickling:
                    self._trickle(status, data)
                    return
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _trickle(self, status: int, data: bytes) -> None:
                head = (
                    f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
                )
                for byte in head.encode() + data:
                    if owner._stopping.wait(0.5):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def start(self) -> HttpServer:
        self._stopping.clear()
        self._server = ThreadingHTTPServer((HOST, self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@dataclass
class Sent:
    chat_id: str
    text: str


class TelegramServer(HttpServer):
    def __init__(self, token: str = "123456:TEST-token"):
        super().__init__()
        self.token = token
        self.unknown_chats: set[str] = set()
        self.sent: list[Sent] = []

    def respond(self, request: Request) -> tuple[int, dict[str, Any]]:
        if request.path != f"/bot{self.token}/sendMessage":
            return 401 if "/bot" in request.path else 404, {
                "ok": False,
                "error_code": 401 if "/bot" in request.path else 404,
                "description": "Unauthorized" if "/bot" in request.path else "Not Found",
            }
        chat, text = str(request.body.get("chat_id", "")), request.body.get("text", "")
        if not text:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message text is empty",
            }
        if chat in self.unknown_chats:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: chat not found",
            }
        self.sent.append(Sent(chat, text))
        result = {
            "message_id": len(self.sent),
            "date": 1764554400,
            "chat": {"id": int(chat), "type": "private"},
            "text": text,
        }
        return 200, {"ok": True, "result": result}

    def texts_to(self, chat_id: str) -> list[str]:
        return [s.text for s in self.sent if s.chat_id == chat_id]


def flood(seconds: int) -> tuple[int, dict[str, Any]]:
    """Telegram's flood-control answer."""
    return 429, {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }


class CloudApiServer(HttpServer):
    def __init__(self, phone_number_id: str = "106540352242922", token: str = "EAAG-test"):
        super().__init__()
        self.phone_number_id = phone_number_id
        self.token = token
        self.stale: set[str] = set()
        """Numbers that answer 131047 (no reply from them in the last 24 hours)."""
        self.sent: list[dict[str, Any]] = []

    def respond(self, request: Request) -> tuple[int, dict[str, Any]]:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return 401, graph_error(190, "Invalid OAuth access token - Cannot parse access token")
        if request.path != f"/v21.0/{self.phone_number_id}/messages":
            return 400, graph_error(100, "Unsupported post request.")
        body = request.body
        template = body.get("template", {})
        params = [p["text"] for c in template.get("components", []) for p in c["parameters"]]
        if body.get("messaging_product") != "whatsapp" or body.get("type") != "template":
            return 400, graph_error(100, "(#100) Invalid parameter")
        if any("\n" in p or "\t" in p or "     " in p for p in params):
            return 400, graph_error(
                132018, "(#132018) There was an issue with the parameters in your template."
            )
        if body["to"] in self.stale:
            return 400, graph_error(
                131047,
                "(#131047) Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the"
                " customer last replied to this number.",
            )
        self.sent.append(body)
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": f"wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjVD{len(self.sent)}"}],
        }


def graph_error(code: int, message: str, details: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfGhIjK",
    }
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": error}


class GatewayServer(HttpServer):
    def __init__(
        self,
        token: str = "fonnte-device-token",
        header: str = "Authorization",
        prefix: str = "",
    ):
        super().__init__()
        self.token = token
        self.header = header
        self.prefix = prefix
        self.sent: list[dict[str, str]] = []
        self.invalid_targets: set[str] = set()
        """Numbers the gateway refuses (not on WhatsApp): ``{"status": false}`` with a reason."""

    def respond(self, request: Request) -> tuple[int, dict[str, Any]]:
        if request.headers.get(self.header.lower()) != f"{self.prefix}{self.token}":
            return 200, {"status": False, "reason": "invalid token"}
        if request.body.get("target") in self.invalid_targets:
            return 200, {"status": False, "reason": "target invalid"}
        self.sent.append(request.body)
        return 200, {
            "detail": "success! message in queue",
            "id": [str(80367170 + len(self.sent))],
            "process": "pending",
            "status": True,
            "target": [request.body.get("target", "")],
        }

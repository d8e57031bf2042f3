"""E-mail over SMTP (``smtplib``): STARTTLS, implicit TLS, or plain on a trusted network.

A message goes out as ``multipart/alternative`` (plain text and HTML), with
UTF-8 names in its headers encoded as the RFC requires.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Literal

from syncer.notices.channels import ChannelError, missing, secret
from syncer.notices.messages import Message
from syncer.people import Person

Security = Literal["starttls", "tls", "none"]


@dataclass(frozen=True)
class EmailChannel:
    host: str
    from_address: str
    port: int | None
    """None: 587 for STARTTLS, 465 for TLS, 25 for none."""
    security: Security
    from_name: str
    username_env: str | None
    password_env: str | None
    ca_file: Path | None
    """Certificates to trust besides the system's (a self-hosted server's own CA)."""
    timeout: float
    name: str = "email"

    def address_of(self, person: Person) -> str:
        return person.email

    def problems(self) -> list[str]:
        return missing(self.username_env, "notices.email.username_env") + missing(
            self.password_env, "notices.email.password_env"
        )

    def compose(self, address: str, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = Address(self.from_name, addr_spec=self.from_address)
        mail["To"] = Address(message.recipient, addr_spec=address)
        mail["Date"] = formatdate(usegmt=True)
        domain = self.from_address.rpartition("@")[2] or None
        reference = f"<{message.reference}@{domain}>" if message.reference and domain else None
        mail["Message-ID"] = reference or make_msgid(domain=domain)
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        return mail

    def send(self, address: str, message: Message) -> str:
        mail = self.compose(address, message)
        try:
            with self._connect() as smtp:
                self._login(smtp)
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refused(*next(iter(exc.recipients.values()))) from exc
        except smtplib.SMTPDataError as exc:
            raise _refused(exc.smtp_code, exc.smtp_error) from exc
        except smtplib.SMTPResponseException as exc:  # login, sender, TLS: the server refuses us
            raise ChannelError(f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP {self.host}:{self._port()}: {exc}") from exc
        if refused:  # one recipient: smtplib raises instead; kept for completeness
            raise _refused(*next(iter(refused.values())))
        return str(mail["Message-ID"])

    def _port(self) -> int:
        if self.port:
            return self.port
        return {"starttls": 587, "tls": 465, "none": 25}[self.security]

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.ca_file is not None:
            context.load_verify_locations(cafile=str(self.ca_file))
        return context

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self._port(), timeout=self.timeout, context=self._context()
            )
        smtp = smtplib.SMTP(self.host, self._port(), timeout=self.timeout)
        try:
            if self.security == "starttls":
                smtp.starttls(context=self._context())
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        user, password = secret(self.username_env), secret(self.password_env)
        if self.username_env and user is None or self.password_env and password is None:
            raise ChannelError(" ".join(self.problems()) or "SMTP login is not configured")
        if user is not None and password is not None:
            smtp.login(user, password)


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _refused(code: int, answer: bytes | str) -> ChannelError:
    """This message refused: for good on a 5xx reply, for now on a 4xx."""
    return ChannelError(f"SMTP {code} {_text(answer)}", final=code >= 500, down=False)

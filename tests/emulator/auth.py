"""Service-account auth: test keys, the OAuth2 JWT-bearer token endpoint, bearer tokens.

``google-auth`` signs an RS256 JWT with the key file's private key (header ``kid`` =
``private_key_id``; claims ``iss`` = client_email, ``aud`` = Google's token endpoint,
``scope``, ``iat``, ``exp``) and posts it as ``grant_type=urn:ietf:params:oauth:grant-type:
jwt-bearer&assertion=...`` to the key file's ``token_uri``. The endpoint here verifies the
signature against the public key registered for the issuer and answers as Google does.

Note: google-auth always puts ``https://oauth2.googleapis.com/token`` in ``aud`` (even when
``token_uri`` points elsewhere), so both that audience and this emulator's own token URI
are accepted.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
TOKEN_LIFETIME = 3599
MAX_ASSERTION_LIFETIME = 3600
CLOCK_SKEW = 300
SHEETS_SCOPES = {
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/drive.file",
}
READONLY_SCOPES = {
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/drive.readonly",
}


class TokenError(Exception):
    """An OAuth error answer: HTTP status + {"error", "error_description"}."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass
class AccessToken:
    token: str
    email: str
    scopes: frozenset[str]
    expires_at: float


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


_KEYS: list[rsa.RSAPrivateKey] = []
"""RSA keys made so far in this process, handed to each AuthServer in turn: making one is
most of what a key file costs, and a server never gives two of its files the same key."""
_KEYS_LOCK = threading.Lock()


class AuthServer:
    """Registered service-account keys and the access tokens handed out for them."""

    def __init__(self, clock: Any = time.time) -> None:
        self.clock = clock
        self._keys: dict[str, dict[str, rsa.RSAPublicKey]] = {}  # email -> kid -> key
        self._tokens: dict[str, AccessToken] = {}
        self._lock = threading.Lock()
        self._keys_made = 0

    def register_key(self, email: str, key_id: str, public_key: rsa.RSAPublicKey) -> None:
        with self._lock:
            self._keys.setdefault(email, {})[key_id] = public_key

    def make_key_file(self, directory: Path, email: str, token_uri: str) -> Path:
        """Write a service-account JSON key file and register its public key. Its key id is
        new; its RSA key is one no other file of this server has (see _KEYS)."""
        with _KEYS_LOCK:
            if self._keys_made == len(_KEYS):
                _KEYS.append(generate_private_key())
            key = _KEYS[self._keys_made]
            self._keys_made += 1
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        key_id = secrets.token_hex(20)
        project_id = project_of(email)
        client_id = str(100000000000000000000 + secrets.randbelow(10**20))
        info = {
            "type": "service_account",
            "project_id": project_id,
            "private_key_id": key_id,
            "private_key": pem,
            "client_email": email,
            "client_id": client_id,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
            + email.replace("@", "%40"),
            "universe_domain": "googleapis.com",
        }
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{email.split('@')[0]}-{key_id[:8]}.json"
        path.write_text(json.dumps(info, indent=2))
        self.register_key(email, key_id, key.public_key())
        return path

    # ----------------------------------------------------------------- token endpoint
    def grant(self, form: dict[str, str], own_token_uri: str) -> dict[str, Any]:
        grant_type = form.get("grant_type", "")
        if grant_type != JWT_BEARER:
            raise TokenError("unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        assertion = form.get("assertion", "")
        parts = assertion.split(".")
        if len(parts) != 3:
            raise TokenError("invalid_request", "Invalid JWT: malformed assertion.")
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            signature = b64url_decode(parts[2])
        except (ValueError, json.JSONDecodeError):
            raise TokenError("invalid_request", "Invalid JWT: malformed assertion.") from None
        if header.get("alg") != "RS256":
            raise TokenError("invalid_grant", "Invalid JWT Signature.")
        email = claims.get("iss", "")
        keys = self._keys.get(email)
        if not keys:
            raise TokenError("invalid_grant", "Invalid grant: account not found")
        candidates = [keys[header["kid"]]] if header.get("kid") in keys else list(keys.values())
        signed = f"{parts[0]}.{parts[1]}".encode()
        if not any(_verifies(k, signature, signed) for k in candidates):
            raise TokenError("invalid_grant", "Invalid JWT Signature.")
        if claims.get("aud") not in (GOOGLE_TOKEN_URI, own_token_uri):
            raise TokenError("invalid_grant", "Invalid JWT: Failed audience check.")
        now = self.clock()
        iat, exp = claims.get("iat"), claims.get("exp")
        if (
            not isinstance(iat, int | float)
            or not isinstance(exp, int | float)
            or exp <= now
            or iat > now + CLOCK_SKEW
            or exp - iat > MAX_ASSERTION_LIFETIME
        ):
            raise TokenError(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe. Check your iat and exp values in the JWT claim.",
            )
        scopes = frozenset(str(claims.get("scope", "")).split())
        if not scopes:
            raise TokenError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        token = "ya29.emu-" + secrets.token_urlsafe(48)
        with self._lock:
            self._tokens[token] = AccessToken(token, email, scopes, now + TOKEN_LIFETIME)
        return {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}

    # ----------------------------------------------------------------- API side
    def lookup(self, token: str) -> AccessToken | None:
        with self._lock:
            found = self._tokens.get(token)
        if found is None or found.expires_at <= self.clock():
            return None
        return found

    def expire_all(self) -> None:
        """Make every issued access token invalid (tests of token refresh)."""
        with self._lock:
            self._tokens.clear()


def _verifies(key: rsa.RSAPublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        return True
    except InvalidSignature:
        return False


def project_of(email: str) -> str:
    """``name@my-project.iam.gserviceaccount.com`` -> ``my-project``."""
    domain = email.split("@", 1)[-1]
    return domain.split(".", 1)[0] if domain.endswith(".iam.gserviceaccount.com") else domain


def project_number(project: str) -> str:
    """A stable fake 12-digit project number for quota messages."""
    import hashlib

    digest = int(hashlib.sha256(project.encode()).hexdigest(), 16)
    return str(100000000000 + digest % 900000000000)

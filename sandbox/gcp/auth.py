"""Service-account keys, the OAuth token endpoint and bearer-token checks."""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLOCK_SKEW = 300
# google-auth signs its grant assertions for Google's own token endpoint, whatever token_uri says.
GOOGLE_TOKEN_AUDIENCES = (
    "https://oauth2.googleapis.com/token",
    "https://accounts.google.com/o/oauth2/token",
    "https://www.googleapis.com/oauth2/v4/token",
)
TOKEN_LIFETIME = 3600


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenError(Exception):
    """An OAuth error answer: ``{"error": ..., "error_description": ...}``."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


class Authority:
    """Issues one service-account key and the access tokens that the emulator accepts."""

    def __init__(self, project: str, state_dir: Path, token_uri: str, account: str = "sandbox-automation"):
        self.project = project
        self.token_uri = token_uri
        self.key_file = state_dir / "gcp-service-account.json"
        self.client_email = f"{account}@{project}.iam.gserviceaccount.com"
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._keys = {}
        self._load_or_create()

    def _load_or_create(self):
        info = None
        if self.key_file.exists():
            info = json.loads(self.key_file.read_text())
            if info.get("project_id") != self.project:
                info = None
        if info is None:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ).decode()
            info = {
                "type": "service_account",
                "project_id": self.project,
                "private_key_id": secrets.token_hex(20),
                "private_key": pem,
                "client_email": self.client_email,
                "client_id": str(secrets.randbelow(10**20)),
                "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                + self.client_email.replace("@", "%40"),
                "universe_domain": "googleapis.com",
            }
        info["token_uri"] = self.token_uri
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        self.key_file.write_text(json.dumps(info, indent=2))
        os.chmod(self.key_file, 0o600)
        key = serialization.load_pem_private_key(info["private_key"].encode(), password=None)
        self.client_email = info["client_email"]
        self._keys[info["private_key_id"]] = (info["client_email"], key.public_key())

    # JWTs: the token endpoint's assertions and self-signed JWT bearer tokens share the check.
    def verify_jwt(self, token: str, audience: str | None = None) -> dict:
        try:
            head_b64, body_b64, sig_b64 = token.split(".")
            header = json.loads(_b64decode(head_b64))
            claims = json.loads(_b64decode(body_b64))
            signature = _b64decode(sig_b64)
        except (ValueError, json.JSONDecodeError) as exc:
            raise TokenError("invalid_grant", "Invalid JWT: malformed token.") from exc
        if header.get("alg") != "RS256":
            raise TokenError("invalid_grant", "Invalid JWT: unsupported algorithm.")
        known = self._keys.get(header.get("kid")) or next(
            (entry for entry in self._keys.values() if entry[0] == claims.get("iss")), None
        )
        if known is None:
            raise TokenError("invalid_grant", "Invalid JWT Signature.")
        email, public_key = known
        try:
            public_key.verify(
                signature, f"{head_b64}.{body_b64}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature as exc:
            raise TokenError("invalid_grant", "Invalid JWT Signature.") from exc
        now = time.time()
        if claims.get("iss") != email:
            raise TokenError("invalid_grant", "Invalid JWT: iss does not name the key's service account.")
        if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < now - CLOCK_SKEW:
            raise TokenError(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.",
            )
        if isinstance(claims.get("iat"), (int, float)) and claims["iat"] > now + CLOCK_SKEW:
            raise TokenError(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.",
            )
        if audience is not None and claims.get("aud") not in (audience, *GOOGLE_TOKEN_AUDIENCES):
            raise TokenError("invalid_grant", "Invalid JWT: aud does not name the token endpoint.")
        return claims

    def grant(self, form: dict) -> dict:
        """Answer a token request (form fields already decoded)."""
        if form.get("grant_type") != JWT_BEARER:
            raise TokenError("unsupported_grant_type", "Invalid grant_type: " + str(form.get("grant_type")))
        claims = self.verify_jwt(form.get("assertion", ""), audience=self.token_uri)
        if not claims.get("scope") and not claims.get("target_audience"):
            raise TokenError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        token = "ya29.sandbox-" + secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (claims["iss"], time.time() + TOKEN_LIFETIME)
        return {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}

    def principal(self, header: str | None, allow_anonymous: bool = False) -> str | None:
        """Return the caller's identity, or None when the Authorization header is not acceptable.

        Raises LookupError when the header is absent (and anonymous calls are not allowed).
        """
        if not header:
            if allow_anonymous:
                return "anonymous"
            raise LookupError("missing")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        with self._lock:
            entry = self._tokens.get(token)
        if entry:
            return entry[0] if entry[1] > time.time() else None
        if token.count(".") == 2:
            try:
                return self.verify_jwt(token)["iss"]
            except TokenError:
                return None
        return None

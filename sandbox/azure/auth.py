"""Microsoft Entra ID (v2.0 endpoint) subset: OpenID discovery, client-credentials tokens, checks.

Tokens are JWTs signed with a per-process HMAC key; ARM requests must carry one issued here for an
ARM audience. Errors follow the shapes Entra ID and ARM return (AADSTS codes, ARM 401 envelopes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from datetime import UTC, datetime

ARM_AUDIENCES = (
    "https://management.core.windows.net/",
    "https://management.core.windows.net",
    "https://management.azure.com/",
    "https://management.azure.com",
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Directory:
    """One tenant with one service principal (more can be added through ``add_client``)."""

    def __init__(self, tenant_id: str, client_id: str, client_secret: str, token_lifetime: int = 3599):
        self.tenant_id = tenant_id
        self.clients = {client_id: client_secret}
        self.token_lifetime = token_lifetime
        self._key = secrets.token_bytes(32)
        self.extra_audiences: set[str] = set()

    def add_client(self, client_id: str, client_secret: str) -> None:
        self.clients[client_id] = client_secret

    # -- discovery -------------------------------------------------------------------------------

    def openid_configuration(self, base_url: str, tenant: str) -> tuple[int, dict]:
        if not self._tenant_ok(tenant):
            return self._aad_error(
                400,
                "invalid_tenant",
                90002,
                f"Tenant '{tenant}' not found. Check to "
                "make sure you have the correct tenant ID and are signing into the "
                "correct cloud.",
            )
        root = f"{base_url}/{self.tenant_id}"
        return 200, {
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "jwks_uri": f"{base_url}/{self.tenant_id}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{base_url}/{self.tenant_id}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{base_url}/oidc/userinfo",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "ver", "oid"],
            "kerberos_endpoint": f"{root}/kerberos",
            "tenant_region_scope": "EU",
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }

    def instance_discovery(self, base_url: str) -> dict:
        host = base_url.split("://", 1)[1]
        return {
            "tenant_discovery_endpoint": f"{base_url}/{self.tenant_id}/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
        }

    # -- token endpoint --------------------------------------------------------------------------

    def token(self, tenant: str, form: dict[str, str]) -> tuple[int, dict]:
        if not self._tenant_ok(tenant):
            return self._aad_error(
                400,
                "invalid_request",
                90002,
                f"Tenant '{tenant}' not found. Check to "
                "make sure you have the correct tenant ID and are signing into the "
                "correct cloud.",
            )
        grant = form.get("grant_type", "")
        if grant != "client_credentials":
            return self._aad_error(
                400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
            )
        client_id = form.get("client_id", "")
        if client_id not in self.clients:
            return self._aad_error(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{self.tenant_id}'. This can happen if the application has not been "
                "installed by the administrator of the tenant or consented to by any user "
                "in the tenant. You may have sent your authentication request to the wrong "
                "tenant.",
            )
        secret = form.get("client_secret")
        if secret is None:
            return self._aad_error(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the "
                "following parameter: 'client_assertion' or 'client_secret'.",
            )
        if not hmac.compare_digest(secret.encode(), self.clients[client_id].encode()):
            return self._aad_error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request "
                "is the client secret value, not the client secret ID, for a secret added to "
                f"app '{client_id}'.",
            )
        scopes = form.get("scope", "").split()
        resource_scopes = [s for s in scopes if s.endswith("/.default")]
        if not resource_scopes:
            return self._aad_error(
                400,
                "invalid_scope",
                1002012,
                f"The provided value for scope {form.get('scope', '')} is not valid. Client "
                "credential flows must have a scope value with /.default suffixed to the "
                "resource identifier (application ID URI).",
            )
        audience = resource_scopes[0][: -len("/.default")].rstrip("/") + "/"
        now = int(time.time())
        claims = {
            "aud": audience,
            "iss": f"https://sts.windows.net/{self.tenant_id}/",
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime,
            "appid": client_id,
            "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, client_id)),
            "sub": client_id,
            "tid": self.tenant_id,
            "ver": "1.0",
        }
        return 200, {
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "ext_expires_in": self.token_lifetime,
            "access_token": self._sign(claims),
        }

    # -- ARM side --------------------------------------------------------------------------------

    def check_bearer(self, header: str | None) -> tuple[dict | None, tuple[int, dict, dict] | None]:
        """Return (claims, None) or (None, (status, body, headers)) with ARM's 401 envelope."""
        challenge = {
            "WWW-Authenticate": 'Bearer authorization_uri="{auth}", error="invalid_token", '
            'error_description="{desc}"'
        }

        def fail(code: str, message: str, desc: str):
            headers = {
                "WWW-Authenticate": challenge["WWW-Authenticate"].format(
                    auth=f"https://login.windows.net/{self.tenant_id}", desc=desc
                )
            }
            return None, (401, {"error": {"code": code, "message": message}}, headers)

        if not header:
            return fail(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.",
            )
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return fail(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication scheme of Basic is not supported.",
            )
        claims = self._verify(token.strip())
        if claims is None:
            return fail(
                "InvalidAuthenticationToken",
                "The access token is invalid.",
                "The access token is from the wrong issuer or its signature is invalid.",
            )
        now = int(time.time())
        if claims.get("exp", 0) <= now:
            expiry = datetime.fromtimestamp(claims["exp"], UTC).strftime("%m/%d/%Y %H:%M:%S")
            current = datetime.now(UTC).strftime("%m/%d/%Y %H:%M:%S")
            return fail(
                "ExpiredAuthenticationToken",
                f"The access token expiry UTC time '{expiry}' is earlier than current UTC time '{current}'.",
                "The access token has expired.",
            )
        allowed = {a.rstrip("/") for a in set(ARM_AUDIENCES) | self.extra_audiences}
        if str(claims.get("aud", "")).rstrip("/") not in allowed:
            return fail(
                "InvalidAuthenticationTokenAudience",
                "The access token has been obtained for wrong "
                f"audience or resource '{claims.get('aud')}'. It should exactly match with one of the "
                "allowed audiences " + ",".join(f"'{a}'" for a in ARM_AUDIENCES) + ".",
                "The access token audience is invalid.",
            )
        return claims, None

    def issue(
        self,
        audience: str = "https://management.azure.com/",
        lifetime: int | None = None,
        client_id: str | None = None,
    ) -> str:
        """Issue a token directly (for tests of expiry and audience handling)."""
        now = int(time.time())
        return self._sign(
            {
                "aud": audience,
                "iat": now,
                "nbf": now,
                "exp": now + (lifetime or self.token_lifetime),
                "tid": self.tenant_id,
                "appid": client_id or next(iter(self.clients)),
                "ver": "1.0",
                "iss": f"https://sts.windows.net/{self.tenant_id}/",
            }
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _tenant_ok(self, tenant: str) -> bool:
        return tenant.lower() in (self.tenant_id.lower(), "organizations", "common")

    def _sign(self, claims: dict) -> str:
        header = _b64(json.dumps({"typ": "JWT", "alg": "HS256", "kid": "sandbox"}).encode())
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._key, f"{header}.{body}".encode(), hashlib.sha256).digest()
        return f"{header}.{body}.{_b64(signature)}"

    def _verify(self, token: str) -> dict | None:
        parts = token.split(".")
        if len(parts) != 3:
            return None
        expected = hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(expected, _unb64(parts[2])):
                return None
            return json.loads(_unb64(parts[1]))
        except (ValueError, json.JSONDecodeError):
            return None

    @staticmethod
    def _aad_error(status: int, error: str, code: int, text: str) -> tuple[int, dict]:
        trace_id, correlation_id = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        return status, {
            "error": error,
            "error_description": f"AADSTS{code}: {text} Trace ID: {trace_id} "
            f"Correlation ID: {correlation_id} Timestamp: {stamp}",
            "error_codes": [code],
            "timestamp": stamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": f"https://login.microsoftonline.com/error?code={code}",
        }

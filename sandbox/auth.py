"""Tokens: the sandbox plays Entra ID's token endpoint and Graph's bearer check.

It signs RS256 tokens with a key of its own (kept in the store, so tokens survive a restart)
and publishes the public key as a JWKS, so clients validate its tokens the way they validate
Entra ID's, with only the issuer and keys differing. Token lifetimes follow the wall clock, not
the sandbox clock: a test that moves business time forward by a week must not expire the
token its client cached a second ago.
"""

from __future__ import annotations

import secrets
import string
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from sandbox.errors import GraphError
from sandbox.signing_keys import public_jwk, stored_rsa_key
from sandbox.store import Store
from sandbox.tenant import user_id_for

GRAPH_AUDIENCE = "https://graph.microsoft.com"
TOKEN_LIFETIME = timedelta(hours=1)
DEVICE_CODE_LIFETIME = timedelta(minutes=15)
DEVICE_CODE_INTERVAL = 1
# Scopes that ask for sign-in itself rather than for an API.
_OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
_KEY_META = "signing_key_pem"


def audience_of(scope: str) -> str | None:
    """Return the resource a ``scope`` parameter asks a token for, as Entra ID reads it.

    ``api://accord/access_as_user offline_access`` and ``api://accord/.default`` both ask for
    ``api://accord``; sign-in scopes alone (``openid profile``) ask for no API.
    """
    for item in scope.split():
        if item in _OIDC_SCOPES:
            continue
        resource, slash, _name = item.rpartition("/")
        return resource if slash and resource else item
    return None


@dataclass
class DeviceCode:
    """One device-code sign-in (RFC 8628) waiting for its person to approve it."""

    device_code: str
    user_code: str
    client_id: str
    scope: str
    expires_at: float
    approved_upn: str | None = None
    redeemed: bool = False


class DeviceCodes:
    """Device-code sign-ins in progress (kept in memory: they live for minutes)."""

    def __init__(self) -> None:
        self._by_device: dict[str, DeviceCode] = {}

    def start(self, client_id: str, scope: str) -> DeviceCode:
        """Begin a sign-in and return its codes."""
        self._forget_expired()
        alphabet = string.ascii_uppercase + string.digits
        code = DeviceCode(
            device_code=secrets.token_urlsafe(32),
            user_code="".join(secrets.choice(alphabet) for _ in range(9)),
            client_id=client_id,
            scope=scope,
            expires_at=time.monotonic() + DEVICE_CODE_LIFETIME.total_seconds(),
        )
        self._by_device[code.device_code] = code
        return code

    def approve(self, user_code: str, upn: str) -> bool:
        """Let the person ``upn`` approve the sign-in showing ``user_code``.

        Returns:
            Whether a pending sign-in had this code.
        """
        self._forget_expired()
        wanted = user_code.strip().upper().replace("-", "")
        for code in self._by_device.values():
            if code.user_code == wanted and code.approved_upn is None:
                code.approved_upn = upn
                return True
        return False

    def get(self, device_code: str) -> DeviceCode | None:
        """Return the sign-in behind a device code, unless it expired."""
        self._forget_expired()
        return self._by_device.get(device_code)

    def _forget_expired(self) -> None:
        now = time.monotonic()
        for key in [key for key, code in self._by_device.items() if code.expires_at < now]:
            del self._by_device[key]


class TokenIssuer:
    """Issues and checks the sandbox's access tokens."""

    def __init__(self, store: Store, tenant_id: str, issuer_base: str) -> None:
        self._private_key, pem = stored_rsa_key(store, _KEY_META, what="signing key")
        self.key_id = uuid.uuid5(uuid.NAMESPACE_OID, pem).hex[:16]
        self.tenant_id = tenant_id
        self.issuer = f"{issuer_base.rstrip('/')}/{tenant_id}/v2.0"
        self.device_codes = DeviceCodes()

    def jwks(self) -> dict[str, Any]:
        """Return the public signing key as a JSON Web Key Set."""
        return {"keys": [public_jwk(self._private_key, self.key_id)]}

    def issue(self, *, subject: str, audience: str, claims: dict[str, Any] | None = None) -> str:
        """Sign a token.

        Args:
            subject: the app's client id (app-only) or a user's object id.
            audience: who the token is for.
            claims: further claims (roles, names, ...).

        Returns:
            The compact JWT.
        """
        now = datetime.now(UTC)
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "sub": subject,
            "aud": audience,
            "tid": self.tenant_id,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()) - 60,
            "exp": int((now + TOKEN_LIFETIME).timestamp()),
            "jti": str(uuid.uuid4()),
            **(claims or {}),
        }
        return jwt.encode(
            payload, self._private_key, algorithm="RS256", headers={"kid": self.key_id}
        )

    def issue_for_user(
        self,
        *,
        upn: str,
        display_name: str,
        audience: str,
        client_id: str,
        roles: list[str] | None = None,
        scope: str = "access_as_user",
    ) -> str:
        """Sign a delegated access token for a person, shaped like Entra ID's v2 tokens.

        Args:
            upn: the person's user principal name.
            display_name: their name.
            audience: the API the token is for.
            client_id: the app that asked for it (``azp``).
            roles: the app roles the person holds for that API.
            scope: the delegated scopes granted (``scp``).

        Returns:
            The compact JWT.
        """
        object_id = user_id_for(upn)
        return self.issue(
            subject=object_id,
            audience=audience,
            claims={
                "oid": object_id,
                "upn": upn,
                "preferred_username": upn,
                "name": display_name,
                "azp": client_id,
                "scp": scope,
                "roles": list(roles or []),
                "ver": "2.0",
            },
        )

    def verify_graph_token(self, authorization: str | None) -> dict[str, Any]:
        """Check a request's ``Authorization`` header as Graph would.

        Raises:
            GraphError: 401 ``InvalidAuthenticationToken`` when missing, malformed or invalid.
        """
        if not authorization:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise GraphError(
                401,
                "InvalidAuthenticationToken",
                "Access token validation failure. Invalid scheme.",
            )
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._private_key.public_key(),
                algorithms=["RS256"],
                audience=GRAPH_AUDIENCE,
                issuer=self.issuer,
                leeway=60,
            )
        except jwt.ExpiredSignatureError:
            raise GraphError(
                401,
                "InvalidAuthenticationToken",
                "Lifetime validation failed, the token is expired.",
            ) from None
        except jwt.PyJWTError:
            raise GraphError(
                401,
                "InvalidAuthenticationToken",
                "Access token validation failure. Invalid audience or signature.",
            ) from None
        return claims

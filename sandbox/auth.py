"""Tokens: the sandbox plays Entra ID's token endpoint and Graph's bearer check.

It signs RS256 tokens with a key of its own (kept in the store, so tokens survive a restart)
and publishes the public key as a JWKS, so clients validate its tokens the way they validate
Entra ID's, with only the issuer and keys differing. Token lifetimes follow the wall clock, not
the sandbox clock: a test that moves business time forward by a week must not expire the
token its client cached a second ago.
"""

from __future__ import annotations

import base64
import re
import secrets
import string
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import load_pem_public_key

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
ACCESS_POLICY_REFUSAL = (
    "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy "
    "settings."
)
# The mailbox data an application access policy guards that the sandbox checks on reads:
# messages and mail folders (sendMail checks it in its own route).
_MAIL_PATH = re.compile(r"^/v1\.0/users/([^/()]+)/(?:messages|mailFolders)(?:/|$)", re.IGNORECASE)


def check_access_policy(path: str, allowed: list[str] | None, user: dict[str, Any] | None) -> None:
    """Refuse mail of a mailbox outside Exchange's application access policy.

    Args:
        path: the request's path.
        allowed: the mailboxes (addresses or ids) the policy is scoped to; ``None``: no policy,
            every mailbox is open to the app (Exchange's default).
        user: the directory user the path names, if any.

    Raises:
        GraphError: 403 ``ErrorAccessDenied`` with Exchange's message for a mailbox outside.
    """
    match = _MAIL_PATH.match(path)
    if allowed is None or match is None:
        return
    names = {match.group(1).lower()}
    if user is not None:
        names |= {str(user.get(key) or "").lower() for key in ("mail", "userPrincipalName", "id")}
    if names.isdisjoint(name.lower() for name in allowed):
        raise GraphError(403, "ErrorAccessDenied", ACCESS_POLICY_REFUSAL)


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


CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
FEDERATED_AUDIENCE = "api://AzureADTokenExchange"
_ASSERTION_ALGORITHMS = ["RS256", "PS256"]


class AssertionRejected(Exception):  # noqa: N818 - names what the client sees: a refusal
    """A client assertion Entra ID would refuse; the message is its error description."""


def _thumbprints(pem: str) -> tuple[str, str, Any]:
    """Return a certificate's SHA-1 and SHA-256 thumbprints (base64url) and its public key."""
    certificate = x509.load_pem_x509_certificate(pem.encode())

    def encoded(algorithm: hashes.HashAlgorithm) -> str:
        return base64.urlsafe_b64encode(certificate.fingerprint(algorithm)).decode().rstrip("=")

    return encoded(hashes.SHA1()), encoded(hashes.SHA256()), certificate.public_key()  # noqa: S303 - x5t is SHA-1 by definition


def verify_client_assertion(
    assertion: str,
    *,
    client_id: str,
    token_path: str,
    certificates: list[str],
    federated: list[tuple[str, str, str]],
) -> None:
    """Check a client assertion as Entra ID does, signed by a certificate or federated.

    A certificate's assertion names the certificate by thumbprint (``x5t`` or ``x5t#S256``),
    is issued by the app itself (``iss`` and ``sub`` are its client id) for the token
    endpoint (``aud``; any host, since the sandbox answers under several names). A federated
    one (workload identity: a Kubernetes service account token) comes from a trusted issuer
    for a trusted subject, for ``api://AzureADTokenExchange``.

    Args:
        assertion: the compact JWT.
        client_id: the app asking.
        token_path: the path of the token endpoint asked (``/{tenant}/oauth2/v2.0/token``).
        certificates: the app's registered certificates (PEM).
        federated: the app's federated credentials: ``(issuer, subject, issuer's public key
            PEM)`` each.

    Raises:
        AssertionRejected: when the assertion is not valid for this app.
    """
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise AssertionRejected("AADSTS50027: the client assertion is not a valid JWT.") from None
    # Entra ID reads the thumbprint with or without base64 padding; azure-identity pads it.
    thumbprint = str(header.get("x5t#S256") or header.get("x5t") or "").rstrip("=")
    try:
        if thumbprint:
            key = next(
                (
                    public
                    for sha1, sha256, public in map(_thumbprints, certificates)
                    if thumbprint in (sha1, sha256)
                ),
                None,
            )
            if key is None:
                raise AssertionRejected(
                    f"AADSTS700027: the certificate with thumbprint {thumbprint} is not "
                    f"registered for application '{client_id}'."
                )
            claims = jwt.decode(
                assertion,
                key,
                algorithms=_ASSERTION_ALGORITHMS,
                options={"require": ["exp", "aud", "iss", "sub"], "verify_aud": False},
                leeway=60,
            )
            if claims["iss"] != client_id or claims["sub"] != client_id:
                raise AssertionRejected(
                    "AADSTS700023: the assertion's iss and sub must be the client id."
                )
            if urlparse(str(claims["aud"])).path.rstrip("/") != token_path.rstrip("/"):
                raise AssertionRejected(
                    "AADSTS700024: the assertion's audience is not this token endpoint."
                )
            return
        issuer, subject = unverified.get("iss"), unverified.get("sub")
        trusted = [pem for iss, sub, pem in federated if (iss, sub) == (issuer, subject)]
        if not trusted:
            raise AssertionRejected(
                f"AADSTS70021: no matching federated identity record for issuer '{issuer}' "
                f"and subject '{subject}' on application '{client_id}'."
            )
        jwt.decode(
            assertion,
            load_pem_public_key(trusted[0].encode()),  # type: ignore[arg-type] # RSA keys only are registered
            algorithms=_ASSERTION_ALGORITHMS,
            audience=FEDERATED_AUDIENCE,
            options={"require": ["exp", "aud", "iss", "sub"]},
            leeway=60,
        )
    except jwt.ExpiredSignatureError:
        raise AssertionRejected("AADSTS700024: the client assertion has expired.") from None
    except jwt.PyJWTError as exc:
        raise AssertionRejected(
            f"AADSTS7000274: the client assertion's signature or claims are not valid ({exc})."
        ) from None

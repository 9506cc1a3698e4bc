"""Tokens: the sandbox plays Entra ID's token endpoint and Graph's bearer check.

It signs RS256 tokens with a key of its own (kept in the store, so tokens survive a restart)
and publishes the public key as a JWKS, so clients validate its tokens the way they validate
Entra ID's, with only the issuer and keys differing. Token lifetimes follow the wall clock, not
the sandbox clock: a test that moves business time forward by a week must not expire the
token its client cached a second ago.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from sandbox.errors import GraphError
from sandbox.store import Store

GRAPH_AUDIENCE = "https://graph.microsoft.com"
TOKEN_LIFETIME = timedelta(hours=1)
_KEY_META = "signing_key_pem"


class TokenIssuer:
    """Issues and checks the sandbox's access tokens."""

    def __init__(self, store: Store, tenant_id: str, issuer_base: str) -> None:
        pem = store.get_meta(_KEY_META)
        if pem is None:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode()
            store.set_meta(_KEY_META, pem)
        loaded = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(loaded, rsa.RSAPrivateKey):
            raise TypeError("the stored signing key is not an RSA key")
        self._private_key = loaded
        self.key_id = uuid.uuid5(uuid.NAMESPACE_OID, pem).hex[:16]
        self.tenant_id = tenant_id
        self.issuer = f"{issuer_base.rstrip('/')}/{tenant_id}/v2.0"

    def jwks(self) -> dict[str, Any]:
        """Return the public signing key as a JSON Web Key Set."""
        public = json.loads(RSAAlgorithm.to_jwk(self._private_key.public_key()))
        public.update({"kid": self.key_id, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

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

"""Access tokens for API tests: signed by a key of the test's own, checked by the real validator.

The validator is the production :class:`api.auth.TokenValidator`; only where its keys come
from differs (given directly instead of fetched from OpenID metadata, which test_auth.py
covers against the sandbox).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from api.auth import TokenValidator
from integrations.entra.keys import StaticSigningKeys

TENANT_ID = "00000000-0000-4000-8000-00000000acc0"
ISSUER = f"https://login.microsoftonline.com/{TENANT_ID}/v2.0"
AUDIENCE = "api://accord-tests"
ADMIN_ROLE = "Accord.Admin"


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA signing key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeEntra:
    """A stand-in for Entra ID: signs tokens, and builds the validator that trusts them."""

    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    key_id: str = "test-key-1"

    def jwks(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": self.key_id, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def validator(self) -> TokenValidator:
        return TokenValidator(
            StaticSigningKeys(ISSUER, self.jwks()),
            audience=AUDIENCE,
            tenant_id=TENANT_ID,
            admin_role=ADMIN_ROLE,
        )

    def claims(self, email: str, *, roles: tuple[str, ...] = ()) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "tid": TENANT_ID,
            "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, email)),
            "sub": str(uuid.uuid5(uuid.NAMESPACE_DNS, email)),
            "upn": email,
            "preferred_username": email,
            "name": email.split("@")[0].replace(".", " ").title(),
            "roles": list(roles),
            "iat": now,
            "nbf": now - 5,
            "exp": now + 3600,
        }

    def token(
        self,
        email: str,
        *,
        roles: tuple[str, ...] = (),
        key: rsa.RSAPrivateKey | None = None,
        key_id: str | None = None,
        **overrides: Any,
    ) -> str:
        """Sign a token for ``email``; ``overrides`` replace claims (``None`` drops one)."""
        claims = self.claims(email, roles=roles)
        claims.update(overrides)
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(
            claims,
            key or self.key,
            algorithm="RS256",
            headers={"kid": key_id or self.key_id},
        )

    def headers(self, email: str, *, roles: tuple[str, ...] = ()) -> dict[str, str]:
        """The ``Authorization`` header of a valid token for ``email``."""
        return {"Authorization": f"Bearer {self.token(email, roles=roles)}"}

"""RSA signing keys the sandbox keeps in its store, so tokens outlive a restart."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from sandbox.store import Store


def stored_rsa_key(store: Store, meta_name: str, *, what: str) -> tuple[rsa.RSAPrivateKey, str]:
    """Return the RSA key stored under ``meta_name``, made and stored on first use.

    Args:
        store: the sandbox's store.
        meta_name: the key's name among the store's metadata.
        what: whose key it is, for the error message.

    Returns:
        The key, and its PEM text (to derive a stable key id from).

    Raises:
        TypeError: when something other than an RSA key is stored there.
    """
    pem = store.get_meta(meta_name)
    if pem is None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        store.set_meta(meta_name, pem)
    loaded = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise TypeError(f"the stored {what} is not an RSA key")
    return loaded, pem


def public_jwk(key: rsa.RSAPrivateKey, key_id: str, **extra: Any) -> dict[str, Any]:
    """Return the key's public half as a JSON Web Key for RS256 signatures.

    Args:
        key: the private key.
        key_id: its ``kid``.
        **extra: further members (e.g. the Bot Connector's ``endorsements``).
    """
    public: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    public.update({"kid": key_id, "use": "sig", "alg": "RS256", **extra})
    return public

"""The sandbox's stored RSA signing keys: made once, kept, and published as JWKs."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import RSAAlgorithm

from sandbox.signing_keys import public_jwk, stored_rsa_key
from sandbox.store import Store


def test_a_key_is_made_once_and_read_back_after_a_restart(tmp_path: Path) -> None:
    _, first = stored_rsa_key(Store(tmp_path / "db.sqlite"), "key", what="test key")
    _, again = stored_rsa_key(Store(tmp_path / "db.sqlite"), "key", what="test key")
    _, other = stored_rsa_key(Store(tmp_path / "db.sqlite"), "other", what="test key")

    assert first == again
    assert other != first


def test_the_public_jwk_verifies_what_the_key_signs(tmp_path: Path) -> None:
    key, _ = stored_rsa_key(Store(tmp_path / "db.sqlite"), "key", what="test key")
    jwk = public_jwk(key, "kid-1", endorsements=["msteams"])
    token = jwt.encode({"sub": "someone"}, key, algorithm="RS256")

    assert jwk["kid"] == "kid-1"
    assert jwk["use"] == "sig"
    assert jwk["alg"] == "RS256"
    assert jwk["endorsements"] == ["msteams"]
    assert "d" not in jwk  # the private exponent never leaves
    public = RSAAlgorithm.from_jwk(jwk)
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"sub": "someone"}  # type: ignore[arg-type]


def test_a_stored_key_of_another_kind_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    store.set_meta("key", pem)

    with pytest.raises(TypeError, match="the stored test key is not an RSA key"):
        stored_rsa_key(store, "key", what="test key")

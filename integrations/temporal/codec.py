"""Encrypting every payload Accord hands to Temporal (AES-256-GCM with a rotating key ring).

Commitments carry what managers and owners wrote to each other; Temporal's history must not
hold it in the clear. Each payload is serialised whole (its metadata too, so even the encoding
is hidden), encrypted with the ring's first key, and tagged with that key's id. Decryption
picks the key by id, so adding a new key in front keeps every older history readable for as
long as the old key stays in the ring.

Decoding is strict: a payload that is not sealed with one of the ring's keys is refused, so a
Temporal client without the key cannot start, signal or update a workflow. The codec does not
raise for it (a worker that cannot decode an activation retries it forever, and an update
waiting in it would wedge the workflow); it hands on a :data:`REFUSED_ENCODING` payload with
no data, which the data converter (:mod:`integrations.temporal.converter`) turns into a clear,
non-retryable error: the update is rejected, the start fails, the signal is dropped, and
nothing the sender wrote is read. Only the codec server, which shows histories to operators
and acts on nothing, lets plaintext through.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
REFUSED_ENCODING = b"binary/accord-refused-unencrypted"
"""What an unencrypted payload decodes to: no data, and the encoding it came with."""
REFUSED_FROM_METADATA = "refused-encoding"
KEY_ID_METADATA = "encryption-key-id"
KEY_BYTES = 32
_NONCE_BYTES = 12
_KEY_ID_CONTEXT = b"accord-payload-key-id:"


class PayloadDecryptionError(Exception):
    """An encrypted payload cannot be decrypted; the message says why (never the content)."""


def key_id_for(key: bytes) -> str:
    """Return the id recorded with payloads encrypted by ``key``.

    The id is derived from the key, so no one has to name keys, and a ring assembled in any
    order from the same keys recognises the same payloads.

    Args:
        key: a 32-byte AES key.

    Returns:
        16 hex digits.
    """
    return hashlib.sha256(_KEY_ID_CONTEXT + key).hexdigest()[:16]


class PayloadKeyRing:
    """The AES-256 keys payloads are encrypted with; the first encrypts, any one decrypts."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("the payload key ring needs at least one key")
        if any(len(key) != KEY_BYTES for key in keys):
            raise ValueError(f"each payload key must be exactly {KEY_BYTES} bytes")
        self._ciphers = {key_id_for(key): AESGCM(key) for key in keys}
        self._current = key_id_for(keys[0])

    @property
    def current_key_id(self) -> str:
        """The id of the key new payloads are encrypted with."""
        return self._current

    @property
    def key_ids(self) -> list[str]:
        """The ids of every key held, the encrypting one first."""
        return list(self._ciphers)

    def encrypt(self, plaintext: bytes) -> tuple[str, bytes]:
        """Encrypt with the current key.

        Args:
            plaintext: the bytes to protect.

        Returns:
            The key id and ``nonce || ciphertext || tag``.
        """
        nonce = os.urandom(_NONCE_BYTES)
        key_id = self._current
        # The key id is authenticated too, so a payload cannot be relabelled to another key.
        sealed = self._ciphers[key_id].encrypt(nonce, plaintext, key_id.encode())
        return key_id, nonce + sealed

    def decrypt(self, key_id: str, data: bytes) -> bytes:
        """Decrypt bytes produced by :meth:`encrypt` with the key named ``key_id``.

        Args:
            key_id: the id recorded with the payload.
            data: ``nonce || ciphertext || tag``.

        Returns:
            The plaintext.

        Raises:
            PayloadDecryptionError: when the key is not in the ring or the data was altered.
        """
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadDecryptionError(
                f"payload was encrypted with key {key_id!r}, which this key ring does not "
                f"hold (it holds {', '.join(self._ciphers)}); add that key back to "
                "ACCORD_PAYLOAD_KEYS after the new one"
            )
        try:
            return cipher.decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], key_id.encode())
        except InvalidTag:
            raise PayloadDecryptionError(
                f"payload encrypted with key {key_id!r} failed authentication: it was altered"
            ) from None


class EncryptionCodec(PayloadCodec):
    """A Temporal payload codec that encrypts with a :class:`PayloadKeyRing`.

    Args:
        keys: the key ring.
        accept_plaintext: let unencrypted payloads through decoding unchanged. Only for
            read-only viewers such as the codec server: a worker or client that accepted
            plaintext would act on input from anyone who can reach the namespace, key or not.
    """

    def __init__(self, keys: PayloadKeyRing, *, accept_plaintext: bool = False) -> None:
        self._keys = keys
        self._accept_plaintext = accept_plaintext

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Encrypt each payload with the ring's current key.

        Args:
            payloads: the payloads to encrypt (left unchanged).

        Returns:
            One encrypted payload per input.
        """
        encoded = []
        for payload in payloads:
            key_id, data = self._keys.encrypt(payload.SerializeToString())
            encoded.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID_METADATA: key_id.encode()},
                    data=data,
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Decrypt each payload; refuse unencrypted ones unless built to accept them.

        Args:
            payloads: the payloads to decrypt (left unchanged).

        Returns:
            One payload per input: the decrypted payload, or, for an unencrypted one that is
            refused, an empty :data:`REFUSED_ENCODING` payload.

        Raises:
            PayloadDecryptionError: when a payload's key is not held or its data was altered.
        """
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload if self._accept_plaintext else _refused(payload))
                continue
            raw_key_id = payload.metadata.get(KEY_ID_METADATA)
            if raw_key_id is None:
                raise PayloadDecryptionError(
                    f"encrypted payload has no {KEY_ID_METADATA!r} metadata"
                )
            plaintext = self._keys.decrypt(raw_key_id.decode(), payload.data)
            inner = Payload()
            inner.ParseFromString(plaintext)
            decoded.append(inner)
        return decoded


def _refused(payload: Payload) -> Payload:
    # The data is dropped here, so nothing downstream can read what a stranger sent.
    return Payload(
        metadata={
            "encoding": REFUSED_ENCODING,
            REFUSED_FROM_METADATA: payload.metadata.get("encoding", b"none")[:100],
        }
    )

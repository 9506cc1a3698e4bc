"""Secret keys from the settings, or generated once and kept under ``data_dir`` for local use.

Two key rings come from here: the one that encrypts Temporal payloads and the one that signs
action links. A deployment sets ``ACCORD_PAYLOAD_KEYS`` and ``ACCORD_LINK_KEYS``; on a laptop
they are unset and one key of each kind is generated on first use and kept in a ``0600`` file,
so that workflows and links survive restarts. The worker and the API run as separate processes
and may both reach for a key at the same moment: the file is created atomically and the loser
of that race reads the winner's key. The key email intake makes its ids with
(:func:`intake_id_key`) comes from here too.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

from accord.settings import AccordSettings
from domain.action_links import LinkKeyRing
from integrations.temporal.codec import KEY_BYTES, PayloadKeyRing

KEYS_DIR = "keys"
INTAKE_ID_KEY_BYTES = 32
# Fixed forever: the label the intake id key is derived under from the oldest payload key.
# Changing it would give every conversation in flight a new id.
_INTAKE_ID_LABEL = b"accord intake ids v1"
PAYLOAD_KEY_FILE = "payload.key"
LINK_KEY_FILE = "link.key"


class KeyFileError(Exception):
    """A key file or key setting cannot be used; the message says which and why."""


def local_key(data_dir: Path, name: str) -> bytes:
    """Return the key kept in ``data_dir/keys/<name>``, generating it on first use.

    Args:
        data_dir: Accord's local state directory.
        name: the key file's name.

    Returns:
        The key's 32 bytes.

    Raises:
        KeyFileError: when the file exists but does not hold a key, or is readable by others.
    """
    directory = data_dir / KEYS_DIR
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / name
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


def _create_key_file(path: Path) -> None:
    # Written in full under a private name, then linked into place: a concurrent reader
    # never sees a half-written key, and a concurrent writer's key wins or loses whole.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii") + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _read_key_file(path: Path) -> bytes:
    if path.stat().st_mode & 0o077:
        raise KeyFileError(f"key file {path} is readable by others; run: chmod 600 {path}")
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (binascii.Error, UnicodeDecodeError):
        raise KeyFileError(f"key file {path} does not hold a base64 key") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"key file {path} holds {len(key)} bytes, not {KEY_BYTES}")
    return key


def payload_key_ring(settings: AccordSettings) -> PayloadKeyRing:
    """Return the payload encryption keys: ``ACCORD_PAYLOAD_KEYS``, or the local key.

    Args:
        settings: Accord's settings.

    Returns:
        The key ring; its first key encrypts.

    Raises:
        KeyFileError: when a configured key is not base64 of 32 bytes, or the local key file
            is unusable.
    """
    if not settings.payload_keys:
        return PayloadKeyRing([local_key(settings.data_dir, PAYLOAD_KEY_FILE)])
    return PayloadKeyRing(
        [
            _payload_key(position, secret)
            for position, secret in enumerate(settings.payload_keys, start=1)
        ]
    )


def _payload_key(position: int, secret: SecretStr) -> bytes:
    try:
        key = base64.b64decode(secret.get_secret_value().strip(), validate=True)
    except binascii.Error:
        raise KeyFileError(f"ACCORD_PAYLOAD_KEYS: key {position} is not base64") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(
            f"ACCORD_PAYLOAD_KEYS: key {position} is {len(key)} bytes, not {KEY_BYTES}"
        )
    return key


def link_key_ring(settings: AccordSettings) -> LinkKeyRing:
    """Return the action-link signing keys: ``ACCORD_LINK_KEYS``, or the local key.

    Args:
        settings: Accord's settings.

    Returns:
        The key ring; its first key signs.

    Raises:
        KeyFileError: when a configured secret is too short, or the local key file is unusable.
    """
    if not settings.link_keys:
        return LinkKeyRing([local_key(settings.data_dir, LINK_KEY_FILE)])
    try:
        return LinkKeyRing([secret.get_secret_value().encode() for secret in settings.link_keys])
    except ValueError as exc:
        raise KeyFileError(f"ACCORD_LINK_KEYS: {exc}") from None


def intake_id_key(settings: AccordSettings) -> bytes:
    """Return the key email intake makes its ids with: ``ACCORD_INTAKE_ID_KEY``, or derived.

    Conversation and commitment ids of mail are a MAC under this key, so a person who holds
    a copy of an email cannot compute them. It must be the same in every worker and must
    not change while conversations are open: unset, it is derived from the *oldest* payload
    key, which every worker shares and which rotation keeps longest (new keys go first).

    Args:
        settings: Accord's settings.

    Returns:
        The key's bytes.

    Raises:
        KeyFileError: when the configured secret is shorter than 32 bytes, or no payload
            key can be read to derive it from.
    """
    if settings.intake_id_key is not None:
        key = settings.intake_id_key.get_secret_value().encode()
        if len(key) < INTAKE_ID_KEY_BYTES:
            raise KeyFileError(
                f"ACCORD_INTAKE_ID_KEY: is {len(key)} bytes, needs at least {INTAKE_ID_KEY_BYTES}"
            )
        return key
    if settings.payload_keys:
        oldest = _payload_key(len(settings.payload_keys), settings.payload_keys[-1])
    else:
        oldest = local_key(settings.data_dir, PAYLOAD_KEY_FILE)
    return hmac.new(oldest, _INTAKE_ID_LABEL, hashlib.sha256).digest()

"""Opaque page tokens for lists: Temporal's own token, bound to the query it continues.

A token only continues the list it came from: used with other filters (or by someone whose
visible scope differs) it is refused, rather than silently paging through another list.
A list read in groups (one visibility query each, in order) carries the group it stopped in
as well: :func:`encode_group_page_token`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json


class InvalidPageTokenError(ValueError):
    """The page token is malformed or belongs to another list."""


def _fingerprint(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:24]


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_page_token(query: str, temporal_token: bytes) -> str:
    """Wrap Temporal's next-page token for the list ``query``.

    Args:
        query: the visibility query of the list.
        temporal_token: Temporal's token.

    Returns:
        The opaque token clients pass back as ``page_token``.
    """
    payload = {"q": _fingerprint(query), "t": _b64encode(temporal_token)}
    return _b64encode(json.dumps(payload, separators=(",", ":")).encode())


def decode_page_token(query: str, token: str) -> bytes:
    """Return Temporal's token inside ``token``, checking it continues ``query``.

    Args:
        query: the visibility query of this request.
        token: what the client sent.

    Returns:
        Temporal's next-page token.

    Raises:
        InvalidPageTokenError: when the token is malformed or from another list.
    """
    try:
        payload = json.loads(_b64decode(token))
        fingerprint, inner = payload["q"], payload["t"]
        if not isinstance(fingerprint, str) or not isinstance(inner, str):
            raise InvalidPageTokenError("malformed")
        temporal_token = _b64decode(inner)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidPageTokenError("malformed") from None
    if fingerprint != _fingerprint(query) or not temporal_token:
        raise InvalidPageTokenError("from another list")
    return temporal_token


def encode_group_page_token(query: str, group: str, temporal_token: bytes | None) -> str:
    """Wrap where a list read group by group goes on: the group, and Temporal's token in it.

    Args:
        query: the visibility query of the whole list (without the group's clause).
        group: the group the next page starts in.
        temporal_token: Temporal's token within that group; ``None``: its beginning.

    Returns:
        The opaque token clients pass back.
    """
    payload = {"q": _fingerprint(query), "g": group, "t": _b64encode(temporal_token or b"")}
    return _b64encode(json.dumps(payload, separators=(",", ":")).encode())


def decode_group_page_token(query: str, token: str) -> tuple[str, bytes | None]:
    """Return the group and Temporal's token inside ``token``, checking it continues ``query``.

    Args:
        query: the visibility query of this request's whole list.
        token: what the client sent.

    Returns:
        The group, and Temporal's token in it (``None``: the group's beginning).

    Raises:
        InvalidPageTokenError: when the token is malformed or from another list.
    """
    try:
        payload = json.loads(_b64decode(token))
        fingerprint, group, inner = payload["q"], payload["g"], payload["t"]
        if not all(isinstance(value, str) for value in (fingerprint, group, inner)):
            raise InvalidPageTokenError("malformed")
        temporal_token = _b64decode(inner)
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidPageTokenError("malformed") from None
    if fingerprint != _fingerprint(query):
        raise InvalidPageTokenError("from another list")
    return group, temporal_token or None

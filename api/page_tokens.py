"""Opaque page tokens for lists: Temporal's own token, bound to the query it continues.

A token only continues the list it came from: used with other filters (or by someone whose
visible scope differs) it is refused, rather than silently paging through another list.
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

"""Request helpers shared by the sandbox's routes."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from sandbox.errors import GraphError
from sandbox.state import SandboxState

_MALFORMED_JSON = (
    "Unable to read JSON request payload. Please ensure Content-Type header is set and payload "
    "is of valid JSON format."
)


def state_of(request: Request) -> SandboxState:
    """Return the sandbox state behind a request (a FastAPI dependency)."""
    state: SandboxState = request.app.state.sandbox
    return state


async def read_json_object(request: Request) -> dict[str, Any]:
    """Read a request body that must be a JSON object.

    Raises:
        GraphError: 400 ``BadRequest`` when the body is empty, not JSON or not an object.
    """
    raw = await request.body()
    if not raw.strip():
        raise GraphError(400, "BadRequest", "Empty Payload. JSON content expected.")
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise GraphError(400, "BadRequest", _MALFORMED_JSON) from None
    if not isinstance(body, dict):
        raise GraphError(400, "BadRequest", _MALFORMED_JSON)
    return body


def collection_url(request: Request) -> str:
    """Return the request URL without its query string, for ``@odata.nextLink``."""
    return str(request.url.replace(query=""))


def context_url(request: Request, fragment: str) -> str:
    """Return an ``@odata.context`` URL for the sandbox's service root."""
    return f"{request.base_url}v1.0/$metadata#{fragment}"

"""Graph's error shape: ``{"error": {"code", "message", "innerError"}}``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse


class GraphError(Exception):
    """An error the sandbox answers the way Microsoft Graph would.

    Attributes:
        status: the HTTP status code.
        code: Graph's error code, e.g. ``RequestBodyRead`` or ``ErrorItemNotFound``.
        message: the human-readable message.
        headers: extra response headers, e.g. ``Retry-After``.
    """

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_body(code: str, message: str, client_request_id: str | None = None) -> dict[str, Any]:
    """Build Graph's error body.

    Args:
        code: Graph's error code.
        message: the human-readable message.
        client_request_id: echoed from the request's ``client-request-id`` header.

    Returns:
        The JSON-ready body.
    """
    request_id = str(uuid.uuid4())
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": request_id,
                "client-request-id": client_request_id or request_id,
            },
        }
    }


def error_response(error: GraphError, client_request_id: str | None = None) -> JSONResponse:
    """Render a :class:`GraphError` as an HTTP response.

    Args:
        error: the error to render.
        client_request_id: echoed from the request's ``client-request-id`` header.

    Returns:
        The response with Graph's error body and the error's headers.
    """
    return JSONResponse(
        error_body(error.code, error.message, client_request_id),
        status_code=error.status,
        headers=error.headers,
    )


def bad_request(message: str, code: str = "BadRequest") -> GraphError:
    """Return a 400 :class:`GraphError`."""
    return GraphError(400, code, message)


def not_found(message: str, code: str = "ErrorItemNotFound") -> GraphError:
    """Return a 404 :class:`GraphError`."""
    return GraphError(404, code, message)

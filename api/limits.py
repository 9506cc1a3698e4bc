"""A cap on request bodies: anything larger is refused with 413 before a route reads it.

Accord's requests are small JSON documents and forms; a cap keeps a client from making the
API hold megabytes in memory. Bodies are read up to the cap and handed on as they came.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_TYPE_PREFIX, Problem, problem_response


class BodySizeLimit:
    """ASGI middleware answering 413 to request bodies over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self._app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request (or pass anything but HTTP straight on)."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max_bytes:
            await self._refuse(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self._max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self._app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            Problem(
                type=f"{PROBLEM_TYPE_PREFIX}body-too-large",
                title="The request body is too large",
                status=413,
                detail=f"Send at most {self._max_bytes} bytes.",
            ),
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)

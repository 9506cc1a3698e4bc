"""``X-Content-Type-Options: nosniff`` on every answer the API gives.

Some answers echo what a caller sent (Graph's validation handshake returns its token as
``text/plain``); without ``nosniff`` a browser may guess such text is HTML and run it. One
middleware marks every response, so no route can forget.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_NOSNIFF = (b"x-content-type-options", b"nosniff")


class NoSniff:
    """ASGI middleware adding ``X-Content-Type-Options: nosniff`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request (or pass anything but HTTP straight on)."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if all(name.lower() != _NOSNIFF[0] for name, _value in headers):
                    headers.append(_NOSNIFF)
                message = {**message, "headers": headers}
            await send(message)

        await self._app(scope, receive, marked)

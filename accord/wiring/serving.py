"""Serve an ASGI app with uvicorn the way every ``accord`` server command does."""

from __future__ import annotations

import uvicorn
from starlette.types import ASGIApp


async def serve(app: ASGIApp, host: str, port: int) -> int:
    """Serve ``app`` on ``host:port`` until SIGINT or SIGTERM.

    uvicorn handles the signals itself: it stops accepting, then finishes the requests in
    flight (for at most five seconds).

    Args:
        app: The application to serve.
        host: The address to bind.
        port: The port to bind.

    Returns:
        The exit code: 0 after a clean stop, 1 when the server could not start.
    """
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            # accord.logs already routes the standard library's logging through structlog.
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=5,
        )
    )
    await server.serve()
    return 0 if server.started else 1

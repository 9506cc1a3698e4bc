"""The sandbox's ASGI application: Graph's ``/v1.0`` surface, tokens, admin and the web page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from sandbox.errors import GraphError, error_body, error_response
from sandbox.gateway import ASGIApp, GraphGateway
from sandbox.routes import (
    admin,
    batch,
    botconnector,
    calendar,
    groups,
    identity,
    mail,
    subscriptions,
    users,
)
from sandbox.state import SandboxState
from sandbox.subscriptions import SubscriptionService
from sandbox.web import pages, teams_view

log = structlog.get_logger("sandbox")


def _client_request_id(request: Request) -> str | None:
    return request.headers.get("client-request-id")


async def _graph_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GraphError)  # noqa: S101 - registered for GraphError only
    return error_response(exc, _client_request_id(request))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for it only
    if exc.status_code == 404:
        segment = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        error = GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")
    elif exc.status_code == 405:
        error = GraphError(
            405, "Request_BadRequest", f"The HTTP method '{request.method}' is not allowed here."
        )
    else:
        error = GraphError(exc.status_code, "BadRequest", str(exc.detail))
    return error_response(error, _client_request_id(request))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for it only
    first = exc.errors()[0] if exc.errors() else {"loc": ["request"], "msg": "invalid"}
    where = ".".join(str(part) for part in first["loc"])
    return error_response(
        GraphError(400, "BadRequest", f"Invalid request: {where}: {first['msg']}."),
        _client_request_id(request),
    )


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    return JSONResponse(
        error_body("InternalServerError", "An internal server error occurred."),
        status_code=500,
    )


def create_app(state: SandboxState) -> ASGIApp:
    """Build the sandbox application around a state.

    Args:
        state: the sandbox's store, clock, directory and settings.

    Returns:
        The ASGI application, with Graph's gateway in front of ``/v1.0``.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Change notifications are posted by a task on the server's own event loop.
        notifications = SubscriptionService.of(state)
        notifications.start()
        try:
            yield
        finally:
            await notifications.stop()

    app = FastAPI(
        title="Accord sandbox: a local Microsoft 365",
        lifespan=lifespan,
        docs_url="/_sandbox/docs",
        openapi_url="/_sandbox/openapi.json",
        redoc_url=None,
    )
    app.state.sandbox = state
    app.add_exception_handler(GraphError, _graph_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
    # Before identity: its "/{tenant}/oauth2/..." would take the Bot Framework's token path.
    app.include_router(botconnector.router)
    app.include_router(teams_view.router)
    for module in (identity, admin, users, groups, mail, calendar, batch, subscriptions, pages):
        app.include_router(module.router)
    gateway = GraphGateway(app, state)
    # $batch sends each item back through the gateway, so items are throttled and faulted too.
    app.state.gateway = gateway
    return gateway

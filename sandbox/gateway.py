"""The ASGI layer in front of ``/v1.0``: size limits, auth, faults and throttling.

It is plain ASGI, not a Starlette middleware, because a dropped connection and an
accepted-then-failed request both need control over what reaches the socket.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import structlog

from sandbox.auth import check_access_policy
from sandbox.errors import GraphError, error_body
from sandbox.faults import Fault
from sandbox.state import SandboxState

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_MAILBOX_PATH = re.compile(r"^/v1\.0/users/([^/()]+)")
log = structlog.get_logger("sandbox.gateway")


async def _send_error(send: Send, error: GraphError, client_request_id: str | None) -> None:
    payload = json.dumps(error_body(error.code, error.message, client_request_id)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    headers += [(k.lower().encode(), v.encode()) for k, v in error.headers.items()]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _drop(send: Send) -> None:
    # Promise a body and never deliver it: the server closes the connection and the client
    # sees the peer hang up, the way a connection dropped mid-response looks.
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
    )
    await send({"type": "http.response.body", "body": b"{", "more_body": False})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class GraphGateway:
    """Wraps the sandbox app so every ``/v1.0`` request behaves as Graph's front door."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self._app = app
        self._state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/v1.0"):
            await self._app(scope, receive, send)
            return
        request_id = _header(scope, b"client-request-id")
        try:
            await self._serve(scope, receive, send, path)
        except GraphError as error:
            await _send_error(send, error, request_id)

    def _too_large(self) -> GraphError:
        return GraphError(
            413,
            "RequestEntityTooLarge",
            f"The request body exceeds the maximum of {self._state.config.max_body_bytes} bytes.",
        )

    async def _serve(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        state = self._state
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > state.config.max_body_bytes:
            raise self._too_large()
        state.tokens.verify_graph_token(_header(scope, b"authorization"))
        self._check_access_policy(path)
        fault = state.faults.draw()
        retry_after = {"Retry-After": str(state.config.faults.retry_after_seconds)}
        if fault is Fault.SERVICE_UNAVAILABLE:
            raise GraphError(503, "serviceNotAvailable", "Service unavailable.", retry_after)
        if fault is Fault.GATEWAY_TIMEOUT:
            raise GraphError(504, "GatewayTimeout", "The gateway timed out.", retry_after)
        if fault is Fault.DROP_CONNECTION:
            await _drop(send)
            return
        limited_receive = self._limit_body(receive)
        mailbox = self._mailbox(path)
        if mailbox is None:
            await self._run(scope, limited_receive, send, fault)
            return
        with state.limits.request(mailbox):
            await self._run(scope, limited_receive, send, fault)

    async def _run(self, scope: Scope, receive: Receive, send: Send, fault: Fault) -> None:
        if fault is Fault.SLOW:
            # Inside the mailbox's concurrency slot: a slow answer holds its slot, as in Exchange.
            await asyncio.sleep(self._state.config.faults.slow_seconds)
        if fault is not Fault.ACCEPTED_THEN_FAILED:
            await self._app(scope, receive, send)
            return

        async def swallow(_message: Message) -> None:
            return None

        await self._app(scope, receive, swallow)
        failure = self._state.faults.failure_after_acceptance()
        log.info("accepted_then_failed", path=scope.get("path"), failure=failure.value)
        if failure is Fault.DROP_CONNECTION:
            await _drop(send)
            return
        status, code = (503, "serviceNotAvailable")
        if failure is Fault.GATEWAY_TIMEOUT:
            status, code = (504, "GatewayTimeout")
        retry_after = {"Retry-After": str(self._state.config.faults.retry_after_seconds)}
        raise GraphError(status, code, "The service did not answer in time.", retry_after)

    def _limit_body(self, receive: Receive) -> Receive:
        limit = self._state.config.max_body_bytes
        too_large = self._too_large()
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # The app's GraphError handler renders this, as it is raised inside a route.
                    raise too_large
            return message

        return limited

    def _check_access_policy(self, path: str) -> None:
        allowed = self._state.config.allowed_senders
        if allowed is None:
            return
        match = _MAILBOX_PATH.match(path)
        user = None if match is None else self._state.directory.find_user(match.group(1))
        check_access_policy(path, allowed, user)

    def _mailbox(self, path: str) -> str | None:
        match = _MAILBOX_PATH.match(path)
        if match is None:
            return None
        user = self._state.directory.find_user(match.group(1))
        return match.group(1).lower() if user is None else str(user["id"])

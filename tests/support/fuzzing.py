"""What the fuzz tests share: sending a schemathesis case in-process, its checks, and a bridge.

Hypothesis drives plain functions, while the API's fixtures live on the session's event loop.
:func:`fuzz_on_loop` runs a ``@given`` function in a thread, and each example sends its
coroutine back to the loop, which is free while the thread runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.api import PUBLIC_URL

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


async def send_case(app: FastAPI, case: Case[Any], headers: dict[str, str]) -> httpx.Response:
    """Send a generated request to ``app`` in-process, with ``headers`` (e.g. a token)."""
    kwargs: dict[str, Any] = case.as_transport_kwargs(base_url=PUBLIC_URL, headers=headers)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        return await client.request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            headers=kwargs.get("headers"),
            json=kwargs.get("json"),
            content=kwargs.get("data") if "json" not in kwargs else None,
        )


T = TypeVar("T")


class LoopBridge:
    """Lets code in another thread await coroutines on the test's event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run ``make()`` on the loop and return its result (call from another thread)."""

        async def call() -> T:
            return await make()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout=60)


async def fuzz_on_loop(fuzz: Callable[[LoopBridge], None]) -> None:
    """Run a hypothesis-driven function in a thread, bridged to the running loop."""
    bridge = LoopBridge(asyncio.get_running_loop())
    await asyncio.to_thread(fuzz, bridge)

"""The API fixtures of tests/api, for fuzzing its public edges; and a bridge for hypothesis.

Hypothesis drives plain functions, while the API's fixtures live on the session's event loop.
:func:`fuzz_on_loop` runs a ``@given`` function in a thread, and each example sends its
coroutine back to the loop, which is free while the thread runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tests.api.conftest import (  # noqa: F401 - fixtures, used by name
    app,
    clock,
    entra,
    http,
    link_key,
    links,
    settings,
    stub_worker,
    temporal,
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

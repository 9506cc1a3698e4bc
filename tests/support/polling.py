"""Waiting for something that happens on its own time: a message arriving, a server starting."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar, cast, overload

from temporalio.testing import WorkflowEnvironment

T = TypeVar("T")


@overload
async def eventually(
    predicate: Callable[[], Awaitable[T]],
    timeout: float = ...,  # noqa: ASYNC109 - a polling deadline, not a cancellation scope
    interval: float = ...,
) -> T: ...


@overload
async def eventually(
    predicate: Callable[[], T],
    timeout: float = ...,  # noqa: ASYNC109 - as above
    interval: float = ...,
) -> T: ...


async def eventually(
    predicate: Callable[[], Awaitable[T]] | Callable[[], T],
    timeout: float = 20.0,  # noqa: ASYNC109 - a polling deadline, not a cancellation scope
    interval: float = 0.05,
) -> T:
    """Poll ``predicate`` (sync or async) until it returns something truthy, and return it.

    An exception counts as "not yet"; the last one is reported if time runs out.
    """
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            result: object = predicate()
            if inspect.isawaitable(result):
                result = await result
            if result:
                # Either T itself or what an Awaitable[T] produced, awaited just above.
                return cast(T, result)
            last = result
        except Exception as exc:
            last = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s; last result: {last!r}") from (
                last if isinstance(last, Exception) else None
            )
        await asyncio.sleep(interval)


async def when_time_has_passed(
    env: WorkflowEnvironment,
    predicate: Callable[[], Awaitable[T]],
    *,
    step: timedelta = timedelta(hours=4),
    within: timedelta = timedelta(days=5),
) -> T:
    """Move the time-skipping server on ``step`` at a time until ``predicate`` holds.

    For what waits on people's working hours: how long that is depends on the weekday and hour
    the session's server has reached, so a fixed skip would pass or fail with the calendar.
    """
    skipped = timedelta(0)
    while True:
        try:
            return await eventually(predicate, timeout=2.0)
        except AssertionError:
            if skipped >= within:
                raise
        await env.sleep(step)
        skipped += step

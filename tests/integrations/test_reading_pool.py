"""Readings run in worker processes with a time budget (issue 15: bounded-time reading)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from integrations.reading_pool import (
    ReadingFailedError,
    ReadingPool,
    ReadingTooSlowError,
    ThreadReading,
)
from tests.support.slow_reading import broken, echo, forever

BUDGET = timedelta(seconds=0.3)


@pytest.fixture(scope="module")
async def pool() -> AsyncIterator[ReadingPool]:
    """One pool of two workers for the module (workers start once)."""
    reading = ReadingPool(budget=BUDGET, processes=2, preload=("tests.support.slow_reading",))
    yield reading
    await reading.close()


async def test_a_reading_over_budget_is_stopped_and_the_pool_reads_on(pool: ReadingPool) -> None:
    first = await pool.run(echo, "a")
    start = time.perf_counter()
    with pytest.raises(ReadingTooSlowError):
        await pool.run(forever, "b")
    # The caller hears at the budget, not when the reading would have ended (never).
    assert time.perf_counter() - start < BUDGET.total_seconds() + 1.0
    # Both workers read on, the killed one replaced by a fresh process.
    answers = await asyncio.gather(*(pool.run(echo, str(n)) for n in range(4)))
    assert [answer.split(":")[0] for answer in answers] == ["0", "1", "2", "3"]
    assert first.split(":")[0] == "a"


async def test_the_loop_keeps_running_while_a_reading_spins(pool: ReadingPool) -> None:
    gaps: list[float] = []

    async def tick() -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            gaps.append(time.perf_counter() - start)

    ticker = asyncio.create_task(tick())
    with pytest.raises(ReadingTooSlowError):
        await pool.run(forever, "x")
    ticker.cancel()
    assert len(gaps) > 5
    assert max(gaps) < 0.2, max(gaps)


async def test_a_failing_reading_names_only_its_kind(pool: ReadingPool) -> None:
    with pytest.raises(ReadingFailedError) as raised:
        await pool.run(broken, "y")
    assert raised.value.kind == "ValueError"
    assert "secret" not in str(raised.value)
    assert (await pool.run(echo, "z")).startswith("z:")


async def test_on_a_thread_the_caller_still_hears_at_the_budget() -> None:
    reading = ThreadReading(budget=timedelta(seconds=0.05))
    assert await reading.run(echo, "q") != ""
    with pytest.raises(ReadingTooSlowError):
        await reading.run(time.sleep, 0.5)
    with pytest.raises(ReadingFailedError):
        await reading.run(broken, "r")


async def test_a_reading_whose_caller_went_away_frees_its_worker() -> None:
    reading = ReadingPool(budget=timedelta(seconds=30), processes=1)
    try:
        await reading.start()
        spinning = asyncio.create_task(reading.run(forever, "c"))
        await asyncio.sleep(0.2)
        spinning.cancel()
        with pytest.raises(asyncio.CancelledError):
            await spinning
        # The spinning process was killed, not handed on: the next reading gets a fresh one.
        assert (await asyncio.wait_for(reading.run(echo, "d"), 10)).startswith("d:")
    finally:
        await reading.close()

"""Readings for the reading-pool tests: a quick one, one that never ends, one that fails.

Module-level, so a worker process can be handed them by name.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

from integrations.reading_pool import ReadingPool

T = TypeVar("T")


def echo(text: str) -> str:
    """Return ``text`` and the worker's process id, to tell workers apart."""
    return f"{text}:{os.getpid()}"


def forever(_text: str) -> str:
    """Spin without end, as a pattern that never finishes would (holding the GIL)."""
    count = 0
    while True:
        count += 1


def broken(_text: str) -> str:
    """Raise, with what was read in the message."""
    raise ValueError("secret content")


class SpinningReading:
    """A reading pool where reading an email never ends: every other reading is real.

    Args:
        pool: the real pool readings run in (its budget stops the spinning ones).
        slow: the names of the functions that spin instead of reading.
    """

    def __init__(self, pool: ReadingPool, slow: frozenset[str]) -> None:
        self.pool = pool
        self.slow = slow

    async def run(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Spin in the pool for the slow functions; run anything else."""
        if function.__name__ in self.slow:
            return cast(T, await self.pool.run(forever, ""))
        return await self.pool.run(function, *args, **kwargs)

"""A short-lived cache of people's schedules, shared by one worker's activities.

A commitment reads its owner's or manager's schedule (zone, working hours, automatic replies)
before each message and whenever it re-plans, and the reads come in bursts: an answer to a
check-in re-plans the owner's next step while the manager's heads-up goes out, and the 1:1
search reads both people right after. Each read is a Graph request through the SDK, the
costliest part of such an activity. Within one worker the cache answers a repeated read of
the same person from a read at most ``ttl`` old, and lets concurrent reads of one person share
a single request.

Staleness bound: a schedule answered from the cache was read from Graph at most ``ttl``
(default :data:`SCHEDULE_TTL`, 60 seconds) before; a read that is still under way when another
starts is shared, so it is younger still. Whether someone is inside their working hours now is
still decided by the workflow at its own current time; only a *change* to the settings (an
out-of-office switched on, new hours) can go unseen, for at most ``ttl``. Exchange itself
takes about as long to show such a change everywhere, and a message sent within a minute of
someone switching their out-of-office on reaches them as it would have a minute earlier.

Failed reads are not kept: the next activity attempt asks Graph again. Entries are bounded
(least recently used first out), and only the schedule is kept: nothing of a commitment.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import timedelta

from domain.working_time import PersonSchedule

SCHEDULE_TTL = timedelta(seconds=60)
"""How old a cached schedule may be when it is answered."""
MAX_SCHEDULES = 1024
"""How many people's schedules one worker keeps at most."""


class ScheduleCache:
    """Recently read schedules by address, each kept for at most ``ttl``.

    Args:
        ttl: how long a read schedule may be answered from the cache.
        max_entries: how many schedules are kept; the least recently used go first.
        clock: seconds on a monotonic clock (tests pass their own).
    """

    def __init__(
        self,
        *,
        ttl: timedelta = SCHEDULE_TTL,
        max_entries: int = MAX_SCHEDULES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError("the cache keeps at least one schedule")
        self._ttl = ttl.total_seconds()
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, PersonSchedule]] = OrderedDict()
        self._reading: dict[str, asyncio.Future[PersonSchedule]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    async def read(
        self, email: str, fetch: Callable[[], Awaitable[PersonSchedule]]
    ) -> PersonSchedule:
        """Return someone's schedule, read at most ``ttl`` ago, or read it with ``fetch``.

        Args:
            email: the person's address (compared without regard to case).
            fetch: reads the schedule from Graph; its errors reach every caller waiting on
                that read, and nothing is kept.

        Returns:
            The schedule.
        """
        key = email.strip().lower()
        cached = self._fresh(key)
        if cached is not None:
            return cached
        reading = self._reading.get(key)
        if reading is None:
            reading = asyncio.ensure_future(self._read_and_keep(key, fetch))
            reading.add_done_callback(_retrieve_failure)
            self._reading[key] = reading
        # Shielded: one caller giving up (its activity cancelled) must not cancel the read
        # the others are waiting for.
        return await asyncio.shield(reading)

    def _fresh(self, key: str) -> PersonSchedule | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        read_at, schedule = entry
        age = self._clock() - read_at
        if age < 0 or age >= self._ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return schedule

    async def _read_and_keep(
        self, key: str, fetch: Callable[[], Awaitable[PersonSchedule]]
    ) -> PersonSchedule:
        # The age counts from before the request: Graph answered with what it knew then.
        started = self._clock()
        try:
            schedule = await fetch()
        finally:
            del self._reading[key]
        if self._ttl > 0:
            self._entries[key] = (started, schedule)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return schedule


def _retrieve_failure(reading: asyncio.Future[PersonSchedule]) -> None:
    # Every waiter may have been cancelled before a failed read ended; its error was then
    # seen by nobody, which asyncio would report as never retrieved.
    if not reading.cancelled():
        reading.exception()

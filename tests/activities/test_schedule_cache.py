"""The worker's short-lived cache of schedules: freshness, sharing, failures, bounds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from msgraph.graph_service_client import GraphServiceClient
from temporalio.testing import ActivityEnvironment

from activities.calendar.activities import CalendarActivities
from activities.calendar.contracts import SlotSearch
from activities.directory.activities import DirectoryActivities
from activities.directory.contracts import ScheduleLookup
from activities.directory.schedule_cache import ScheduleCache
from domain.models import Person
from domain.working_time import PersonSchedule
from sandbox.config import LimitsConfig
from sandbox.limits import MailboxLimits
from sandbox.server import SandboxServer
from tests.support.people import MANAGER, SAM


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Reads:
    """Counts the reads a cache makes; each answers a schedule in a zone of its own."""

    def __init__(self) -> None:
        self.count = 0
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self) -> PersonSchedule:
        self.count += 1
        await self.release.wait()
        return PersonSchedule.from_graph({"timeZone": "UTC" if self.count == 1 else "Asia/Tokyo"})


def _cache(clock: Clock, **options: object) -> ScheduleCache:
    return ScheduleCache(ttl=timedelta(seconds=60), clock=clock, **options)  # type: ignore[arg-type]


async def test_a_read_within_the_ttl_is_answered_from_the_cache() -> None:
    clock, reads = Clock(), Reads()
    cache = _cache(clock)
    first = await cache.read(SAM, reads)
    clock.now += 59.9
    assert await cache.read(SAM.upper(), reads) == first
    assert reads.count == 1


async def test_a_read_older_than_the_ttl_is_read_again() -> None:
    clock, reads = Clock(), Reads()
    cache = _cache(clock)
    await cache.read(SAM, reads)
    clock.now += 60
    assert (await cache.read(SAM, reads)).time_zone == "Asia/Tokyo"
    assert reads.count == 2


async def test_a_clock_that_went_back_does_not_make_a_schedule_fresh() -> None:
    clock, reads = Clock(), Reads()
    cache = _cache(clock)
    await cache.read(SAM, reads)
    clock.now -= 1
    await cache.read(SAM, reads)
    assert reads.count == 2


async def test_concurrent_reads_of_one_person_share_one_request() -> None:
    clock, reads = Clock(), Reads()
    reads.release.clear()
    cache = _cache(clock)
    waiting = [asyncio.create_task(cache.read(SAM, reads)) for _ in range(5)]
    await asyncio.sleep(0)
    reads.release.set()
    answers = await asyncio.gather(*waiting)
    assert reads.count == 1
    assert len(set(answers)) == 1


async def test_one_cancelled_reader_does_not_cancel_the_others() -> None:
    clock, reads = Clock(), Reads()
    reads.release.clear()
    cache = _cache(clock)
    given_up = asyncio.create_task(cache.read(SAM, reads))
    waiting = asyncio.create_task(cache.read(SAM, reads))
    await asyncio.sleep(0)
    given_up.cancel()
    reads.release.set()
    assert (await waiting).time_zone == "Etc/UTC"
    assert given_up.cancelled()


async def test_a_failed_read_is_not_kept() -> None:
    clock, reads = Clock(), Reads()
    cache = _cache(clock)

    async def failing() -> PersonSchedule:
        raise RuntimeError("Graph is away")

    with pytest.raises(RuntimeError):
        await cache.read(SAM, failing)
    assert len(cache) == 0
    assert (await cache.read(SAM, reads)).time_zone == "Etc/UTC"


async def test_the_least_recently_used_go_first() -> None:
    clock, reads = Clock(), Reads()
    cache = _cache(clock, max_entries=2)
    for person in ("a@x.example", "b@x.example", "a@x.example", "c@x.example"):
        await cache.read(person, reads)
    assert len(cache) == 2
    await cache.read("a@x.example", reads)
    await cache.read("b@x.example", reads)
    assert reads.count == 4


async def test_a_zero_ttl_keeps_nothing() -> None:
    cache = ScheduleCache(ttl=timedelta(0))
    reads = Reads()
    await cache.read(SAM, reads)
    await cache.read(SAM, reads)
    assert reads.count == 2
    assert len(cache) == 0


def test_a_cache_keeps_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ScheduleCache(max_entries=0)


class CountingLimits(MailboxLimits):
    """The sandbox's limits, counting the Graph requests it serves."""

    def __init__(self, config: Callable[[], LimitsConfig]) -> None:
        super().__init__(config)
        self.requests = 0

    @contextmanager
    def request(self, mailbox: str) -> Iterator[None]:
        self.requests += 1
        with super().request(mailbox):
            yield


async def test_the_activities_share_the_workers_cache(
    graph: GraphServiceClient, sandbox: SandboxServer
) -> None:
    state = sandbox.state
    assert state is not None
    counting = CountingLimits(lambda: state.config.limits)
    state.limits = counting
    schedules = ScheduleCache()
    directory = DirectoryActivities(graph, schedules=schedules)
    calendar = CalendarActivities(graph, schedules=schedules, clock=state.clock.now)
    for person in (SAM, MANAGER, SAM):
        await ActivityEnvironment().run(directory.get_person_schedule, ScheduleLookup(email=person))
    assert counting.requests == 2
    search = SlotSearch(
        organizer=Person(email=MANAGER, display_name="Maya Chen"),
        attendee=Person(email=SAM, display_name="Sam Okafor"),
        not_before=state.clock.now(),
    )
    await ActivityEnvironment().run(calendar.find_meeting_slot, search)
    # Both schedules came from the cache; only the free/busy view was asked of Graph.
    assert counting.requests == 3

"""Finding a meeting time that suits everyone, from Graph's ``getSchedule`` results.

Graph's ``findMeetingTimes`` has no application permission, so an app-only service finds
slots itself: from each person's ``availabilityView`` (one digit per interval: 0 free,
1 tentative, 2 busy, 3 out of office, 4 working elsewhere) and their mailbox settings. Only
0 counts as free; time past the end of a view is unknown, so it counts as busy too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import Field

from domain.models import DomainModel, TimeSlot, UtcDatetime
from domain.working_time import PersonSchedule, TimeRange, intersect_ranges, reachable_periods

FREE = "0"
DEFAULT_MEETING_LENGTH = timedelta(minutes=30)
DEFAULT_SEARCH_WORKING_DAYS = 5
DEFAULT_GRANULARITY = timedelta(minutes=15)
"""Meetings start on the quarter hour, which is also whole in every zone's local time."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ScheduleAvailability(DomainModel):
    """One person's free/busy view from ``getSchedule``, over the window that was asked for.

    Attributes:
        availability_view: one digit per interval, from ``start``.
        start: the start of the requested window (the request's ``startTime``).
        interval: the request's ``availabilityViewInterval``.
    """

    availability_view: Annotated[str, Field(pattern=r"^[0-4]*$")]
    start: UtcDatetime
    interval: Annotated[timedelta, Field(gt=timedelta(0))]

    @classmethod
    def from_graph(
        cls, schedule_information: Mapping[str, Any], window_start: datetime, interval_minutes: int
    ) -> ScheduleAvailability:
        """Read one ``scheduleInformation`` item of a ``getSchedule`` response.

        Args:
            schedule_information: one element of the response's ``value``.
            window_start: the ``startTime`` the request asked for, timezone-aware.
            interval_minutes: the request's ``availabilityViewInterval``.

        Returns:
            The availability.

        Raises:
            ValueError: when Graph reported an error for this schedule or sent no view.
        """
        error = schedule_information.get("error")
        if error:
            raise ValueError(f"Graph could not read this schedule: {error}")
        view = schedule_information.get("availabilityView")
        if not isinstance(view, str):
            raise ValueError("the schedule has no availabilityView")
        return cls(
            availability_view=view,
            start=window_start,
            interval=timedelta(minutes=interval_minutes),
        )

    @property
    def end(self) -> datetime:
        """Where the view stops; nothing is known after it."""
        return self.start + self.interval * len(self.availability_view)

    def free_ranges(self) -> list[TimeRange]:
        """Return the free stretches of the view, adjacent free intervals merged."""
        ranges: list[TimeRange] = []
        for index, code in enumerate(self.availability_view):
            if code != FREE:
                continue
            start = self.start + self.interval * index
            end = start + self.interval
            if ranges and ranges[-1][1] == start:
                ranges[-1] = (ranges[-1][0], end)
            else:
                ranges.append((start, end))
        return ranges


class Participant(DomainModel):
    """Someone who must attend: what their calendar says, and when they work."""

    availability: ScheduleAvailability
    schedule: PersonSchedule


def find_common_slot(
    participants: Sequence[Participant],
    not_before: datetime,
    *,
    length: timedelta = DEFAULT_MEETING_LENGTH,
    working_days: int = DEFAULT_SEARCH_WORKING_DAYS,
    exclude: Iterable[TimeSlot] = (),
    granularity: timedelta = DEFAULT_GRANULARITY,
) -> TimeSlot | None:
    """Find the earliest slot when every participant is free, working and not away.

    Each person is searched over their own next ``working_days`` working days from
    ``not_before``, so a slot lies within everyone's horizon.

    Args:
        participants: who must attend, typically the owner and their manager.
        not_before: the earliest acceptable start, timezone-aware.
        length: how long the meeting lasts.
        working_days: how many of each person's working days to search (today included).
        exclude: slots already declined; no proposal overlaps them.
        granularity: proposed starts are whole multiples of this (in UTC).

    Returns:
        The slot, in UTC, or ``None`` when there is none.

    Raises:
        ValueError: when there are no participants, or the length or granularity is not
            positive.
    """
    if not participants:
        raise ValueError("a meeting needs at least one participant")
    if length <= timedelta(0) or granularity <= timedelta(0):
        raise ValueError("length and granularity must be positive")
    common: list[TimeRange] | None = None
    for person in participants:
        working = [
            (period.start, period.end)
            for period in reachable_periods(not_before, working_days, person.schedule)
        ]
        available = intersect_ranges(person.availability.free_ranges(), working)
        common = available if common is None else intersect_ranges(common, available)
    declined = sorted((slot.start, slot.end) for slot in exclude)
    for start, end in _subtract(common or [], declined):
        candidate = _round_up(start, granularity)
        if candidate + length <= end:
            return TimeSlot(start=candidate, end=candidate + length)
    return None


def _subtract(ranges: list[TimeRange], holes: list[TimeRange]) -> list[TimeRange]:
    """Remove ordered ``holes`` (which may overlap one another) from ordered ``ranges``."""
    result = []
    for start, end in ranges:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
        if cursor < end:
            result.append((cursor, end))
    return result


def _round_up(at: datetime, step: timedelta) -> datetime:
    steps = -((_EPOCH - at) // step)
    return _EPOCH + steps * step


MAX_EDGE_STRETCH = timedelta(hours=2)
"""How far past someone's working day an edge slot may reach; further is not humane."""


def find_edge_slot(
    participants: Sequence[Participant],
    not_before: datetime,
    *,
    length: timedelta = DEFAULT_MEETING_LENGTH,
    working_days: int = DEFAULT_SEARCH_WORKING_DAYS,
    exclude: Iterable[TimeSlot] = (),
    max_stretch: timedelta = MAX_EDGE_STRETCH,
) -> TimeSlot | None:
    """Find a slot at the edge of two people's days, for two whose working hours never meet.

    Each candidate lies inside one person's reachable time, at the start or the end of their
    day, and reaches as little as possible past the other's: the other's day is *stretched*
    by the time from the slot's start to their day's start (or from their day's end to the
    slot's end). The least stretch wins, then the earliest start. Both people must be free
    (``0`` in their view) for the whole slot.

    Args:
        participants: exactly two people, typically the manager and the owner.
        not_before: the earliest acceptable start, timezone-aware.
        length: how long the meeting lasts.
        working_days: how many of each person's working days to search.
        exclude: slots already declined; no proposal overlaps them.
        max_stretch: the most one person's day may be stretched.

    Returns:
        The slot in UTC, or ``None`` when no candidate stretches a day by ``max_stretch`` or
        less.

    Raises:
        ValueError: when there are not exactly two participants, or the length is not
            positive.
    """
    if len(participants) != 2:
        raise ValueError("an edge slot is between exactly two people")
    if length <= timedelta(0):
        raise ValueError("length must be positive")
    periods = [
        [(p.start, p.end) for p in reachable_periods(not_before, working_days, person.schedule)]
        for person in participants
    ]
    free = [person.availability.free_ranges() for person in participants]
    declined = [(slot.start, slot.end) for slot in exclude]
    best: tuple[timedelta, datetime] | None = None
    for own, other in ((0, 1), (1, 0)):
        for start, end in periods[own]:
            for candidate in (start, end - length):
                if candidate < start or candidate + length > end or candidate < not_before:
                    continue
                stretch = _stretch(candidate, candidate + length, periods[other])
                if stretch > max_stretch:
                    continue
                slot = (candidate, candidate + length)
                if not all(_inside(slot, ranges) for ranges in free):
                    continue
                if any(slot[0] < d_end and d_start < slot[1] for d_start, d_end in declined):
                    continue
                if best is None or (stretch, candidate) < best:
                    best = (stretch, candidate)
    if best is None:
        return None
    return TimeSlot(start=best[1], end=best[1] + length)


def _stretch(start: datetime, end: datetime, periods: list[TimeRange]) -> timedelta:
    """How far a person's nearest reachable period must grow to hold ``start``-``end``."""
    nearest = timedelta.max
    for period_start, period_end in periods:
        grow = max(period_start - start, timedelta(0)) + max(end - period_end, timedelta(0))
        nearest = min(nearest, grow)
    return nearest


def _inside(slot: TimeRange, ranges: list[TimeRange]) -> bool:
    return any(start <= slot[0] and slot[1] <= end for start, end in ranges)

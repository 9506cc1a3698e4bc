"""Finding a manager's regular 1:1 with each report in their calendar. Pure.

A regular 1:1 is an event series (occurrences of one series master) with exactly two
people: the manager and one direct report, either of them organising. Anyone else invited
(a third person) makes it a different meeting; a room booked for it does not. A series
either of the two declined is not one they hold. Cancelled occurrences never count. For
each report, the next occurrence of their 1:1 is what the agenda is prepared for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import Field

from domain.models import DomainModel, UtcDatetime

DECLINED = "declined"


class Attendance(DomainModel):
    """One person on an occurrence, and their answer as the calendar records it."""

    email: str
    response: str = "none"
    resource: bool = False
    """A room or equipment: not a person, so not a third participant."""


class CalendarOccurrence(DomainModel):
    """One occurrence (or single event) from the manager's calendarView.

    ``series_id`` is Graph's ``seriesMasterId``; ``None`` for a single event.
    ``attendees`` are the invitees (the organizer is named separately); ``own_response`` is
    the manager's own answer on their copy.
    """

    event_id: str
    series_id: str | None = None
    start: UtcDatetime
    end: UtcDatetime
    organizer: str
    attendees: tuple[Attendance, ...] = ()
    own_response: str = "none"
    is_cancelled: bool = False
    subject: str = ""


class OneOnOne(DomainModel):
    """The next occurrence of a manager's regular 1:1 with one report."""

    manager: str
    report: str
    series_id: str
    event_id: str
    start: UtcDatetime
    end: UtcDatetime
    previous_start: UtcDatetime | None = None
    """The series' occurrence before this one, when the occurrences given include it."""


class OneOnOneSearch(DomainModel):
    """What was found: each report's next 1:1, and the reports without one."""

    found: list[OneOnOne] = Field(default_factory=list)
    without: list[str] = Field(default_factory=list)


def _people(occurrence: CalendarOccurrence) -> set[str]:
    invited = {a.email.lower() for a in occurrence.attendees if not a.resource}
    return {occurrence.organizer.lower()} | invited


def one_on_one_report(
    occurrence: CalendarOccurrence, manager: str, reports: set[str]
) -> str | None:
    """Return the report an occurrence is a regular 1:1 with, or ``None``.

    Args:
        occurrence: one occurrence from the manager's calendar.
        manager: the manager's address (lower case).
        reports: the manager's direct reports' addresses (lower case).

    Returns:
        The report's address when the occurrence belongs to a series with just the two of
        them, neither having declined; else ``None``.
    """
    if occurrence.series_id is None or occurrence.is_cancelled:
        return None
    people = _people(occurrence)
    if len(people) != 2 or manager not in people:
        return None
    (other,) = people - {manager}
    if other not in reports:
        return None
    if occurrence.own_response == DECLINED:
        return None
    if any(a.response == DECLINED for a in occurrence.attendees if not a.resource):
        return None
    return other


def find_one_on_ones(
    manager: str,
    reports: Iterable[str],
    occurrences: Iterable[CalendarOccurrence],
    *,
    now: datetime,
) -> OneOnOneSearch:
    """Find each report's next regular 1:1 with their manager.

    Args:
        manager: the manager's address.
        reports: their direct reports' addresses.
        occurrences: the manager's calendarView over the coming weeks (occurrences expanded).
        now: the current instant; occurrences that started before it are past.

    Returns:
        Per report, the earliest occurrence still to come (ties: the lower event id), and
        the reports (sorted) with no regular 1:1 in the occurrences given.
    """
    me = manager.lower()
    wanted = {report.lower() for report in reports} - {me}
    upcoming: dict[str, OneOnOne] = {}
    held: set[str] = set()
    starts: dict[str, list[datetime]] = {}
    for occurrence in occurrences:
        report = one_on_one_report(occurrence, me, wanted)
        if report is None:
            continue
        held.add(report)
        starts.setdefault(occurrence.series_id or "", []).append(occurrence.start)
        if occurrence.start < now:
            continue
        candidate = OneOnOne(
            manager=me,
            report=report,
            series_id=occurrence.series_id or "",
            event_id=occurrence.event_id,
            start=occurrence.start,
            end=occurrence.end,
        )
        current = upcoming.get(report)
        if current is None or (candidate.start, candidate.event_id) < (
            current.start,
            current.event_id,
        ):
            upcoming[report] = candidate
    found = []
    for report in sorted(upcoming):
        chosen = upcoming[report]
        earlier = [at for at in starts[chosen.series_id] if at < chosen.start]
        found.append(chosen.model_copy(update={"previous_start": max(earlier, default=None)}))
    return OneOnOneSearch(
        found=found,
        without=sorted(wanted - held),
    )

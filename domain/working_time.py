"""When a person can be reached: working hours and automatic replies from Graph's mailboxSettings.

Every function takes the instants it reasons about as parameters and returns aware UTC
datetimes. Working hours are wall-clock times in the working-hours zone, so a 09:00 start stays
09:00 local across daylight-saving changes. An end at or before the start means the hours run
past midnight into the next day (equal start and end: round the clock).

Automatic replies:

* ``scheduled``: the person is away from the scheduled start (inclusive) to the end
  (exclusive); time inside that window does not count as working time.
* ``alwaysEnabled``: away with no known return. :func:`next_reachable` returns ``None``
  ("not until they turn it off") and :func:`reachable_periods` returns nothing. The
  counting functions (:func:`add_working_time`, :func:`working_days_ahead`) ignore it, because
  an open-ended absence has no end to count past; check :func:`is_out_of_office` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Annotated, Any, Literal, Self, get_args
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from domain.models import DomainModel, TimeSlot, UtcDatetime
from domain.timezones import ZoneName, resolve_zone, zone_key

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
AutoReplyStatus = Literal["disabled", "alwaysEnabled", "scheduled"]

DEFAULT_WORKING_DAYS: tuple[Weekday, ...] = WEEKDAYS[:5]
DEFAULT_START = time(8)
DEFAULT_END = time(17)
"""Outlook's own defaults, used when a mailbox has no working hours."""

_ONE_DAY = timedelta(days=1)
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
TimeRange = tuple[datetime, datetime]


def _weekdays_in_order(value: Any) -> Any:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple | set | frozenset):
        return value
    names = {str(day).strip().lower() for day in value}
    unknown = names.difference(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekday(s): {sorted(unknown)}")
    # A fixed order keeps serialised schedules identical from one process to the next.
    return tuple(day for day in WEEKDAYS if day in names)


def _wall_clock_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("working hours are wall-clock times; give the zone in time_zone")
    return value


WallClockTime = Annotated[time, AfterValidator(_wall_clock_time)]


class WorkingHours(DomainModel):
    """The days and hours someone works, as Graph's ``workingHours`` describes them.

    ``days_of_week`` is kept in calendar order, Monday first.
    """

    days_of_week: Annotated[
        tuple[Weekday, ...], BeforeValidator(_weekdays_in_order), Field(min_length=1)
    ]
    start_time: WallClockTime
    end_time: WallClockTime
    time_zone: ZoneName

    @property
    def zone(self) -> ZoneInfo:
        """The zone the hours are given in."""
        return resolve_zone(self.time_zone)

    @property
    def day_length(self) -> timedelta:
        """The nominal length of one working day (ignoring daylight-saving shifts)."""
        start = datetime.combine(date.min, self.start_time)
        end = datetime.combine(date.min, self.end_time)
        return end - start if end > start else end + _ONE_DAY - start


class AutomaticReplies(DomainModel):
    """Graph's ``automaticRepliesSetting``: whether the person has said they are away."""

    status: AutoReplyStatus = "disabled"
    scheduled_start: UtcDatetime | None = None
    scheduled_end: UtcDatetime | None = None

    @model_validator(mode="after")
    def _scheduled_needs_a_window(self) -> Self:
        if self.status == "scheduled":
            if self.scheduled_start is None or self.scheduled_end is None:
                raise ValueError("scheduled automatic replies need a start and an end")
            if self.scheduled_end <= self.scheduled_start:
                raise ValueError("scheduled automatic replies must end after they start")
        return self

    @property
    def scheduled_absence(self) -> TimeSlot | None:
        """The scheduled away window, when the status is ``scheduled``."""
        start, end = self.scheduled_start, self.scheduled_end
        if self.status != "scheduled" or start is None or end is None:
            return None
        return TimeSlot(start=start, end=end)


NON_PERSONAL_PURPOSES = frozenset({"shared", "room", "equipment"})
"""Graph ``userPurpose`` values of mailboxes that are no one person's."""


class PersonSchedule(DomainModel):
    """What Accord knows about someone's time: their zone, working hours and absence."""

    time_zone: ZoneName
    working_hours: WorkingHours
    automatic_replies: AutomaticReplies = AutomaticReplies()
    language: str = ""
    """The mailbox's locale as Graph names it (e.g. ``de-DE``); empty when not set."""
    mailbox_purpose: str = "user"
    """Graph's ``userPurpose``: ``user`` for a person's own mailbox; ``shared``, ``room`` or
    ``equipment`` for a mailbox no one person answers for."""

    @property
    def is_personal(self) -> bool:
        """Whether one person answers this mailbox (a shared, room or equipment one is not)."""
        return self.mailbox_purpose not in NON_PERSONAL_PURPOSES

    @property
    def zone(self) -> ZoneInfo:
        """The zone the person reads times in (their mailbox's zone)."""
        return resolve_zone(self.time_zone)

    @classmethod
    def from_graph(cls, mailbox_settings: Mapping[str, Any]) -> PersonSchedule:
        """Build a schedule from Graph's ``mailboxSettings`` JSON (camelCase, as REST returns).

        Missing working hours fall back to Monday-Friday 08:00-17:00 in the mailbox's zone. A
        working-hours zone Accord cannot resolve (Graph's "Customized Time Zone") falls back
        to the mailbox's zone, and a missing or unknown mailbox zone to the working-hours
        zone, then UTC.

        Args:
            mailbox_settings: the body of ``GET /users/{id}/mailboxSettings``.

        Returns:
            The schedule.

        Raises:
            pydantic.ValidationError: when the settings are present but malformed.
            ValueError: when a date-time in the settings cannot be read.
        """
        hours = mailbox_settings.get("workingHours") or {}
        hours_zone = _known_zone(_zone_name(hours.get("timeZone")))
        person_zone = _known_zone(mailbox_settings.get("timeZone")) or hours_zone or "UTC"
        replies = mailbox_settings.get("automaticRepliesSetting") or {}
        locale = (mailbox_settings.get("language") or {}).get("locale")
        purpose = mailbox_settings.get("userPurpose")
        return cls(
            language=locale if isinstance(locale, str) else "",
            mailbox_purpose=purpose if isinstance(purpose, str) and purpose else "user",
            time_zone=person_zone,
            working_hours=WorkingHours(
                days_of_week=hours.get("daysOfWeek") or DEFAULT_WORKING_DAYS,
                start_time=_graph_time(hours.get("startTime")) or DEFAULT_START,
                end_time=_graph_time(hours.get("endTime")) or DEFAULT_END,
                time_zone=hours_zone or person_zone,
            ),
            automatic_replies=AutomaticReplies(
                status=replies.get("status") or "disabled",
                scheduled_start=_graph_datetime(replies.get("scheduledStartDateTime")),
                scheduled_end=_graph_datetime(replies.get("scheduledEndDateTime")),
            ),
        )


def _zone_name(time_zone_base: Any) -> Any:
    # Graph's timeZoneBase is an object with a name; be lenient about a bare string.
    if isinstance(time_zone_base, Mapping):
        return time_zone_base.get("name")
    return time_zone_base


def _known_zone(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return zone_key(name)
    except ValueError:
        return None


def _graph_time(value: Any) -> time | None:
    if not value:
        return None
    # Graph writes seven fractional digits ("08:00:00.0000000"); seconds are plenty here.
    return time.fromisoformat(str(value).split(".")[0])


def _graph_datetime(value: Any) -> datetime | None:
    """Read Graph's ``dateTimeTimeZone``: a wall-clock ``dateTime`` plus a ``timeZone`` name."""
    if not isinstance(value, Mapping) or not value.get("dateTime"):
        return None
    # Graph writes seven fractional digits; Python reads at most six.
    text = _LONG_FRACTION.sub(r"\1", str(value["dateTime"]))
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=resolve_zone(value.get("timeZone") or "UTC"))
    return parsed.astimezone(UTC)


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return at.astimezone(UTC)


def _windows_from_day(hours: WorkingHours, first_day: date) -> Iterator[TimeRange]:
    """Yield each working day's hours as UTC ranges, in order, from a local date onwards."""
    zone = hours.zone
    runs_past_midnight = hours.end_time <= hours.start_time
    day = first_day
    while True:
        if WEEKDAYS[day.weekday()] in hours.days_of_week:
            start = datetime.combine(day, hours.start_time, tzinfo=zone).astimezone(UTC)
            end_day = day + _ONE_DAY if runs_past_midnight else day
            end = datetime.combine(end_day, hours.end_time, tzinfo=zone).astimezone(UTC)
            # A window can vanish only when both ends fall in a daylight-saving gap.
            if end > start:
                yield start, end
        day += _ONE_DAY


def _windows_ending_after(at: datetime, hours: WorkingHours) -> Iterator[TimeRange]:
    # Start a day early: yesterday's hours may run past midnight into today.
    first_day = at.astimezone(hours.zone).date() - _ONE_DAY
    return (window for window in _windows_from_day(hours, first_day) if window[1] > at)


def _without_absence(window: TimeRange, absence: TimeSlot | None) -> list[TimeRange]:
    start, end = window
    if absence is None or absence.end <= start or end <= absence.start:
        return [window]
    parts = []
    if start < absence.start:
        parts.append((start, absence.start))
    if absence.end < end:
        parts.append((absence.end, end))
    return parts


def _reachable_days(
    at: datetime, hours: WorkingHours, absence: TimeSlot | None
) -> Iterator[tuple[datetime, list[TimeRange]]]:
    """Yield each working day with reachable time from ``at`` on: its start and its parts.

    Parts are clipped to ``at`` and cut around the absence; days spent wholly away are left
    out, and an absence is jumped in one step rather than walked day by day (it may run for
    years).
    """
    for window_start, window_end in _windows_ending_after(at, hours):
        start = max(window_start, at)
        if absence is not None and absence.start <= start and window_end <= absence.end:
            yield from _reachable_days(absence.end, hours, None)
            return
        yield window_start, _without_absence((start, window_end), absence)


def is_out_of_office(at: datetime, schedule: PersonSchedule) -> bool:
    """Tell whether the person's automatic replies say they are away at an instant.

    Args:
        at: the instant, timezone-aware.
        schedule: the person's schedule.

    Returns:
        True during a scheduled absence, and always while replies are ``alwaysEnabled``.
    """
    replies = schedule.automatic_replies
    if replies.status == "alwaysEnabled":
        return True
    absence = replies.scheduled_absence
    return absence is not None and absence.start <= _utc(at) < absence.end


def is_within_working_hours(at: datetime, schedule: PersonSchedule) -> bool:
    """Tell whether an instant falls inside the person's working hours (absence aside).

    Args:
        at: the instant, timezone-aware.
        schedule: the person's schedule.

    Returns:
        True inside working hours.
    """
    at = _utc(at)
    start, end = next(_windows_ending_after(at, schedule.working_hours))
    return start <= at < end


def is_reachable(at: datetime, schedule: PersonSchedule) -> bool:
    """Tell whether the person is working and not away at an instant.

    Args:
        at: the instant, timezone-aware.
        schedule: the person's schedule.

    Returns:
        True inside working hours and outside any out-of-office.
    """
    return is_within_working_hours(at, schedule) and not is_out_of_office(at, schedule)


def next_reachable(at: datetime, schedule: PersonSchedule) -> datetime | None:
    """Find the first instant at or after ``at`` when the person is reachable.

    Args:
        at: where to start looking, timezone-aware.
        schedule: the person's schedule.

    Returns:
        The instant in UTC (``at`` itself when already reachable), or ``None`` while automatic
        replies are ``alwaysEnabled``: there is no known return until they are turned off.
    """
    if schedule.automatic_replies.status == "alwaysEnabled":
        return None
    absence = schedule.automatic_replies.scheduled_absence
    _day_start, parts = next(_reachable_days(_utc(at), schedule.working_hours, absence))
    return parts[0][0]


def add_working_time(start: datetime, duration: timedelta, schedule: PersonSchedule) -> datetime:
    """Add a duration counted only in the person's working time (a grace period, say).

    Time in a scheduled absence does not count; ``alwaysEnabled`` replies are ignored (see the
    module notes). The result can be the very end of a working day: the time is used up there.

    Args:
        start: where counting starts, timezone-aware.
        duration: how much working time to add; not negative.
        schedule: the person's schedule.

    Returns:
        The instant in UTC when that much working time has passed.

    Raises:
        ValueError: when the duration is negative.
    """
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    start = _utc(start)
    remaining = duration
    if not remaining:
        return start
    absence = schedule.automatic_replies.scheduled_absence
    for _day_start, parts in _reachable_days(start, schedule.working_hours, absence):
        for part_start, part_end in parts:
            if remaining <= part_end - part_start:
                return part_start + remaining
            remaining -= part_end - part_start
    raise AssertionError("unreachable: working days never run out")  # pragma: no cover


def working_days_ahead(start: datetime, days: int, schedule: PersonSchedule) -> datetime:
    """Find the start of the person's ``days``-th working day after the local date of ``start``.

    Only days on which the person is reachable at some point count; a day partly covered by a
    scheduled absence counts from the moment they are back. ``alwaysEnabled`` replies are
    ignored (see the module notes). Tuesday 14:00 plus one working day is Wednesday at the
    start of working hours; Friday evening plus one is Monday morning.

    Args:
        start: where counting starts, timezone-aware.
        days: how many working days ahead; at least 1.
        schedule: the person's schedule.

    Returns:
        The first reachable instant of that working day, in UTC.

    Raises:
        ValueError: when ``days`` is less than 1.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    hours = schedule.working_hours
    zone = hours.zone
    absence = schedule.automatic_replies.scheduled_absence
    next_day = _utc(start).astimezone(zone).date() + _ONE_DAY
    midnight = datetime.combine(next_day, time(0), tzinfo=zone).astimezone(UTC)
    later_days = (
        parts
        for day_start, parts in _reachable_days(midnight, hours, absence)
        if day_start.astimezone(zone).date() >= next_day
    )
    for counted, parts in enumerate(later_days, start=1):
        if counted == days:
            return parts[0][0]
    raise AssertionError("unreachable: working days never run out")  # pragma: no cover


def reachable_periods(
    start: datetime, working_days: int, schedule: PersonSchedule
) -> list[TimeSlot]:
    """List when the person is reachable over their next working days, from ``start`` on.

    Args:
        start: where to start, timezone-aware; a working day in progress counts as the first.
        working_days: how many working days to cover (days spent wholly away do not count);
            at least 1.
        schedule: the person's schedule.

    Returns:
        The reachable periods in order, in UTC; empty while replies are ``alwaysEnabled``.

    Raises:
        ValueError: when ``working_days`` is less than 1.
    """
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    if schedule.automatic_replies.status == "alwaysEnabled":
        return []
    absence = schedule.automatic_replies.scheduled_absence
    days = _reachable_days(_utc(start), schedule.working_hours, absence)
    return [
        TimeSlot(start=part_start, end=part_end)
        for _day_start, parts in islice(days, working_days)
        for part_start, part_end in parts
    ]


def intersect_ranges(first: list[TimeRange], second: list[TimeRange]) -> list[TimeRange]:
    """Intersect two ordered lists of disjoint ranges (one pass over both).

    Args:
        first: ordered, disjoint ranges.
        second: ordered, disjoint ranges.

    Returns:
        The ranges inside both, in order.
    """
    result = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start < end:
            result.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return result

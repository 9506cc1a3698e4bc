"""Check-in cadence for a commitment, and gentle reminders for an unanswered expectation."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.working_time import PersonSchedule, add_working_time, next_reachable

DAILY = timedelta(days=1)
EVERY_TWO_DAYS = timedelta(days=2)
EVERY_THREE_DAYS = timedelta(days=3)
WEEKLY = timedelta(weeks=1)

REMINDER_AFTER_WORKING_DAYS: tuple[int, ...] = (1, 3)
"""An unanswered expectation is mentioned again after one, then three, working days; never more."""
REMINDER_LIMIT = len(REMINDER_AFTER_WORKING_DAYS)


def default_cadence(created_at: datetime, due: datetime) -> timedelta:
    """Choose how often to check in, from how long the commitment runs.

    The rule, by the span from creation to due date:

    * up to 3 days: daily;
    * up to 1 week: every 2 days;
    * up to 3 weeks: every 3 days;
    * longer: weekly.

    Short commitments leave little room to recover, so they hear from Accord more often; long
    ones would be nagged by anything closer than weekly.

    Args:
        created_at: when the commitment was created, timezone-aware.
        due: when it is due, timezone-aware.

    Returns:
        The interval between check-ins.

    Raises:
        ValueError: when ``due`` is not after ``created_at``.
    """
    span = due - created_at
    if span <= timedelta(0):
        raise ValueError("due must be after created_at")
    if span <= timedelta(days=3):
        return DAILY
    if span <= timedelta(weeks=1):
        return EVERY_TWO_DAYS
    if span <= timedelta(weeks=3):
        return EVERY_THREE_DAYS
    return WEEKLY


def check_in_times(
    created_at: datetime, due: datetime, cadence: timedelta | None = None
) -> list[datetime]:
    """List the nominal check-in times: every ``cadence`` after creation, strictly before due.

    These ignore the owner's working hours; see :func:`reachable_check_in_times`.

    Args:
        created_at: when the commitment was created, timezone-aware.
        due: when it is due, timezone-aware.
        cadence: the interval; ``None`` uses :func:`default_cadence`.

    Returns:
        The times in order (possibly none, for a commitment shorter than its cadence).

    Raises:
        ValueError: when the cadence is not positive or ``due`` is not after ``created_at``.
    """
    if cadence is None:
        cadence = default_cadence(created_at, due)
    if cadence <= timedelta(0):
        raise ValueError("cadence must be positive")
    times = []
    at = created_at + cadence
    while at < due:
        times.append(at)
        at += cadence
    return times


def reachable_check_in_times(
    created_at: datetime,
    due: datetime,
    schedule: PersonSchedule,
    cadence: timedelta | None = None,
) -> list[datetime]:
    """List check-in times moved into the owner's reachable time, still strictly before due.

    A schedule can change (an absence gets booked), so a long-running workflow may prefer to
    shift each nominal time with :func:`domain.working_time.next_reachable` when it gets there.

    Args:
        created_at: when the commitment was created, timezone-aware.
        due: when it is due, timezone-aware.
        schedule: the owner's schedule.
        cadence: the interval; ``None`` uses :func:`default_cadence`.

    Returns:
        Distinct UTC times in order. Times that would land at or after ``due`` are dropped;
        none remain while automatic replies are ``alwaysEnabled``.
    """
    shifted: list[datetime] = []
    for nominal in check_in_times(created_at, due, cadence):
        at = next_reachable(nominal, schedule)
        if at is not None and at < due and (not shifted or at > shifted[-1]):
            shifted.append(at)
    return shifted


def reminder_times(sent_at: datetime, schedule: PersonSchedule) -> list[datetime]:
    """List when to remind the owner of an expectation they have not answered yet.

    Each reminder comes a whole working day's worth of the owner's working time apart
    (:data:`REMINDER_AFTER_WORKING_DAYS`), landing inside their working hours.

    Args:
        sent_at: when the expectation was sent, timezone-aware.
        schedule: the owner's schedule.

    Returns:
        At most :data:`REMINDER_LIMIT` UTC times, in order; none while automatic replies are
        ``alwaysEnabled`` (the manager hears about the absence instead).
    """
    day = schedule.working_hours.day_length
    times = []
    for working_days in REMINDER_AFTER_WORKING_DAYS:
        elapsed = add_working_time(sent_at, working_days * day, schedule)
        at = next_reachable(elapsed, schedule)
        if at is not None:
            times.append(at)
    return times

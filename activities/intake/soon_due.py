"""Due dates too soon for the grace window alone: the manager must confirm them. Pure.

A request due under two working hours (the sender's) after it was sent, or before the owner's
next working morning, would reach its owner with no time to act on it if the grace window
confirmed it by itself. Such a proposal waits for the manager's own confirmation (docs/intake.md,
"Guard rails"). The rule uses :mod:`domain.working_time`, which is pure.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.working_time import (
    PersonSchedule,
    add_working_time,
    is_within_working_hours,
    next_reachable,
    working_days_ahead,
)

MIN_WORKING_TIME = timedelta(hours=2)
UNDER_TWO_WORKING_HOURS = "under_two_working_hours"
BEFORE_NEXT_WORKING_MORNING = "before_next_working_morning"


def next_working_morning(after: datetime, schedule: PersonSchedule) -> datetime:
    """Return the start of the person's next working day after ``after``.

    While the person is at work, that is tomorrow's (next working day's) start; before the
    day has begun, today's.

    Args:
        after: the instant, timezone-aware.
        schedule: the person's schedule.

    Returns:
        The instant, in UTC.
    """
    if not is_within_working_hours(after, schedule):
        start = next_reachable(after, schedule)
        if start is not None:
            return start
    return working_days_ahead(after, 1, schedule)


def soon_due_reason(
    due: datetime, sent_at: datetime, *, sender: PersonSchedule, owner: PersonSchedule
) -> str | None:
    """Say why a due date is too soon for the grace window alone, or ``None`` when it is not.

    Args:
        due: the commitment's due instant.
        sent_at: when the email was sent.
        sender: the sender's (manager's) schedule: two of their working hours must pass.
        owner: the owner's schedule: their next working morning must come first.

    Returns:
        :data:`UNDER_TWO_WORKING_HOURS`, :data:`BEFORE_NEXT_WORKING_MORNING` or ``None``.
    """
    if due < add_working_time(sent_at, MIN_WORKING_TIME, sender):
        return UNDER_TWO_WORKING_HOURS
    if due < next_working_morning(sent_at, owner):
        return BEFORE_NEXT_WORKING_MORNING
    return None

"""Humane timing for every contact: when a check-in, an invitation or a miss may reach someone.

Working hours alone say *whether* a person can be reached; these rules say *when it is kind
to*. Every rule counts in the reader's own working time (:mod:`domain.working_time`), so a
weekend, a four-day week or an absence never shortens a gap, and a daylight-saving change
never moves one. Everything here is pure: the caller passes the instants in.

The rules:

* check-ins are at least one of the owner's working days apart, and at least one working day
  after the owner's latest answer (:func:`check_in_not_before`);
* an invitation, an update or a cancellation is created when both people are reachable
  (:func:`meeting_contact_at`), or, when their working hours never meet, in the hours of the
  person it reaches (the attendee);
* the 1:1 after a miss starts at least half a working day after the owner hears of the miss,
  and leaves the manager two working hours to read the coaching note
  (:func:`miss_meeting_not_before`);
* after an absence, a whole working day passes before anything about a miss is sent
  (:func:`miss_not_before`);
* a send that would land after its reader's working window has closed waits for the next
  one (:func:`sending_window_end`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from domain.working_time import (
    PersonSchedule,
    TimeRange,
    add_working_time,
    intersect_ranges,
    is_reachable,
    next_reachable,
    reachable_periods,
)

COMMON_HOURS_HORIZON = 10
"""How many working days ahead two people's hours are compared when looking for common time."""
MANAGER_PREPARATION = timedelta(hours=2)
"""The manager's working time between the coaching note and the 1:1 it prepares for."""


def working_day(schedule: PersonSchedule) -> timedelta:
    """Return the length of one of the person's working days (their nominal hours)."""
    return schedule.working_hours.day_length


def check_in_not_before(
    schedule: PersonSchedule,
    *,
    last_asked: datetime | None,
    last_answered: datetime | None,
) -> datetime | None:
    """Return the earliest instant the owner may be asked for a check-in again.

    One of the owner's working days must pass after the latest check-in they were sent, and
    after their latest answer: an owner who answered at 08:05 is not asked again at 08:10.

    Args:
        schedule: the owner's schedule.
        last_asked: when the latest check-in was sent, if ever.
        last_answered: when the owner last answered, if ever.

    Returns:
        The instant in UTC, or ``None`` when there is nothing to space from.
    """
    anchors = [at for at in (last_asked, last_answered) if at is not None]
    if not anchors:
        return None
    return add_working_time(max(anchors), working_day(schedule), schedule)


def next_check_in_at(
    nominal: datetime,
    schedule: PersonSchedule,
    *,
    last_asked: datetime | None,
    last_answered: datetime | None,
) -> datetime:
    """Return when a check-in due at ``nominal`` may go: the cadence, spaced from the last one.

    Args:
        nominal: when the cadence puts the check-in, timezone-aware.
        schedule: the owner's schedule.
        last_asked: when the latest check-in was sent, if ever.
        last_answered: when the owner last answered, if ever.

    Returns:
        ``nominal``, or the spacing's earliest instant when that is later.
    """
    spaced = check_in_not_before(schedule, last_asked=last_asked, last_answered=last_answered)
    return nominal if spaced is None or spaced <= nominal else spaced


def common_reachable_periods(
    at: datetime,
    schedules: Sequence[PersonSchedule],
    *,
    working_days: int = COMMON_HOURS_HORIZON,
) -> list[TimeRange]:
    """List when every person is reachable, from ``at`` on.

    Args:
        at: where to start looking, timezone-aware.
        schedules: everyone's schedules, at least one.
        working_days: how many of each person's working days to look through.

    Returns:
        The common periods in order, in UTC (the first may start before ``at``); empty when
        their reachable time never meets in that span.

    Raises:
        ValueError: when ``schedules`` is empty.
    """
    if not schedules:
        raise ValueError("at least one schedule is needed")
    common: list[TimeRange] | None = None
    for schedule in schedules:
        periods = [(p.start, p.end) for p in reachable_periods(at, working_days, schedule)]
        common = periods if common is None else intersect_ranges(common, periods)
    return common or []


def common_reachable_at(
    at: datetime,
    schedules: Sequence[PersonSchedule],
    *,
    working_days: int = COMMON_HOURS_HORIZON,
) -> datetime | None:
    """Find the first instant at or after ``at`` when every person is reachable.

    Args:
        at: where to start looking, timezone-aware.
        schedules: everyone's schedules, at least one.
        working_days: how many of each person's working days to look through.

    Returns:
        The instant in UTC, or ``None`` when their reachable time never meets in that span
        (no common working hours, or someone away with no known return).

    Raises:
        ValueError: when ``schedules`` is empty.
    """
    common = common_reachable_periods(at, schedules, working_days=working_days)
    return common[0][0] if common else None


def meeting_contact_at(
    at: datetime, organizer: PersonSchedule, attendee: PersonSchedule
) -> datetime | None:
    """Return when an invitation, update or cancellation may be created.

    Inside both people's reachable time; when their hours never meet, inside the attendee's
    (an invitation reaches the attendee; the organizer hears through their own messages).

    Args:
        at: the earliest instant, timezone-aware.
        organizer: the organizer's schedule (the manager).
        attendee: the attendee's schedule (the owner).

    Returns:
        The instant in UTC, or ``None`` while the attendee is away with no known return.
    """
    both = common_reachable_at(at, [organizer, attendee])
    return both if both is not None else next_reachable(at, attendee)


def have_common_hours(
    at: datetime,
    first: PersonSchedule,
    second: PersonSchedule,
    *,
    working_days: int = COMMON_HOURS_HORIZON,
) -> bool:
    """Tell whether two people's working hours meet at all in the coming working days.

    Absences are left out of the question: being away for a week is not the same as never
    sharing an hour, so only the hours themselves are compared.

    Args:
        at: where to start comparing, timezone-aware.
        first: one person's schedule.
        second: the other's.
        working_days: how many working days to compare.

    Returns:
        True when some instant is inside both people's working hours.
    """
    present = [
        schedule.model_copy(update={"automatic_replies": type(schedule.automatic_replies)()})
        for schedule in (first, second)
    ]
    return common_reachable_at(at, present, working_days=working_days) is not None


def miss_meeting_not_before(
    heard_at: datetime, owner: PersonSchedule, manager: PersonSchedule, now: datetime
) -> datetime:
    """Return the earliest start of the 1:1 after a miss.

    Half of the owner's working day after they hear of the miss, so the conversation is not
    sprung on them; and two of the manager's working hours after ``now``, so the coaching
    note (sent when the 1:1 is planned) has time to be read.

    Args:
        heard_at: when the owner hears of the miss (their next reachable instant).
        owner: the owner's schedule.
        manager: the manager's schedule.
        now: the current instant.

    Returns:
        The instant in UTC.
    """
    for_owner = add_working_time(heard_at, working_day(owner) / 2, owner)
    return max(for_owner, preparation_not_before(now, manager))


def coaching_note_in_time(
    sent_at: datetime, meeting_start: datetime, manager: PersonSchedule
) -> bool:
    """Tell whether a coaching note leaves the manager time to prepare.

    It does when two of the manager's working hours lie between it and the 1:1, or when it
    arrives on an earlier local day than the 1:1.

    Args:
        sent_at: when the note reaches the manager.
        meeting_start: when the 1:1 starts.
        manager: the manager's schedule.

    Returns:
        True when the note is in time.
    """
    zone = manager.zone
    if sent_at.astimezone(zone).date() < meeting_start.astimezone(zone).date():
        return True
    return add_working_time(sent_at, MANAGER_PREPARATION, manager) <= meeting_start


def preparation_not_before(now: datetime, manager: PersonSchedule) -> datetime:
    """Return the earliest start of a 1:1 that leaves the manager time with the coaching note.

    Args:
        now: when the 1:1 is planned (the coaching note goes out then, in the manager's hours).
        manager: the manager's schedule.

    Returns:
        Two of the manager's working hours after ``now``, in UTC.
    """
    return add_working_time(now, MANAGER_PREPARATION, manager)


def cancellation_at(
    contact_at: datetime | None, now: datetime, meeting_start: datetime
) -> datetime:
    """Return when to cancel a 1:1 that is no longer needed.

    At the contact time (:func:`meeting_contact_at`) when that comes before the meeting; else
    now, because a notice outside someone's hours is kinder than a 1:1 they turn up to alone.

    Args:
        contact_at: when the cancellation may reach both people, if ever.
        now: the current instant.
        meeting_start: when the 1:1 would start.

    Returns:
        The instant to cancel at.
    """
    if contact_at is not None and contact_at < meeting_start:
        return contact_at
    return now


def miss_not_before(returned_at: datetime, owner: PersonSchedule) -> datetime:
    """Return when anything about a miss may be sent to an owner back from an absence.

    Args:
        returned_at: when the absence ended (or was first seen to have ended).
        owner: the owner's schedule.

    Returns:
        One of the owner's working days after ``returned_at``, in UTC.
    """
    return add_working_time(returned_at, working_day(owner), owner)


def absence_ended_at(now: datetime, owner: PersonSchedule) -> datetime:
    """Return when the owner's latest absence ended, as far as their settings tell.

    Args:
        now: the current instant, at which the owner is seen to be back.
        owner: the owner's schedule.

    Returns:
        The scheduled end when it is known and past, else ``now``.
    """
    end = owner.automatic_replies.scheduled_end
    return end if end is not None and end <= now else now


def sending_window_end(at: datetime, schedule: PersonSchedule) -> datetime | None:
    """Return when the reader's current reachable window closes.

    A message handed to the sender at ``at`` must go before then; later, it would land at
    night (after pacing or retries) and must wait for the next window instead.

    Args:
        at: the instant the courier decided to send, timezone-aware.
        schedule: the reader's schedule.

    Returns:
        The end of the reachable period holding ``at`` in UTC, or ``None`` when the reader is
        not reachable at ``at``.
    """
    if not is_reachable(at, schedule):
        return None
    (period, *_rest) = reachable_periods(at, 1, schedule)
    return period.end

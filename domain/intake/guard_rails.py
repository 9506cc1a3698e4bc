"""Due dates too close to trust to the grace window, and recipients that are never owners.

A commitment due in less than two working hours, or before its owner's next working morning,
must not start on the grace window alone: a misread date would land on someone at once. The
reading flags it, and the pipeline waits for the manager's own confirmation.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from domain.intake.models import Mailbox
from domain.timezones import resolve_zone

MIN_WORKING_NOTICE = timedelta(hours=2)
"""Less working time than this between sending and the due date needs the manager's word."""
UNDER_TWO_WORKING_HOURS = "under_two_working_hours"
BEFORE_NEXT_WORKING_MORNING = "before_next_working_morning"
_MAX_DAYS_SCANNED = 14

# Local parts that name a list rather than a person ("all-staff@", "dl-sales@").
_GROUP_NAMES = frozenset(
    {
        "all",
        "allstaff",
        "all-staff",
        "all.staff",
        "everyone",
        "staff",
        "all-hands",
        "allhands",
        "announcements",
        "announce",
        "news",
        "newsletter",
        "team",
        "teams",
        "company",
    }
)
_GROUP_PREFIXES = ("dl-", "dl.", "dl_", "grp-", "grp.", "group-", "list-", "all-", "all.")
_GROUP_SUFFIXES = ("-all", ".all", "-team", "-dl", ".dl", "-list", "-group", "-everyone")


def is_group(mailbox: Mailbox, groups: list[str]) -> bool:
    """Whether an address is a group or distribution list (never an owner).

    Args:
        mailbox: a recipient.
        groups: addresses the caller knows are groups (from the directory).

    Returns:
        True for a known group, and for an address whose name is plainly a list's
        ("all-staff@", "dl-sales@", "sales-team@").
    """
    if any(mailbox.address == group.strip().lower() for group in groups):
        return True
    local = mailbox.address.partition("@")[0]
    return (
        local in _GROUP_NAMES
        or local.startswith(_GROUP_PREFIXES)
        or local.endswith(_GROUP_SUFFIXES)
    )


def _working(moment: datetime, day_start: time, day_end: time) -> bool:
    return moment.weekday() < 5 and day_start <= moment.time() < day_end


def _next_working_start(moment: datetime, day_start: time, day_end: time) -> datetime:
    """The moment itself within working hours, else the start of the next working period."""
    if _working(moment, day_start, day_end):
        return moment
    day = moment.date()
    if moment.weekday() < 5 and moment.time() < day_start:
        return datetime.combine(day, day_start, moment.tzinfo)
    for _ in range(_MAX_DAYS_SCANNED):
        day += timedelta(days=1)
        if day.weekday() < 5:
            return datetime.combine(day, day_start, moment.tzinfo)
    return moment


def _working_time(start: datetime, end: datetime, day_start: time, day_end: time) -> timedelta:
    """Working time between two moments, up to :data:`MIN_WORKING_NOTICE` (then it stops)."""
    total = timedelta()
    day = start.date()
    for _ in range(_MAX_DAYS_SCANNED):
        if day > end.date() or total >= MIN_WORKING_NOTICE:
            break
        if day.weekday() < 5:
            opens = max(datetime.combine(day, day_start, start.tzinfo), start)
            closes = min(datetime.combine(day, day_end, start.tzinfo), end)
            if closes > opens:
                total += closes - opens
        day += timedelta(days=1)
    return total


def short_notice(
    sent_at: datetime, due: datetime, zone_name: str, day_start: time, day_end: time
) -> str:
    """Why a due date is too close to start on the grace window alone ("" when it is not).

    Args:
        sent_at: when the email was sent (aware).
        due: the due date (aware).
        zone_name: the owner's zone (IANA or Windows; an unknown one is read as UTC).
        day_start: the owner's working day start.
        day_end: the owner's working day end.

    Returns:
        :data:`BEFORE_NEXT_WORKING_MORNING` when the due date comes before the owner's next
        working period starts, :data:`UNDER_TWO_WORKING_HOURS` when less than two working
        hours lie between sending and the due date, else "".
    """
    try:
        zone = resolve_zone(zone_name)
    except ValueError:
        zone = resolve_zone("UTC")
    sent_local, due_local = sent_at.astimezone(zone), due.astimezone(zone)
    if day_end <= day_start:
        # A working day that ends before it starts is unreadable: fall back to the usual.
        day_start, day_end = time(9, 0), time(17, 0)
    opens = _next_working_start(sent_local, day_start, day_end)
    if due_local <= opens:
        return BEFORE_NEXT_WORKING_MORNING
    if _working_time(sent_local, due_local, day_start, day_end) < MIN_WORKING_NOTICE:
        return UNDER_TWO_WORKING_HOURS
    return ""

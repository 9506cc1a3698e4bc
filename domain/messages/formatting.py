"""Dates, times and intervals written for people, in English, in the reader's own zone.

Names of days and months come from here rather than ``strftime``, whose output depends on the
machine's locale.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.models import TimeSlot

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def describe_date(at: datetime, zone: ZoneInfo) -> str:
    """Write the local date of an instant, e.g. ``Friday 27 November 2026``.

    Args:
        at: the instant, timezone-aware.
        zone: the reader's zone.

    Returns:
        The date as the reader's calendar shows it.
    """
    local = at.astimezone(zone)
    return f"{_DAY_NAMES[local.weekday()]} {local.day} {_MONTH_NAMES[local.month - 1]} {local.year}"


def describe_instant(at: datetime, zone: ZoneInfo) -> str:
    """Write an instant in the reader's zone, naming the zone.

    Args:
        at: the instant, timezone-aware.
        zone: the reader's zone.

    Returns:
        e.g. ``Friday 27 November 2026, 17:00 (PST, America/Los_Angeles)``.
    """
    local = at.astimezone(zone)
    return f"{describe_date(local, zone)}, {local:%H:%M} {_zone_label(local, zone)}"


def describe_slot(slot: TimeSlot, zone: ZoneInfo) -> str:
    """Write a time slot in the reader's zone, naming the zone.

    Args:
        slot: the slot.
        zone: the reader's zone.

    Returns:
        e.g. ``Tuesday 24 November 2026, 10:00-10:30 (GMT, Europe/London)``; a slot running
        into another day gives both ends in full.
    """
    start = slot.start.astimezone(zone)
    end = slot.end.astimezone(zone)
    if start.date() != end.date():
        return f"{describe_instant(start, zone)} to {describe_instant(end, zone)}"
    return f"{describe_date(start, zone)}, {start:%H:%M}-{end:%H:%M} {_zone_label(start, zone)}"


def describe_interval(interval: timedelta) -> str:
    """Write how often something happens, e.g. ``every day`` or ``every 2 weeks``.

    Args:
        interval: a positive interval.

    Returns:
        The phrase, in the largest whole unit that fits.
    """
    units = (("week", timedelta(weeks=1)), ("day", timedelta(days=1)), ("hour", timedelta(hours=1)))
    for name, unit in units:
        if interval >= unit and interval % unit == timedelta(0):
            count = interval // unit
            return f"every {name}" if count == 1 else f"every {count} {name}s"
    minutes = max(1, round(interval / timedelta(minutes=1)))
    return "every minute" if minutes == 1 else f"every {minutes} minutes"


def _zone_label(local: datetime, zone: ZoneInfo) -> str:
    abbreviation = local.tzname() or ""
    # Zones without a customary abbreviation report a bare offset such as "+0530".
    if not abbreviation or abbreviation[0] in "+-":
        abbreviation = f"UTC{abbreviation}" if abbreviation else "UTC"
    return f"({abbreviation}, {zone.key})"

"""Graph's ``patternedRecurrence``: checked as Exchange checks it, expanded into local dates.

A series repeats on calendar dates in its ``recurrenceTimeZone``; each occurrence starts at
the master's wall-clock start time on such a date, so a weekly 10:00 Europe/London meeting
stays at 10:00 local across daylight-saving changes. The dates come from the pattern alone:

* ``daily``: every ``interval`` days from the range's ``startDate``.
* ``weekly``: the ``daysOfWeek`` of every ``interval``-th week, weeks beginning on
  ``firstDayOfWeek`` (the week holding ``startDate`` is the first).
* ``absoluteMonthly`` / ``absoluteYearly``: day ``dayOfMonth`` of every ``interval``-th month
  (of ``month`` every ``interval``-th year); in a shorter month, its last day, as Outlook does.
* ``relativeMonthly`` / ``relativeYearly``: the ``index``-th (``first`` ... ``fourth``,
  ``last``) of the days in ``daysOfWeek`` in the month (in ``month`` for yearly).

No date comes before ``startDate``; the range ends at ``endDate`` (inclusive), after
``numberOfOccurrences`` dates, or never (``noEnd``).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sandbox.errors import GraphError

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
INDEXES = ("first", "second", "third", "fourth", "last")
PATTERNS = (
    "daily",
    "weekly",
    "absoluteMonthly",
    "relativeMonthly",
    "absoluteYearly",
    "relativeYearly",
)
RANGES = ("endDate", "noEnd", "numbered")
NO_DATE = "0001-01-01"
"""What Graph answers for a range's unused ``endDate``."""
MAX_OCCURRENCES = 999
"""Outlook's own ceiling for a numbered range."""
_HORIZON_YEARS = 100


def _invalid(detail: str) -> GraphError:
    return GraphError(
        400,
        "ErrorPropertyValidationFailure",
        f"At least one property failed validation. The recurrence is not valid: {detail}.",
    )


def _date(value: object, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _invalid(f"{name} must be a date") from None


def check_recurrence(raw: object) -> dict[str, Any] | None:
    """Check a ``patternedRecurrence`` the way Exchange does, and fill in Graph's defaults.

    The types and enumeration values were already checked against the metadata; these are
    the rules between the properties.

    Args:
        raw: the request's ``recurrence`` (``None`` removes it).

    Returns:
        The recurrence as Graph answers it, or ``None``.

    Raises:
        GraphError: 400 ``ErrorPropertyValidationFailure`` for a pattern or range Exchange
            refuses.
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _invalid("it must be an object")
    pattern = dict(raw.get("pattern") or {})
    span = dict(raw.get("range") or {})
    kind = pattern.get("type")
    if kind not in PATTERNS:
        raise _invalid("pattern.type is required")
    interval = pattern.get("interval")
    if not isinstance(interval, int) or not 1 <= interval <= 99:
        raise _invalid("pattern.interval must be between 1 and 99")
    # The metadata's enumerations are read without regard to case, as Graph reads them.
    days = [str(day).lower() for day in pattern.get("daysOfWeek") or []]
    if kind in {"weekly", "relativeMonthly", "relativeYearly"} and not days:
        raise _invalid(f"a {kind} pattern needs daysOfWeek")
    day_of_month = pattern.get("dayOfMonth") or 0
    if kind in {"absoluteMonthly", "absoluteYearly"} and not 1 <= day_of_month <= 31:
        raise _invalid(f"an {kind} pattern needs dayOfMonth between 1 and 31")
    month = pattern.get("month") or 0
    if kind in {"absoluteYearly", "relativeYearly"} and not 1 <= month <= 12:
        raise _invalid(f"a {kind} pattern needs month between 1 and 12")
    range_type = span.get("type")
    if range_type not in RANGES:
        raise _invalid("range.type is required")
    start = _date(span.get("startDate"), "range.startDate")
    end_date = NO_DATE
    count = span.get("numberOfOccurrences") or 0
    if range_type == "endDate":
        end = _date(span.get("endDate"), "range.endDate")
        if end < start:
            raise _invalid("range.endDate must not be before range.startDate")
        end_date = end.isoformat()
    if range_type == "numbered" and not 1 <= count <= MAX_OCCURRENCES:
        raise _invalid(f"range.numberOfOccurrences must be between 1 and {MAX_OCCURRENCES}")
    return {
        "pattern": {
            "type": kind,
            "interval": interval,
            "month": month,
            "dayOfMonth": day_of_month,
            "daysOfWeek": [day for day in DAYS if day in days] if days else [],
            "firstDayOfWeek": str(pattern.get("firstDayOfWeek") or "sunday").lower(),
            "index": str(pattern.get("index") or "first").lower(),
        },
        "range": {
            "type": range_type,
            "startDate": start.isoformat(),
            "endDate": end_date,
            "recurrenceTimeZone": span.get("recurrenceTimeZone") or "",
            "numberOfOccurrences": count if range_type == "numbered" else 0,
        },
    }


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _relative(year: int, month: int, days: list[str], index: str) -> date | None:
    wanted = {DAYS.index(day) for day in days}
    last = calendar.monthrange(year, month)[1]
    matching = [
        date(year, month, day)
        for day in range(1, last + 1)
        if date(year, month, day).weekday() in wanted
    ]
    if not matching:
        return None  # pragma: no cover - every weekday occurs in every month
    position = INDEXES.index(index)
    if position == len(INDEXES) - 1:
        return matching[-1]
    return matching[position] if position < len(matching) else None


def _candidates(pattern: dict[str, Any], start: date) -> Iterator[date]:
    kind = pattern["type"]
    interval = int(pattern["interval"])
    days = list(pattern.get("daysOfWeek") or [])
    if kind == "daily":
        at = start
        while True:
            yield at
            at += timedelta(days=interval)
    if kind == "weekly":
        first_day = DAYS.index(pattern.get("firstDayOfWeek") or "sunday")
        week_start = start - timedelta(days=(start.weekday() - first_day) % 7)
        wanted = {DAYS.index(day) for day in days}
        while True:
            for offset in range(7):
                day = week_start + timedelta(days=offset)
                if day.weekday() in wanted:
                    yield day
            week_start += timedelta(weeks=interval)
    monthly = kind in {"absoluteMonthly", "relativeMonthly"}
    step = interval if monthly else 12 * interval
    year, month = start.year, start.month if monthly else int(pattern["month"])
    if not monthly and month < start.month:
        year += 1
    while year <= start.year + _HORIZON_YEARS:
        if kind.startswith("absolute"):
            found: date | None = _clamped(year, month, int(pattern["dayOfMonth"]))
        else:
            found = _relative(year, month, days, str(pattern.get("index") or "first"))
        if found is not None:
            yield found
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def occurrence_dates(recurrence: dict[str, Any], until: date) -> Iterator[date]:
    """Yield a series' dates in order, from its start up to and including ``until``.

    Args:
        recurrence: a recurrence as :func:`check_recurrence` returns it.
        until: the last date of interest (the range may end sooner).

    Yields:
        The local dates of the occurrences.
    """
    span = recurrence["range"]
    start = date.fromisoformat(span["startDate"])
    last = until
    if span["type"] == "endDate":
        last = min(last, date.fromisoformat(span["endDate"]))
    remaining = int(span["numberOfOccurrences"]) if span["type"] == "numbered" else -1
    for day in _candidates(recurrence["pattern"], start):
        if day > last or remaining == 0:
            return
        if day < start:
            continue
        yield day
        remaining -= 1

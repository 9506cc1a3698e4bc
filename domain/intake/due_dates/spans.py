"""What date and time phrases are read into, and the calendar arithmetic they share.

A :class:`Span` is one phrase found in the text; :class:`Local` is the moment of writing in
the sender's zone, against which every relative phrase is read.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from domain.intake.due_dates.calendar_words import FOREIGN_NUMBER_WORDS, NUMBER_WORDS

RECENT_PAST = timedelta(days=90)
"""How far back a date without a year is still read as this (past) date rather than next year's."""


class Kind:
    """What a span holds."""

    DATE = "date"
    TIME = "time"


@dataclass
class Local:
    """The moment of writing, in the sender's zone, and the day's default times."""

    now: datetime
    zone: tzinfo
    day_end: time
    day_start: time
    month_first: bool
    region: str = ""
    order_sure: bool = False
    """The locale and the zone agree on the order of numeric dates: "3/4" has one reading."""

    @property
    def today(self) -> date:
        """The sender's calendar day."""
        return self.now.date()


@dataclass
class DateValue:
    """One or more readings of a date phrase; ``roll`` moves a passed relative date on.

    ``needs_cue``: only a deadline word makes it a date ("3/12" alone may be a fraction);
    ``weak_only``: at most a weak deadline even after "by" ("before Thursday's review" names
    an event that day, not a time).
    """

    readings: list[date]
    roll: Callable[[date], date] | None = None
    default_time: time | None = None
    self_cued: bool = False
    needs_cue: bool = False
    exact: datetime | None = None
    ambiguous: bool = False
    weak_only: bool = False
    anchor: str = ""


@dataclass
class TimeValue:
    """A time of day, in a named zone or (``zone`` None) the sender's."""

    at: time
    zone: tzinfo | None = None
    self_cued: bool = False
    joined_only: bool = False
    """Only a time with a day ("vendredi 18h", "jeudi matin"): alone it may be a duration."""


@dataclass
class Span:
    """One phrase found at ``text[start:end]``; ``extra`` holds a merged date and time."""

    start: int
    end: int
    kind: str
    date_value: DateValue | None = None
    time_value: TimeValue | None = None
    extra: list[Span] = field(default_factory=list)
    event: str = ""


# The clause may close on one more word: German puts its verb last ("morgen schicken?").
_CLAUSE_END = re.compile(r"(?:\s+[^\W\d]+)?\s*(?:[?!.;,)]|$)")


def ends_clause(match: re.Match[str]) -> bool:
    """Whether a phrase closes its clause: "can you send it tomorrow?", "morgen schicken?".

    A day closing a request is when the request is for, as a weak deadline, where "tomorrow's
    meeting" or "tomorrow we start" only mention the day.
    """
    return _CLAUSE_END.match(match.string, match.end()) is not None


def number_value(word: str) -> int | None:
    """Read "3", "three" or "a couple of" as a number (``None`` when it is not one)."""
    cleaned = " ".join(word.lower().split())
    if cleaned.isdigit():
        return int(cleaned)
    return NUMBER_WORDS.get(cleaned, FOREIGN_NUMBER_WORDS.get(cleaned))


def valid_date(year: int, month: int, day: int) -> date | None:
    """The date, or ``None`` when it does not exist (30 February)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nearest_year(local: Local, month: int, day: int) -> date | None:
    """The date a day and month without a year mean: the next one, or a recent past one.

    A date up to :data:`RECENT_PAST` ago is read as that (already past) date, because a
    deadline written that way is most likely a slip to ask about; older ones mean next year.
    """
    options = [
        candidate
        for year in (local.today.year - 1, local.today.year, local.today.year + 1)
        if (candidate := valid_date(year, month, day)) is not None
        and candidate >= local.today - RECENT_PAST
    ]
    return min(options) if options else None


def day_the_month_lacks(local: Local, month: int, day: int) -> DateValue | None:
    """A day the month lacks ("31 September"): its last day or the next month's first? Ask.

    Args:
        local: the moment of writing.
        month: the month named.
        day: the day named, which that month does not have.

    Returns:
        Both readings, ambiguous; ``None`` when the day is no day of any month (0, 32).
    """
    if not 1 <= day <= 31:
        return None
    first = nearest_year(local, month, 1)
    if first is None:
        return None
    following = add_months(first, 1)
    return DateValue([following - timedelta(days=1), following], needs_cue=True, ambiguous=True)


def next_day_of_month(day_number: int, today: date) -> date | None:
    """The next date from ``today`` (included) with this day of the month: "the 9th", "le 9"."""
    start = date(today.year, today.month, 1)
    for months_ahead in range(0, 3):
        month_start = add_months(start, months_ahead)
        reading = valid_date(month_start.year, month_start.month, day_number)
        if reading is not None and reading >= today:
            return reading
    return None


def last_weekday_of_month(year: int, month: int) -> date:
    """The month's last Monday-to-Friday day: where "end of month" lands."""
    day = date(year, month, calendar.monthrange(year, month)[1])
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's length."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())

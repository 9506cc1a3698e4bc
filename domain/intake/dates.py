"""Due dates from words: "by Friday", "EOD 3 Dec", "within two weeks", "3/12", "next Tuesday 2pm".

Every phrase is read in the sender's time zone, relative to the moment the email was sent.
A date without a time gets the sender's end of working day. The rules and their reasons are
in docs/intake.md ("Due dates").
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from domain.intake.models import DueParse
from domain.timezones import resolve_zone

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
# "sat" and "sun" are left out: as words they are far more often a verb and a star.
_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sunday": 6,
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
}
_ZONE_ABBREVIATIONS = {
    "utc": "UTC",
    "gmt": "UTC",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "bst": "Europe/London",
    "ist": "Asia/Kolkata",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "jst": "Asia/Tokyo",
    "sgt": "Asia/Singapore",
}
# Zones whose people write 3/12 for the 12th of March; everyone else reads it as 3 December.
_MONTH_FIRST_ZONE_PREFIXES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Anchorage",
    "America/Boise",
    "America/Detroit",
    "America/Indiana/",
    "America/Kentucky/",
    "America/North_Dakota/",
    "America/Juneau",
    "America/Adak",
    "America/Menominee",
    "America/Sitka",
    "America/Nome",
    "America/Yakutat",
    "America/Metlakatla",
    "America/Puerto_Rico",
    "Pacific/Honolulu",
    "Pacific/Guam",
    "Asia/Manila",
    "US/",
)

RECENT_PAST = timedelta(days=90)
"""How far back a date without a year is still read as this (past) date rather than next year's."""

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?"
_NUMBER = r"(?P<count>\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_ORDINAL = r"(?:st|nd|rd|th)"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"

# How strongly the words before a date make it a deadline: "by Friday" beats "for January".
_STRONG_CUE = re.compile(
    r"(?:\bby|\bbefore|\bdue(?:\s+(?:on|by|date|at))?:?|\bdeadline(?:\s+(?:is|of))?:?|\buntil"
    r"|\btill|\bno\s+later\s+than|\bnot\s+later\s+than|\bon\s+or\s+before|\bahead\s+of"
    r"|\bprior\s+to|\bneeded|\bdue\s+to\s+\w+(?:\s+\w+)?\s+on|\b(?:target|due|end)\s+date\s*:?"
    r"|\beta\s*:)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_WEAK_CUE = re.compile(
    r"(?:\bfor|\bon|\bready|\bwrapped\s+up|\bdone|\bcomplete[d]?|\bfinished|\bsay|\baim\s+for"
    r"|\btarget(?:ing)?:?|\beta:?|\bgoal:?|\bwithin)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_AFTER_CUE = re.compile(
    r"^\s*(?:,\s*)?(?:at\s+the\s+latest|latest|sharp|(?:is|as)\s+(?:the|our|a|my)\s+"
    r"(?:deadline|due\s+date|cut-?off)|is\s+when\s+i\s+need|hard\s+stop)\b",
    re.IGNORECASE,
)
_SENTENCE_CUE = re.compile(
    r"\b(?:deadline|due\s+date|cut-?off)\b"
    r"|\bdue\b(?!\s+to\s+(?:the|a|an|our|your|their|this|that|it|an?)\b)",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"[.!?\n]\s*(?=[^.!?\n]*$)")
_BEFORE_CUE = re.compile(r"\b(?:by|before|prior\s+to|ahead\s+of)\s*(?:the\s+)?$", re.IGNORECASE)


class _Kind:
    DATE = "date"
    TIME = "time"


@dataclass
class _Local:
    """The moment of writing, in the sender's zone, and the day's default times."""

    now: datetime
    zone: tzinfo
    day_end: time
    day_start: time
    month_first: bool

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass
class _DateValue:
    """One or more readings of a date phrase; ``roll`` moves a passed relative date on."""

    readings: list[date]
    roll: Callable[[date], date] | None = None
    default_time: time | None = None
    self_cued: bool = False
    needs_cue: bool = False
    exact: datetime | None = None
    ambiguous: bool = False


@dataclass
class _TimeValue:
    at: time
    zone: tzinfo | None = None
    self_cued: bool = False
    relative_to_day_end: bool = False


@dataclass
class _Span:
    start: int
    end: int
    kind: str
    date_value: _DateValue | None = None
    time_value: _TimeValue | None = None
    extra: list[_Span] = field(default_factory=list)


def _number(word: str) -> int | None:
    cleaned = " ".join(word.lower().split())
    if cleaned.isdigit():
        return int(cleaned)
    return _NUMBER_WORDS.get(cleaned)


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_year(local: _Local, month: int, day: int) -> date | None:
    """The date a day and month without a year mean: the next one, or a recent past one.

    A date up to :data:`RECENT_PAST` ago is read as that (already past) date, because a
    deadline written that way is most likely a slip to ask about; older ones mean next year.
    """
    options = [
        candidate
        for year in (local.today.year - 1, local.today.year, local.today.year + 1)
        if (candidate := _valid_date(year, month, day)) is not None
        and candidate >= local.today - RECENT_PAST
    ]
    return min(options) if options else None


def _last_weekday_of_month(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _add_working_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- Date phrases: each returns the readings of one match ---------------------------------


def _iso(match: re.Match[str], local: _Local) -> _DateValue | None:
    day = _valid_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None:
        return None
    if match["hh"] is not None:
        hour, minute = int(match["hh"]), int(match["mm"])
        if hour > 23 or minute > 59:
            return None
        exact = datetime.combine(day, time(hour, minute), local.zone)
        return _DateValue([day], exact=exact)
    return _DateValue([day])


def _numeric(match: re.Match[str], local: _Local) -> _DateValue | None:
    first, second = int(match["a"]), int(match["b"])
    year_text = match["y"]
    dotted = match["sep"] == "."
    if dotted and year_text is None and not match.group(0).endswith("."):
        return None
    year = None
    if year_text is not None:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    orders = [(first, second)] if dotted else [(first, second), (second, first)]
    if not dotted and local.month_first:
        orders.reverse()
    readings: list[date] = []
    for day_number, month in orders:
        if year is None:
            reading = _nearest_year(local, month, day_number)
        else:
            reading = _valid_date(year, month, day_number)
        if reading is not None and reading not in readings:
            readings.append(reading)
    if not readings:
        return None
    return _DateValue(readings, needs_cue=year is None, ambiguous=len(readings) > 1)


def _day_month(match: re.Match[str], local: _Local) -> _DateValue | None:
    month = _MONTHS[match["month"].lower()]
    day_number = int(match["day"])
    if match["year"]:
        reading = _valid_date(int(match["year"]), month, day_number)
    else:
        reading = _nearest_year(local, month, day_number)
    return None if reading is None else _DateValue([reading])


def _mid_month(match: re.Match[str], local: _Local) -> _DateValue | None:
    reading = _nearest_year(local, _MONTHS[match["month"].lower()], 15)
    return None if reading is None else _DateValue([reading])


def _month_alone(match: re.Match[str], local: _Local) -> _DateValue | None:
    # "by December": before it starts, or by its end? Both are common, so the manager is asked.
    month = _MONTHS[match["month"].lower()]
    first = _nearest_year(local, month, 1)
    if first is None:
        return None
    if first < _week_start(local.today) - timedelta(days=31):
        first = date(first.year + 1, month, 1)
    last = _last_weekday_of_month(first.year, month)
    return _DateValue([last, first], needs_cue=True, ambiguous=True)


def _end_of_month_name(match: re.Match[str], local: _Local) -> _DateValue | None:
    month = _MONTHS[match["month"].lower()]
    first = _nearest_year(local, month, 1)
    if first is None:
        return None
    return _DateValue([_last_weekday_of_month(first.year, month)], self_cued=True)


def _day_of_month(match: re.Match[str], local: _Local) -> _DateValue | None:
    day_number = int(match["day"])
    if not 1 <= day_number <= 31:
        return None
    start = date(local.today.year, local.today.month, 1)
    for months_ahead in range(0, 3):
        month_start = _add_months(start, months_ahead)
        reading = _valid_date(month_start.year, month_start.month, day_number)
        if reading is not None and reading >= local.today:

            def roll(day: date, number: int = day_number) -> date:
                for ahead in range(1, 4):
                    moved = _add_months(date(day.year, day.month, 1), ahead)
                    candidate = _valid_date(moved.year, moved.month, number)
                    if candidate is not None:
                        return candidate
                return day

            return _DateValue([reading], roll=roll, needs_cue=match["the"] is None)
    return None


def _relative_day(match: re.Match[str], local: _Local) -> _DateValue | None:
    word = " ".join(match["rel"].lower().split()).removeprefix("the ")
    if word in ("today", "tonight", "this evening", "this afternoon"):
        default = time(23, 59) if word == "tonight" else None
        return _DateValue([local.today], default_time=default)
    if word == "day after tomorrow":
        return _DateValue([local.today + timedelta(days=2)])
    return _DateValue([local.today + timedelta(days=1)])


def _weekday(match: re.Match[str], local: _Local) -> _DateValue | None:
    weekday = _WEEKDAYS[match["weekday"].lower()]
    modifier = (match["mod"] or match["after"] or "").lower()
    if "last" in modifier:
        return None
    if "next" in modifier or "following" in modifier:
        next_monday = _week_start(local.today) + timedelta(days=7)
        return _DateValue([next_monday + timedelta(days=weekday)])
    ahead = (weekday - local.today.weekday()) % 7
    if ahead == 0 and "this" not in modifier:
        # "By Monday", said on a Monday, means next Monday: today would be "today".
        ahead = 7
    return _DateValue(
        [local.today + timedelta(days=ahead)],
        roll=lambda day: day + timedelta(days=7),
    )


def _end_of_period(match: re.Match[str], local: _Local) -> _DateValue | None:
    period = (match["period"] or match["p2"] or "").lower()
    abbreviation = (match["eo"] or "").lower()
    period = {"w": "week", "m": "month", "q": "quarter", "y": "year"}.get(abbreviation, period)
    following = match["next"] is not None
    today = local.today
    if period == "week":
        monday = _week_start(today) + timedelta(days=7 if following else 0)
        friday = monday + timedelta(days=4)
        if not following and today.weekday() >= 5:
            friday += timedelta(days=7)
        return _DateValue([friday], roll=lambda day: day + timedelta(days=7), self_cued=True)
    if period == "month":
        base = _add_months(date(today.year, today.month, 1), 1 if following else 0)

        def roll_month(day: date) -> date:
            moved = _add_months(date(day.year, day.month, 1), 1)
            return _last_weekday_of_month(moved.year, moved.month)

        reading = _last_weekday_of_month(base.year, base.month)
        return _DateValue([reading], roll=roll_month, self_cued=True)
    if period == "quarter":
        quarter_end_month = ((today.month - 1) // 3 + 1) * 3
        base = _add_months(date(today.year, quarter_end_month, 1), 3 if following else 0)

        def roll_quarter(day: date) -> date:
            moved = _add_months(date(day.year, day.month, 1), 3)
            return _last_weekday_of_month(moved.year, moved.month)

        reading = _last_weekday_of_month(base.year, base.month)
        return _DateValue([reading], roll=roll_quarter, self_cued=True)
    year = today.year + (1 if following else 0)
    return _DateValue([_last_weekday_of_month(year, 12)], self_cued=True)


def _quarter_end(match: re.Match[str], local: _Local) -> _DateValue | None:
    quarter = int(match["q"] or match["q2"])
    month = quarter * 3
    year = local.today.year
    reading = _last_weekday_of_month(year, month)
    if reading < local.today - RECENT_PAST:
        reading = _last_weekday_of_month(year + 1, month)
    return _DateValue([reading], self_cued=True)


_ORDINAL_WEEKS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}


def _week_of_month(match: re.Match[str], local: _Local) -> _DateValue | None:
    # "the first week of January": the Friday of that month's first full working week.
    month = _MONTHS[match["month"].lower()]
    first = _nearest_year(local, month, 1)
    if first is None:
        return None
    which = match["nth"].lower()
    if which == "last":
        last = date(first.year, month, calendar.monthrange(first.year, month)[1])
        monday = last - timedelta(days=last.weekday())
    else:
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        monday += timedelta(weeks=_ORDINAL_WEEKS[which])
    return _DateValue([monday + timedelta(days=4)], self_cued=True)


def _week_phrase(match: re.Match[str], local: _Local) -> _DateValue | None:
    which = match["which"].lower()
    monday = _week_start(local.today)
    if which == "this" or which == "the":
        friday = monday + timedelta(days=4)
        return _DateValue([friday if friday >= local.today else friday + timedelta(days=7)])
    next_monday = monday + timedelta(days=7)
    before_text = match.string[max(0, match.start() - 20) : match.start()]
    if _BEFORE_CUE.search(before_text):
        # "by next week": ready when next week starts.
        return _DateValue([next_monday], default_time=local.day_start)
    return _DateValue([next_monday + timedelta(days=4)])


def _next_month_phrase(match: re.Match[str], local: _Local) -> _DateValue | None:
    base = _add_months(date(local.today.year, local.today.month, 1), 1)
    before_text = match.string[max(0, match.start() - 20) : match.start()]
    if _BEFORE_CUE.search(before_text):
        return _DateValue([base], default_time=local.day_start)
    return _DateValue([_last_weekday_of_month(base.year, base.month)])


def _duration(match: re.Match[str], local: _Local) -> _DateValue | None:
    count = _number(match["count"] or match["count2"] or "")
    if count is None or count <= 0 or count > 400:
        return None
    unit = (match["unit"] or match["unit2"] or "").lower()
    working = (match["working"] or match["working2"]) is not None
    if unit.startswith("hour"):
        if count > 24 * 14:
            return None
        exact = local.now + timedelta(hours=count)
        return _DateValue([exact.date()], exact=exact, self_cued=True)
    if unit.startswith("fortnight"):
        count, unit = count * 2, "week"
    if unit.startswith("day"):
        if working:
            reading = _add_working_days(local.today, count)
        else:
            reading = local.today + timedelta(days=count)
    elif unit.startswith("week"):
        reading = local.today + timedelta(weeks=count)
    else:
        reading = _add_months(local.today, count)
    return _DateValue([reading], self_cued=True)


_DATE_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str], _Local], _DateValue | None]]]
_DATE_PATTERNS = [
    (
        re.compile(
            r"\b(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
            r"(?:[T ](?P<hh>\d{1,2}):(?P<mm>\d{2})(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
        ),
        _iso,
    ),
    (
        re.compile(
            r"(?<![\d/.])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})"
            r"(?:(?P=sep)(?P<y>\d{4}|\d{2}))?(?:\.|(?![\d/.%]))"
        ),
        _numeric,
    ),
    (
        re.compile(
            r"\b(?:the\s+)?end\s+of\s+" + _MONTH + r"\b",
            re.IGNORECASE,
        ),
        _end_of_month_name,
    ),
    (
        re.compile(
            r"\b(?P<day>\d{1,2})" + _ORDINAL + r"?(?:\s+of)?[\s-]+" + _MONTH + r"\b" + _YEAR,
            re.IGNORECASE,
        ),
        _day_month,
    ),
    (
        re.compile(
            r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})" + _ORDINAL + r"?\b(?!:)" + _YEAR,
            re.IGNORECASE,
        ),
        _day_month,
    ),
    (re.compile(r"\bmid[-\s]" + _MONTH + r"\b", re.IGNORECASE), _mid_month),
    (
        re.compile(
            r"\b(?:the\s+)?end\s+of\s+(?:the\s+)?Q(?P<q>[1-4])\b|\bQ(?P<q2>[1-4])[-\s]end\b",
            re.IGNORECASE,
        ),
        _quarter_end,
    ),
    (
        re.compile(
            r"\b(?:the\s+)?(?P<nth>first|1st|second|2nd|third|3rd|last)\s+week\s+of\s+"
            + _MONTH
            + r"\b",
            re.IGNORECASE,
        ),
        _week_of_month,
    ),
    (
        re.compile(
            r"\b(?:the\s+)?(?:end\s+of\s+(?:the\s+|this\s+)?(?P<next>next\s+)?"
            r"(?P<period>week|month|quarter|year)"
            r"|(?P<p2>week|month|quarter|year)[-\s]end"
            r"|EO(?P<eo>[WMQY]))\b",
            re.IGNORECASE,
        ),
        _end_of_period,
    ),
    (
        re.compile(
            r"\b(?:within|in|inside(?:\s+of)?)\s+(?:the\s+next\s+)?"
            + _NUMBER
            + r"\s+(?P<working>(?:working|business)\s+)?(?P<unit>hours?|hrs?|days?|weeks?"
            r"|months?|fortnights?)(?:'s\s+time|\s+time)?\b"
            r"(?!\s+(?:of|after|before|from)\s+(?!now\b|today\b))"
            r"|\b"
            + _NUMBER.replace("count", "count2")
            + r"\s+(?P<working2>(?:working|business)\s+)?(?P<unit2>days?|weeks?)"
            r"\s+from\s+(?:now|today)\b",
            re.IGNORECASE,
        ),
        _duration,
    ),
    (
        re.compile(
            r"\b(?:(?P<mod>this|next|coming|this\s+coming|the\s+following|last)\s+)?"
            + _WEEKDAY
            + r"(?!'s|\w)(?:\s+(?P<after>next\s+week|after\s+next|of\s+next\s+week))?",
            re.IGNORECASE,
        ),
        _weekday,
    ),
    (
        re.compile(
            r"\b(?P<rel>today|tonight|this\s+evening|this\s+afternoon|tomorrow|tmrw|tmr"
            r"|(?:the\s+)?day\s+after\s+tomorrow)\b",
            re.IGNORECASE,
        ),
        _relative_day,
    ),
    (
        re.compile(r"\b(?P<which>this|next|the)\s+week\b(?!\s*(?:'s|end))", re.IGNORECASE),
        _week_phrase,
    ),
    (re.compile(r"\bnext\s+month\b", re.IGNORECASE), _next_month_phrase),
    (
        re.compile(r"\b(?P<the>the\s+)?(?P<day>\d{1,2})" + _ORDINAL + r"\b", re.IGNORECASE),
        _day_of_month,
    ),
    (
        re.compile(
            r"\b(?P<month>january|february|march|april|june|july|august|september|october"
            r"|november|december)\b(?!\s+\d)",
            re.IGNORECASE,
        ),
        _month_alone,
    ),
]


_AMPM = re.compile(
    r"\b(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)(?!\w)", re.IGNORECASE
)
_CLOCK = re.compile(r"\b(?P<h>[01]?\d|2[0-3])[:h](?P<m>[0-5]\d)\b(?!\s*[/.]\d)")
_NAMED_TIME = re.compile(
    r"\b(?:at\s+)?(?P<name>noon|midday|lunch\s*time|lunch|midnight"
    r"|(?:the\s+)?end\s+of\s+(?:the\s+|your\s+|my\s+)?(?:working\s+|work\s+|business\s+)?day"
    r"|close\s+of\s+(?:business|play)|end\s+of\s+business|start\s+of\s+(?:the\s+)?day"
    r"|first\s+thing(?:\s+in\s+the\s+morning)?|EOD|COB|EOB|SOD|COP|morning|afternoon)\b",
    re.IGNORECASE,
)
_CITY_ZONES = {
    "london": "Europe/London",
    "uk": "Europe/London",
    "berlin": "Europe/Berlin",
    "paris": "Europe/Paris",
    "new york": "America/New_York",
    "eastern": "America/New_York",
    "central": "America/Chicago",
    "mountain": "America/Denver",
    "pacific": "America/Los_Angeles",
    "tokyo": "Asia/Tokyo",
    "india": "Asia/Kolkata",
    "sydney": "Australia/Sydney",
    "singapore": "Asia/Singapore",
}
_ZONE_SUFFIX = re.compile(
    r"^\s*\(?(?P<zone>" + "|".join(_ZONE_ABBREVIATIONS) + r")\)?\b"
    r"|^\s*,?\s*(?P<city>" + "|".join(_CITY_ZONES) + r")\s+time\b",
    re.IGNORECASE,
)


def _time_spans(text: str, local: _Local) -> Iterator[_Span]:
    for match in _AMPM.finditer(text):
        hour, minute = int(match["h"]), int(match["m"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            continue
        pm = match["ampm"].lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
        yield _zone_suffixed(text, match.start(), match.end(), time(hour, minute))
    for match in _CLOCK.finditer(text):
        yield _zone_suffixed(
            text, match.start(), match.end(), time(int(match["h"]), int(match["m"]))
        )
    for match in _NAMED_TIME.finditer(text):
        name = " ".join(match["name"].lower().split())
        if name in ("noon", "midday") or name.startswith("lunch"):
            value = _TimeValue(time(12, 0))
        elif name == "midnight":
            value = _TimeValue(time(23, 59))
        elif name.startswith(("start", "first", "sod")) or name == "morning":
            value = _TimeValue(local.day_start, self_cued=name != "morning")
        else:
            value = _TimeValue(
                local.day_end, self_cued=name != "afternoon", relative_to_day_end=True
            )
        suffixed = _zone_suffixed(text, match.start(), match.end(), value.at)
        if suffixed.time_value is not None and suffixed.time_value.zone is not None:
            value.zone = suffixed.time_value.zone
        yield _Span(match.start(), suffixed.end, _Kind.TIME, time_value=value)


def _zone_suffixed(text: str, start: int, end: int, at: time) -> _Span:
    suffix = _ZONE_SUFFIX.match(text[end:])
    if suffix:
        name = (
            _ZONE_ABBREVIATIONS[suffix["zone"].lower()]
            if suffix["zone"]
            else _CITY_ZONES[" ".join(suffix["city"].lower().split())]
        )
        zone = resolve_zone(name)
        return _Span(start, end + suffix.end(), _Kind.TIME, time_value=_TimeValue(at, zone))
    return _Span(start, end, _Kind.TIME, time_value=_TimeValue(at))


def _date_spans(text: str, local: _Local) -> Iterator[_Span]:
    for pattern, reader in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = reader(match, local)
            if value is not None:
                yield _Span(match.start(), match.end(), _Kind.DATE, date_value=value)


def _without_overlaps(spans: list[_Span]) -> list[_Span]:
    # Leftmost-longest wins: "EOD 3 Dec" keeps "3 Dec" whole rather than "3" and "Dec".
    # Sorted by start, a span can only overlap the last one kept.
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda item: (item.start, -(item.end - item.start))):
        if not chosen or span.start >= chosen[-1].end:
            chosen.append(span)
    return chosen


_JOIN_AFTER_DATE = re.compile(
    r"^\s*(?:,|@|-|at|by|before|around|latest|,\s*at|,\s*by|by\s+the|before\s+the)?\s*$",
    re.IGNORECASE,
)
_JOIN_BEFORE_DATE = re.compile(r"^\s*(?:,|on|,\s*on|this|-)?\s*$", re.IGNORECASE)
_JOIN_DATES = re.compile(r"^\s*(?:,|the)?\s*$", re.IGNORECASE)


def _combine(spans: list[_Span], text: str) -> list[_Span]:
    """Merge a date with an adjacent time ("Friday 3pm", "noon tomorrow", "EOD 3 Dec")."""
    merged: list[_Span] = []
    index = 0
    while index < len(spans):
        span = spans[index]
        following = spans[index + 1] if index + 1 < len(spans) else None
        if following is not None:
            gap = text[span.end : following.start]
            kinds = (span.kind, following.kind)
            joinable = (
                (kinds == (_Kind.DATE, _Kind.TIME) and _JOIN_AFTER_DATE.match(gap))
                or (kinds == (_Kind.TIME, _Kind.DATE) and _JOIN_BEFORE_DATE.match(gap))
                or (kinds == (_Kind.DATE, _Kind.DATE) and _JOIN_DATES.match(gap))
            )
            if joinable:
                merged.append(_Span(span.start, following.end, "pair", extra=[span, following]))
                index += 2
                continue
        merged.append(span)
        index += 1
    return merged


@dataclass
class _Candidate:
    start: int
    end: int
    due: datetime
    alternatives: list[datetime]
    ambiguous: bool
    cue: int

    @property
    def cued(self) -> bool:
        return self.cue > 0


def _resolve(span: _Span, text: str, local: _Local) -> _Candidate | None:
    parts = span.extra or [span]
    dates = [part.date_value for part in parts if part.date_value is not None]
    times = [part.time_value for part in parts if part.time_value is not None]
    time_value = times[0] if times else None
    ambiguous = False
    extra_readings: list[date] = []
    if len(dates) == 2:
        # "Friday 4 Dec": the explicit date wins; a weekday that disagrees makes it unclear.
        weekday_value, explicit = dates if dates[0].roll is not None else dates[::-1]
        if explicit.readings and weekday_value.readings:
            shown = explicit.readings[0]
            if all(reading.weekday() != shown.weekday() for reading in weekday_value.readings):
                ambiguous = True
                extra_readings = weekday_value.readings[:1]
        date_value = explicit
    elif dates:
        date_value = dates[0]
    else:
        date_value = None
    cue = _cue_strength(text, span)
    cued = cue > 0
    if date_value is not None:
        if date_value.self_cued or (time_value is not None and time_value.self_cued):
            cue, cued = max(cue, 1), True
        if date_value.needs_cue and not cued:
            return None
        if date_value.exact is not None and time_value is None:
            exact = date_value.exact
            return _Candidate(span.start, span.end, exact, [], False, max(cue, 1))
        default = date_value.default_time or local.day_end
        at, zone = (time_value.at, time_value.zone) if time_value else (default, None)
        readings = [_at(reading, at, zone or local.zone, local) for reading in date_value.readings]
        if date_value.roll is not None and readings[0] <= local.now:
            rolled = date_value.roll(date_value.readings[0])
            readings = [_at(rolled, at, zone or local.zone, local)]
        readings += [_at(reading, at, zone or local.zone, local) for reading in extra_readings]
        ambiguous = ambiguous or date_value.ambiguous
        if date_value.ambiguous and len(readings) > 1 and not extra_readings:
            year_ahead = local.now + timedelta(days=365)
            plausible = [reading for reading in readings if local.now < reading <= year_ahead]
            if len(plausible) == 1:
                return _Candidate(span.start, span.end, plausible[0], [], False, cue)
            if all(reading <= local.now for reading in readings):
                # Every reading is past: the date needs fixing whichever was meant.
                return _Candidate(span.start, span.end, readings[0], [], False, cue)
        return _Candidate(span.start, span.end, readings[0], readings[1:], ambiguous, cue)
    if time_value is None:
        return None
    # A time alone ("by 3pm", "EOD") is today's, or tomorrow's once it has passed.
    if time_value.self_cued:
        cue = max(cue, 1)
    if not cue:
        return None
    due = _at(local.today, time_value.at, time_value.zone or local.zone, local)
    if due <= local.now:
        due = _at(
            local.today + timedelta(days=1), time_value.at, time_value.zone or local.zone, local
        )
    return _Candidate(span.start, span.end, due, [], False, cue)


def _later_of_alternatives(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """In "tonight or first thing tomorrow" the later time is the deadline."""
    kept: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda item: item.start):
        if kept and re.fullmatch(r"\s*,?\s*or\s*", text[kept[-1].end : candidate.start]):
            earlier = kept.pop()
            later = candidate if candidate.due >= earlier.due else earlier
            candidate = _Candidate(
                earlier.start,
                candidate.end,
                later.due,
                later.alternatives,
                later.ambiguous,
                max(earlier.cue, candidate.cue),
            )
        kept.append(candidate)
    return kept


def _cue_strength(text: str, span: _Span) -> int:
    """2 for a deadline word ("by", "due", "at the latest"), 1 for a weaker one, else 0."""
    before = text[max(0, span.start - 40) : span.start]
    if _STRONG_CUE.search(before) or _AFTER_CUE.match(text[span.end : span.end + 40]):
        return 2
    sentence = text[max(0, span.start - 200) : span.start]
    boundary = _SENTENCE_START.search(sentence)
    if _SENTENCE_CUE.search(sentence[boundary.end() :] if boundary else sentence):
        return 2
    return 1 if _WEAK_CUE.search(before) else 0


def _at(day: date, at: time, zone: tzinfo, local: _Local) -> datetime:
    del local
    return datetime.combine(day, at, zone)


def _month_first(zone_name: str) -> bool:
    return zone_name.startswith(_MONTH_FIRST_ZONE_PREFIXES)


def _local(
    sent_at: datetime, time_zone: str, working_day_end: time, working_day_start: time
) -> _Local:
    try:
        zone = resolve_zone(time_zone)
        key = zone.key
    except ValueError:
        zone, key = resolve_zone("UTC"), "UTC"
    if sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=UTC)
    return _Local(
        now=sent_at.astimezone(zone),
        zone=zone,
        day_end=working_day_end,
        day_start=working_day_start,
        month_first=_month_first(key),
    )


_CUE_WORDS = re.compile(
    r"(?:\b(?:by|before|due(?:\s+(?:on|by|date|at))?:?|deadline(?:\s+(?:is|of))?:?|until|till"
    r"|no\s+later\s+than|on\s+or\s+before|on|for|at)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)


def find_due_dates(
    text: str,
    *,
    sent_at: datetime,
    time_zone: str,
    working_day_end: time = time(17, 0),
    working_day_start: time = time(9, 0),
    require_cue: bool = False,
) -> list[DueParse]:
    """Return every due date the text mentions, cued ones ("by", "before", "due") first.

    Args:
        text: any text.
        sent_at: when it was written (aware).
        time_zone: the writer's zone, IANA or Windows name (unknown: UTC).
        working_day_end: the time a bare date means.
        working_day_start: the time "first thing" or "by next week" means.
        require_cue: keep only dates introduced by a deadline word or that are deadlines by
            themselves ("EOD", "within two weeks").

    Returns:
        The readings, in order of preference.
    """
    local = _local(sent_at, time_zone, working_day_end, working_day_start)
    spans = _without_overlaps([*_date_spans(text, local), *_time_spans(text, local)])
    candidates = [
        candidate
        for span in _combine(spans, text)
        if (candidate := _resolve(span, text, local)) is not None
    ]
    candidates = _later_of_alternatives(candidates, text)
    if require_cue:
        candidates = [candidate for candidate in candidates if candidate.cued]
    candidates.sort(key=lambda candidate: (-candidate.cue, candidate.ambiguous, candidate.start))
    results = []
    for candidate in candidates:
        cue = _CUE_WORDS.search(text[max(0, candidate.start - 30) : candidate.start])
        start = candidate.start - (len(cue.group(0)) if cue else 0)
        words = " ".join(text[start : candidate.end].split()).rstrip(".,;")
        due = candidate.due.astimezone(UTC)
        results.append(
            DueParse(
                due=due,
                text=words,
                ambiguous=candidate.ambiguous,
                alternatives=[other.astimezone(UTC) for other in candidate.alternatives],
                in_past=due <= local.now,
            )
        )
    return results


def parse_due(
    text: str,
    *,
    sent_at: datetime,
    time_zone: str,
    working_day_end: time = time(17, 0),
    working_day_start: time = time(9, 0),
) -> DueParse | None:
    """Read the due date a text sets, in the writer's zone and relative to when they wrote.

    Understands weekdays ("by Friday", "next Tuesday 2pm"), relative days ("tomorrow noon"),
    period ends ("end of next week", "EOM"), durations ("within two weeks"), day-of-month
    ("by the 15th"), named dates ("EOD 3 Dec", "December 3rd"), ISO dates and numeric dates
    ("3/12", read day- or month-first by the writer's zone; ambiguous unless only one reading
    lies in the coming year). A date without a time means ``working_day_end``.

    Args:
        text: the words, e.g. an email's text or a reply such as "Friday 3pm".
        sent_at: when the words were written (aware; naive is taken as UTC).
        time_zone: the writer's zone, IANA or Windows name; an unknown one reads as UTC.
        working_day_end: the time a bare date means.
        working_day_start: the time "first thing" or "by next week" means.

    Returns:
        The preferred reading (a date introduced by "by", "before", "due" and the like wins
        over one merely mentioned), or ``None`` when the text names no date.
    """
    found = find_due_dates(
        text,
        sent_at=sent_at,
        time_zone=time_zone,
        working_day_end=working_day_end,
        working_day_start=working_day_start,
    )
    return found[0] if found else None

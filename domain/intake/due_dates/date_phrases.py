"""Date phrases: each pattern finds a way of writing a date and reads it relative to now.

"by Friday", "next Tuesday", "EOD 3 Dec", "3/12", "within two weeks", "end of Q1", "by the
15th": every reader returns the date's possible readings (:class:`DateValue`), or ``None``
for words that only look like a date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from domain.intake.due_dates.calendar_words import MONTHS, NUMBER_WORDS, WEEKDAYS
from domain.intake.due_dates.holidays import (
    add_working_days,
    last_working_day_of_month,
    on_a_day_off,
)
from domain.intake.due_dates.spans import (
    RECENT_PAST,
    DateValue,
    Kind,
    Local,
    Span,
    add_months,
    day_the_month_lacks,
    ends_clause,
    last_weekday_of_month,
    nearest_year,
    next_day_of_month,
    number_value,
    valid_date,
    week_start,
)

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"
_NUMBER = r"(?P<count>\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_ORDINAL = r"(?:st|nd|rd|th)"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"

_BEFORE_CUE = re.compile(r"\b(?:by|before|prior\s+to|ahead\s+of)\s*(?:the\s+)?$", re.IGNORECASE)


# --- Date phrases: each returns the readings of one match ---------------------------------


def _iso(match: re.Match[str], local: Local) -> DateValue | None:
    day = valid_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None:
        return None
    if match["hh"] is not None:
        hour, minute = int(match["hh"]), int(match["mm"])
        if hour > 23 or minute > 59:
            return None
        exact = datetime.combine(day, time(hour, minute), local.zone)
        return DateValue([day], exact=exact)
    return DateValue([day])


# The word before a numeric date in German, French or Spanish ("bis 3/12", "pour le 3/12",
# "para el 3/1", "vence el 3/12"): those languages write the day first wherever the writer
# is, so "3/12" is the 3rd of December even from a mailbox in New York.
_DAY_FIRST_LEAD = re.compile(
    r"(?<!\w)(?:le|el|del|au|du|am|zum|bis|vom|ab|pour|para|avant|antes|hasta|d['\u2019]ici"
    r"|jusqu['\u2019]au|sp[äa]testens|f[äa]llig|vence|den|dia|día)\s+$",
    re.IGNORECASE,
)


def _numeric(match: re.Match[str], local: Local) -> DateValue | None:
    if _DAY_FIRST_LEAD.search(match.string[max(0, match.start() - 20) : match.start()]):
        local = replace(local, month_first=False, order_sure=True)
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
    if local.order_sure:
        orders = orders[:1]
    readings: list[date] = []
    for day_number, month in orders:
        if year is None:
            reading = nearest_year(local, month, day_number)
        else:
            reading = valid_date(year, month, day_number)
        if reading is not None and reading not in readings:
            readings.append(reading)
    if not readings:
        return None
    return DateValue(readings, needs_cue=year is None, ambiguous=len(readings) > 1)


def _day_month(match: re.Match[str], local: Local) -> DateValue | None:
    month = MONTHS[match["month"].lower()]
    day_number = int(match["day"])
    if match["year"]:
        reading = valid_date(int(match["year"]), month, day_number)
    else:
        reading = nearest_year(local, month, day_number)
        if reading is None:
            return day_the_month_lacks(local, month, day_number)
    return None if reading is None else on_a_day_off(reading, match, local.region)


def _mid_month(match: re.Match[str], local: Local) -> DateValue | None:
    reading = nearest_year(local, MONTHS[match["month"].lower()], 15)
    return None if reading is None else DateValue([reading])


# A noun's period: "the figures for March", "the report of April", "costs in May".
_PERIOD_LABEL = re.compile(r"\b[^\W\d]{3,}\s+(?:for|of|in|from)\s+$", re.IGNORECASE)


def _month_alone(match: re.Match[str], local: Local) -> DateValue | None:
    # "by December": before it starts, or by its end? Both are common, so the manager is asked.
    month = MONTHS[match["month"].lower()]
    first = nearest_year(local, month, 1)
    if first is None:
        return None
    if first < week_start(local.today) - timedelta(days=31):
        if _PERIOD_LABEL.search(match.string, max(0, match.start() - 40), match.start()):
            # "the statements for January", written in February: the month just over names
            # what the work is about, not next year's deadline.
            return None
        first = date(first.year + 1, month, 1)
    last = last_weekday_of_month(first.year, month)
    return DateValue([last, first], needs_cue=True, ambiguous=True)


def _end_of_month_name(match: re.Match[str], local: Local) -> DateValue | None:
    month = MONTHS[match["month"].lower()]
    first = nearest_year(local, month, 1)
    if first is None:
        return None
    reading = last_working_day_of_month(first.year, month, local.region)
    return DateValue([reading], self_cued=True)


def _day_of_month(match: re.Match[str], local: Local) -> DateValue | None:
    day_number = int(match["day"])
    if not 1 <= day_number <= 31:
        return None
    start = date(local.today.year, local.today.month, 1)
    if valid_date(start.year, start.month, day_number) is None:
        # "by the 31st" in September: this month's last day, or October's 31st? Ask.
        this_month_end = add_months(start, 1) - timedelta(days=1)
        later = next_day_of_month(day_number, this_month_end)
        if later is not None:
            return DateValue(
                [this_month_end, later], needs_cue=match["the"] is None, ambiguous=True
            )
    for months_ahead in range(0, 3):
        month_start = add_months(start, months_ahead)
        reading = valid_date(month_start.year, month_start.month, day_number)
        if reading is not None and reading >= local.today:

            def roll(day: date, number: int = day_number) -> date:
                for ahead in range(1, 4):
                    moved = add_months(date(day.year, day.month, 1), ahead)
                    candidate = valid_date(moved.year, moved.month, number)
                    if candidate is not None:
                        return candidate
                return day

            return DateValue([reading], roll=roll, needs_cue=match["the"] is None)
    return None


def _relative_day(match: re.Match[str], local: Local) -> DateValue | None:
    word = " ".join(match["rel"].lower().split()).removeprefix("the ")
    if word in ("today", "tonight", "this evening", "this afternoon", "this morning"):
        # "This morning" alone is over by noon; with an hour ("by 10 this morning") the hour.
        default = {"tonight": time(23, 59), "this morning": time(12, 0)}.get(word)
        # "As discussed this morning": usually a time past, a deadline only after a cue.
        return DateValue([local.today], default_time=default, needs_cue=word == "this morning")
    if word == "day after tomorrow":
        return DateValue([local.today + timedelta(days=2)], self_cued=ends_clause(match))
    return DateValue([local.today + timedelta(days=1)], self_cued=ends_clause(match))


# "one of the Friday lunches", "every Monday", "the Tuesday calls": a weekday naming what
# recurs, not a day.
_RECURRING_AFTER = re.compile(
    r"\s+(?:(?:team|staff|all-hands|leadership|project)\s+)?(?:meetings|lunches|calls|stand-?ups"
    r"|reviews|syncs|sessions|check-ins|one-on-ones|1:1s|huddles|drinks|demos|retros"
    r"|briefings|classes|trainings|catch-ups|updates|reports|slots)\b",
    re.IGNORECASE,
)
_RECURRING_BEFORE = re.compile(r"\b(?:every|each|any)\s+$", re.IGNORECASE)


def _weekday(match: re.Match[str], local: Local) -> DateValue | None:
    weekday = WEEKDAYS[match["weekday"].lower()]
    modifier = (match["mod"] or match["after"] or "").lower()
    if "last" in modifier:
        return None
    text = match.string
    if _RECURRING_AFTER.match(text, match.end()) or _RECURRING_BEFORE.search(
        text[max(0, match.start() - 10) : match.start()]
    ):
        return None
    if modifier == "week":
        # "Monday week": a week after the coming Monday.
        ahead = (weekday - local.today.weekday()) % 7 or 7
        return DateValue([local.today + timedelta(days=ahead + 7)])
    if "next" in modifier or "following" in modifier:
        next_monday = week_start(local.today) + timedelta(days=7)
        return DateValue([next_monday + timedelta(days=weekday)])
    ahead = (weekday - local.today.weekday()) % 7
    if ahead == 0 and "this" not in modifier:
        # "By Monday", said on a Monday, means next Monday: today would be "today".
        ahead = 7
    # "Thursday's review" is an event: a deadline only after "before" or "for", and weakly.
    possessive = match["possessive"] is not None
    return DateValue(
        [local.today + timedelta(days=ahead)],
        roll=lambda day: day + timedelta(days=7),
        needs_cue=possessive,
        weak_only=possessive,
    )


def _end_of_period(match: re.Match[str], local: Local) -> DateValue | None:
    period = (match["period"] or match["p2"] or "").lower()
    abbreviation = (match["eo"] or "").lower()
    period = {"w": "week", "m": "month", "q": "quarter", "y": "year"}.get(abbreviation, period)
    return period_end(period, following=match["next"] is not None, local=local)


def _this_period(match: re.Match[str], local: Local) -> DateValue | None:
    # "by ... this quarter", "at some point this month": by the period's end. Without such a
    # cue it is more often a span of activity ("mentor the graduate this quarter").
    value = period_end(match["period"].lower(), following=False, local=local)
    value.self_cued, value.needs_cue = False, True
    return value


def period_end(period: str, *, following: bool, local: Local) -> DateValue:
    """The last working day of this (or the following) week, month, quarter or year.

    Args:
        period: ``week``, ``month``, ``quarter`` or ``year``.
        following: the next period rather than the current one.
        local: the moment of writing.

    Returns:
        The reading, which rolls on to the next period once passed.
    """
    today = local.today
    if period == "week":
        monday = week_start(today) + timedelta(days=7 if following else 0)
        friday = monday + timedelta(days=4)
        if not following and today.weekday() >= 5:
            friday += timedelta(days=7)
        return DateValue([friday], roll=lambda day: day + timedelta(days=7), self_cued=True)
    if period == "month":
        base = add_months(date(today.year, today.month, 1), 1 if following else 0)

        def roll_month(day: date) -> date:
            moved = add_months(date(day.year, day.month, 1), 1)
            return last_working_day_of_month(moved.year, moved.month, local.region)

        reading = last_working_day_of_month(base.year, base.month, local.region)
        return DateValue([reading], roll=roll_month, self_cued=True)
    if period == "quarter":
        quarter_end_month = ((today.month - 1) // 3 + 1) * 3
        base = add_months(date(today.year, quarter_end_month, 1), 3 if following else 0)

        def roll_quarter(day: date) -> date:
            moved = add_months(date(day.year, day.month, 1), 3)
            return last_working_day_of_month(moved.year, moved.month, local.region)

        reading = last_working_day_of_month(base.year, base.month, local.region)
        return DateValue([reading], roll=roll_quarter, self_cued=True)
    year = today.year + (1 if following else 0)
    return DateValue([last_weekday_of_month(year, 12)], self_cued=True)


def _quarter_end(match: re.Match[str], local: Local) -> DateValue | None:
    quarter = int(match["q"] or match["q2"])
    month = quarter * 3
    year = local.today.year
    reading = last_weekday_of_month(year, month)
    if reading < local.today - RECENT_PAST:
        reading = last_weekday_of_month(year + 1, month)
    return DateValue([reading], self_cued=True)


_ORDINAL_WEEKS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}


def _week_of_month(match: re.Match[str], local: Local) -> DateValue | None:
    # "the first week of January": the Friday of that month's first full working week.
    month = MONTHS[match["month"].lower()]
    first = nearest_year(local, month, 1)
    if first is None:
        return None
    which = match["nth"].lower()
    if which == "last":
        last = date(first.year, month, calendar.monthrange(first.year, month)[1])
        monday = last - timedelta(days=last.weekday())
    else:
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        monday += timedelta(weeks=_ORDINAL_WEEKS[which])
    return DateValue([monday + timedelta(days=4)], self_cued=True)


def _week_phrase(match: re.Match[str], local: Local) -> DateValue | None:
    which = match["which"].lower()
    monday = week_start(local.today)
    if which == "this" or which == "the":
        friday = monday + timedelta(days=4)
        return DateValue([friday if friday >= local.today else friday + timedelta(days=7)])
    next_monday = monday + timedelta(days=7)
    before_text = match.string[max(0, match.start() - 20) : match.start()]
    if _BEFORE_CUE.search(before_text):
        # "by next week": ready when next week starts.
        return DateValue([next_monday], default_time=local.day_start)
    return DateValue([next_monday + timedelta(days=4)])


def _next_month_phrase(match: re.Match[str], local: Local) -> DateValue | None:
    base = add_months(date(local.today.year, local.today.month, 1), 1)
    before_text = match.string[max(0, match.start() - 20) : match.start()]
    if _BEFORE_CUE.search(before_text):
        return DateValue([base], default_time=local.day_start)
    return DateValue([last_weekday_of_month(base.year, base.month)])


def _duration(match: re.Match[str], local: Local) -> DateValue | None:
    count = number_value(match["count"] or match["count2"] or "")
    if count is None or count <= 0 or count > 400:
        return None
    unit = (match["unit"] or match["unit2"] or "").lower()
    working = (match["working"] or match["working2"]) is not None
    if unit.startswith("hour"):
        if count > 24 * 14:
            return None
        exact = local.now + timedelta(hours=count)
        return DateValue([exact.date()], exact=exact, self_cued=True)
    if unit.startswith("fortnight"):
        count, unit = count * 2, "week"
    if unit.startswith("day"):
        if working:
            reading = add_working_days(local.today, count, local.region)
        else:
            reading = local.today + timedelta(days=count)
    elif unit.startswith("week"):
        reading = local.today + timedelta(weeks=count)
    else:
        reading = add_months(local.today, count)
    return DateValue([reading], self_cued=True)


DATE_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str], Local], DateValue | None]]]
DATE_PATTERNS = [
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
            r"\b(?:the\s+)?(?:end\s+of\s+(?:the\s+|this\s+)?(?P<next>next\s+|following\s+)?"
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
            + r"(?P<possessive>'s)?(?!\w)"
            + r"(?:\s+(?P<after>next\s+week|after\s+next|of\s+next\s+week|week(?![\w'-])))?",
            re.IGNORECASE,
        ),
        _weekday,
    ),
    (
        re.compile(
            r"\b(?P<rel>today|tonight|this\s+evening|this\s+afternoon|this\s+morning|tomorrow|tmrw|tmr"
            r"|(?:the\s+)?day\s+after\s+tomorrow)\b",
            re.IGNORECASE,
        ),
        _relative_day,
    ),
    (
        re.compile(
            r"\b(?P<which>this|next|the)\s+week\b(?!\s*(?:'s|end|before|after|of)\b)",
            re.IGNORECASE,
        ),
        _week_phrase,
    ),
    (re.compile(r"\bnext\s+month\b", re.IGNORECASE), _next_month_phrase),
    (
        re.compile(
            r"\b(?:this|the\s+current)\s+(?P<period>month|quarter|year)\b(?!\s*'s)",
            re.IGNORECASE,
        ),
        _this_period,
    ),
    (
        re.compile(
            r"\b(?P<the>the\s+)?(?P<day>\d{1,2})" + _ORDINAL + r"\b"
            # "the 3rd floor", "the 2nd round": an ordinal before a noun is not a date.
            r"(?!\s+(?:floor|place|time|party|quarter|round|attempt|line|row|edition|grade|level"
            r"|item|option|point|version|iteration|draft|anniversary|birthday|person|team|week"
            r"|year|month|day|step|phase|stage|wave|cohort|batch|sprint|release|slide|page)\b)",
            re.IGNORECASE,
        ),
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


def date_spans(text: str, local: Local) -> Iterator[Span]:
    """Find every date phrase in the text, read relative to ``local``.

    Args:
        text: any text.
        local: the moment of writing in the sender's zone.

    Yields:
        One span per phrase (overlapping ones included; the caller keeps the longest).
    """
    for pattern, reader in DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = reader(match, local)
            if value is not None:
                yield Span(match.start(), match.end(), Kind.DATE, date_value=value)

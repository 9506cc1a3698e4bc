"""The next day off named by its kind, not its name, read on the sender's region's calendar.

"before the bank holiday", "by the public holiday", "vor dem Feiertag", "avant le jour férié",
"antes del feriado": the region's next public holiday. "the long weekend", "the bank holiday
weekend", "das lange Wochenende", "le pont", "el puente": the days off around the next
holiday that falls beside a weekend; the deadline is the last working day before them, since
nobody works the days that make the weekend long.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from domain.intake.due_dates.calendar_words import FOREIGN_MONTHS, MONTHS
from domain.intake.due_dates.holidays import (
    HOLIDAY_PATTERN,
    holiday_date,
    is_public_holiday,
    said_before,
    working_day_before,
)
from domain.intake.due_dates.spans import DateValue, Kind, Local, Span

_ALL_MONTHS = {**MONTHS, **FOREIGN_MONTHS}
# How far ahead "the holiday" may be: further on, the words name some other day off.
_AHEAD_DAYS = 70

_LONG_WEEKEND = re.compile(
    r"(?<!\w)(?P<base>"
    r"(?:next\s+|coming\s+)?(?:long|(?:bank|public)\s+holiday|holiday)\s+weekend"
    r"|(?:n[äa]chsten?\s+)?(?:lange[nm]?\s+wochenende|br[üu]ckentag"
    r"|feiertagswochenende)"
    r"|(?:prochain\s+)?(?:pont|(?:long|grand)\s+week-?end)"
    r"|(?:pr[óo]ximo\s+)?(?:puente|fin\s+de\s+semana\s+largo)"
    r")(?!\w)"
    # Whose days off: "le pont de l'Ascension", "the long weekend of Easter", "el puente de
    # diciembre", "das lange Wochenende an Pfingsten": a holiday's or a month's.
    r"(?:\s+(?:of|over|at|de|d['\u2019]|du|del|von|an|zu)\s*(?:l['\u2019]|la\s+|el\s+)?"
    r"(?:(?P<month>" + "|".join(sorted(_ALL_MONTHS, key=len, reverse=True)) + r")(?!\w)"
    r"|" + HOLIDAY_PATTERN.pattern + r"))?",
    re.IGNORECASE,
)
_HOLIDAY = re.compile(
    r"(?<!\w)(?:"
    r"(?:next\s+|coming\s+)?(?:bank|public|national)\s+holiday(?!\s+weekend)"
    r"|(?:n[äa]chsten?\s+)?feiertag"
    r"|(?:prochain\s+)?(?:jour\s+)?f[ée]ri[ée](?!s)"
    r"|(?:pr[óo]ximo\s+)?(?:feriado|d[ií]a\s+festivo|festivo)(?!s)"
    r")(?!\w)",
    re.IGNORECASE,
)


def _next_holiday(start: date, region: str) -> date | None:
    """The first weekday from ``start`` on that is a public holiday in the region."""
    day = start
    for _ in range(_AHEAD_DAYS):
        if day.weekday() < 5 and is_public_holiday(day, region):
            return day
        day += timedelta(days=1)
    return None


def _off(day: date, region: str) -> bool:
    return day.weekday() >= 5 or is_public_holiday(day, region)


def _first_day_off(holiday: date, region: str) -> date | None:
    """The first of the days off around a holiday, when they make a long weekend.

    One working day between days off is bridged (the "pont", "puente", "Brückentag"): the
    Monday before a Tuesday's holiday, the Friday after a Thursday's, the Thursday between
    holidays on Wednesday and Friday. Only one: a second would make a week of it, which nobody
    means by "the long weekend". After the holiday first, since the bridge usually leads to
    the weekend: before Ascension the Wednesday is worked even when Tuesday was a holiday.
    """
    day = timedelta(days=1)
    start = end = holiday
    bridged = False
    while True:
        if _off(end + day, region):
            end += day
        elif not bridged and _off(end + 2 * day, region):
            end, bridged = end + 2 * day, True
        else:
            break
    while True:
        if _off(start - day, region):
            start -= day
        elif not bridged and _off(start - 2 * day, region):
            start, bridged = start - 2 * day, True
        else:
            break
    return start if end > start else None


def _named_days_off(match: re.Match[str], local: Local) -> date | None:
    """The first day off of the long weekend a holiday or a month names ("pont de l'Ascension")."""
    if match["month"]:
        month = _ALL_MONTHS[match["month"].lower()]
        year = local.today.year + (month < local.today.month)
        day = max(date(year, month, 1), local.today + timedelta(days=1))
        while day.month == month:
            if day.weekday() < 5 and is_public_holiday(day, local.region):
                found = _first_day_off(day, local.region)
                if found is not None and found > local.today:
                    return found
            day += timedelta(days=1)
        return None
    if not match["holiday"]:
        return None
    holiday = holiday_date(match["holiday"], today=local.today, region=local.region)
    if holiday is None:
        return None
    return _first_day_off(holiday, local.region) or holiday


def days_off_spans(text: str, local: Local) -> Iterator[Span]:
    """Find the words naming the region's next holiday or long weekend by their kind.

    Args:
        text: any text.
        local: the moment of writing in the sender's zone and region.

    Yields:
        One date span per phrase; a deadline only after a cue ("before", "by").
    """
    if not local.region:
        return
    for match in _LONG_WEEKEND.finditer(text):
        found = None
        holiday = _next_holiday(local.today + timedelta(days=1), local.region)
        if match["holiday"] or match["month"]:
            found = _named_days_off(match, local)
            holiday = None
        while holiday is not None and found is None:
            found = _first_day_off(holiday, local.region)
            if (holiday - local.today).days > _AHEAD_DAYS:
                found = None
                break
            holiday = _next_holiday(holiday + timedelta(days=1), local.region)
        if found is None or found <= local.today:
            continue
        day = working_day_before(found, local.region)
        if day < local.today:
            continue
        anchor = f"the days off start {found:%A} {found.day} {found:%B}, so the day before"
        yield Span(
            match.start(),
            match.end(),
            Kind.DATE,
            date_value=DateValue([day], needs_cue=True, anchor=anchor),
        )
    for match in _HOLIDAY.finditer(text):
        next_holiday = _next_holiday(local.today + timedelta(days=1), local.region)
        if next_holiday is None:
            continue
        day = next_holiday
        anchor = f"the next public holiday is {day:%A} {day.day} {day:%B}"
        if said_before(text, match.start()):
            day = working_day_before(day, local.region)
            anchor += ", so the day before"
        yield Span(
            match.start(),
            match.end(),
            Kind.DATE,
            date_value=DateValue([day], needs_cue=True, anchor=anchor),
        )

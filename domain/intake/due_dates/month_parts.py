"""Parts of a month and numbered weeks, in the four languages.

"early January", "Anfang Januar", "début janvier", "a principios de enero" (the Friday of the
month's first full week); "Mitte Januar", "mi-janvier", "a mediados de enero" (the 15th);
"late January" (its last weekday, as "Ende Januar" is); "KW 51", "semaine 51", "semana 51",
"calendar week 51" (the Friday of that ISO week).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta

from domain.intake.due_dates.calendar_words import FOREIGN_MONTHS, MONTHS
from domain.intake.due_dates.spans import (
    DateValue,
    Kind,
    Local,
    Span,
    last_weekday_of_month,
    nearest_year,
)

_ALL_MONTHS = {**MONTHS, **FOREIGN_MONTHS}


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_MONTH = r"(?P<month>" + _alternatives(_ALL_MONTHS) + r")\.?(?!\w)"


def first_full_week_friday(year: int, month: int) -> date:
    """The Friday of the month's first week that starts on a Monday inside it."""
    first = date(year, month, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return monday + timedelta(days=4)


def _early(match: re.Match[str], local: Local) -> DateValue | None:
    month = _ALL_MONTHS[match["month"].lower()]
    first = nearest_year(local, month, 1)
    if first is None:
        return None
    return DateValue([first_full_week_friday(first.year, month)])


def _middle(match: re.Match[str], local: Local) -> DateValue | None:
    reading = nearest_year(local, _ALL_MONTHS[match["month"].lower()], 15)
    return None if reading is None else DateValue([reading])


def _late(match: re.Match[str], local: Local) -> DateValue | None:
    month = _ALL_MONTHS[match["month"].lower()]
    first = nearest_year(local, month, 1)
    if first is None:
        return None
    return DateValue([last_weekday_of_month(first.year, month)], self_cued=True)


def _whole_month(match: re.Match[str], local: Local) -> DateValue | None:
    # "courant janvier", "im Laufe des Januars", "durante enero": any day of the month, so
    # the start and the end are both readings and the manager is asked, as for "during January".
    month = _ALL_MONTHS[match["month"].lower()]
    first = nearest_year(local, month, 1)
    if first is None:
        return None
    last = last_weekday_of_month(first.year, month)
    if last < local.today:
        return None
    return DateValue([last, max(first, local.today)], ambiguous=True)


def _numbered_week(match: re.Match[str], local: Local) -> DateValue | None:
    week = int(match["week"])
    for year in (local.today.year, local.today.year + 1):
        try:
            friday = date.fromisocalendar(year, week, 5)
        except ValueError:
            continue
        # A week just past is a slip to ask about, not next year's week.
        if friday >= local.today - timedelta(days=7):
            return DateValue([friday])
    return None


_Reader = Callable[[re.Match[str], Local], DateValue | None]
MONTH_PART_PATTERNS: list[tuple[re.Pattern[str], _Reader]] = [
    (
        re.compile(
            r"(?<!\w)(?:early|anfang|d[ée]but(?:\s+d['\u2019]|\s+de)?|(?:a\s+)?principios\s+de"
            r"|(?:a\s+)?comienzos\s+de|(?:a\s+)?inicios\s+de)\s*" + _MONTH,
            re.IGNORECASE,
        ),
        _early,
    ),
    (
        re.compile(
            r"(?<!\w)(?:mitte|(?:(?:à\s+)?la\s+)?mi-|(?:a\s+)?mediados\s+de\s+)\s*" + _MONTH,
            re.IGNORECASE,
        ),
        _middle,
    ),
    (re.compile(r"(?<!\w)late\s+" + _MONTH, re.IGNORECASE), _late),
    (
        # "during" in the other three languages, before a month: "courant janvier", "dans le
        # courant de janvier", "au cours du mois de janvier", "im Laufe des Januars", "während
        # des Januars", "durante enero", "a lo largo de enero", "en el transcurso de enero".
        re.compile(
            r"(?<!\w)(?:courant|dans\s+le\s+courant\s+d[eu]|au\s+cours\s+d[eu]"
            r"|im\s+lauf(?:e)?\s+(?:des|von)|w[äa]hrend\s+des|durante(?:\s+el)?"
            r"|a\s+lo\s+largo\s+de(?:l)?|en\s+el\s+transcurso\s+de(?:l)?)"
            r"\s+(?:(?:mois|mes)\s+de\s+|monats\s+)?"
            + _MONTH.removesuffix(r"(?!\w)")
            + r"s?(?!\w)",
            re.IGNORECASE,
        ),
        _whole_month,
    ),
    (
        re.compile(
            # Only names of the calendar week: "week 3" is as often a project's third week.
            r"(?<!\w)(?:KW|kalenderwoche|calendar\s+week|CW|semaine|semana)\s*"
            r"(?P<week>[1-9]|[1-4]\d|5[0-3])"
            r"(?![\w/:-]|\.\d)",
            re.IGNORECASE,
        ),
        _numbered_week,
    ),
]


def month_part_spans(text: str, local: Local) -> Iterator[Span]:
    """Find every part of a month ("Anfang Januar") and numbered week ("KW 51") in the text.

    Args:
        text: any text.
        local: the moment of writing in the sender's zone.

    Yields:
        One span per phrase (the caller keeps the longest of overlapping ones).
    """
    for pattern, reader in MONTH_PART_PATTERNS:
        for match in pattern.finditer(text):
            value = reader(match, local)
            if value is not None:
                yield Span(match.start(), match.end(), Kind.DATE, date_value=value)

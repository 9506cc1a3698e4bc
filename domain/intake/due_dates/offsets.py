"""Deadlines counted back from another date: "two days before the kickoff", "la veille".

In the four languages: a number of (working) days or weeks before ("zwei Werktage vor dem
Workshop", "deux jours ouvrés avant le lancement", "tres días hábiles antes del cierre"), the
day or week before ("am Vortag", "la veille", "el día anterior", "die Woche davor"), and a
weekday before ("the Friday before", "am Freitag davor", "le vendredi d'avant", "el viernes
anterior"). The date counted from (the anchor) is found by ``dates``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from domain.intake.due_dates.calendar_words import FOREIGN_NUMBER_WORDS, FOREIGN_WEEKDAYS
from domain.intake.due_dates.spans import number_value


@dataclass(frozen=True)
class Offset:
    """One "N days before" phrase at ``start:end``.

    ``named``: "day", "week", a weekday, or "same" (the anchor's own day, "the morning of").
    """

    start: int
    end: int
    count: int = 0
    weeks: bool = False
    working: bool = False
    named: str = ""
    first_thing: bool = False
    """The day's start ("the morning of"), not its end."""


_COUNT_WORDS = {"einen": 1, "un par de": 2}
_ENGLISH_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
_WEEKDAY_NUMBERS = {**{name: index for index, name in enumerate(_ENGLISH_WEEKDAYS)}}
_WEEKDAY_NUMBERS |= {name: day for name, day in FOREIGN_WEEKDAYS.items() if day < 5}
_FOREIGN_WEEKDAY = (
    r"(?P<weekday>"
    + "|".join(
        re.escape(name)
        for name in sorted(
            (name for name, day in FOREIGN_WEEKDAYS.items() if day < 5), key=len, reverse=True
        )
    )
    + r")"
)
_FOREIGN_COUNT = (
    r"(?P<count>\d{1,2}|"
    + "|".join(sorted(map(re.escape, FOREIGN_NUMBER_WORDS), key=len, reverse=True))
    + r"|einen|un\s+par\s+de)"
)
_ENGLISH = re.compile(
    r"\b(?:(?P<count>\d{1,2}|one|two|three|four|five|six|seven|a|an|a\s+couple\s+of)\s+"
    r"(?P<working>(?:working|business)\s+)?(?P<unit>days?|weeks?)"
    r"|the\s+(?P<named>day|week)|the\s+(?P<weekday>" + "|".join(_ENGLISH_WEEKDAYS) + r"))"
    # "a couple of days ahead", "a week in advance": the date counted from said before.
    r"\s+(?:before|ahead\s+of|prior\s+to|ahead|in\s+advance|beforehand|earlier)\b"
    # "by the morning of the briefing": that day, first thing.
    r"|\b(?P<morning>the\s+morning\s+of)\b",
    re.IGNORECASE,
)
# "before" in each language, and the words that say "before it" with the anchor said earlier.
_FOREIGN = re.compile(
    r"(?<!\w)(?:"
    # German: "zwei Werktage vor dem Workshop", "drei Tage vorher", "am Vortag", "die Woche
    # davor", "am Freitag davor".
    + _FOREIGN_COUNT
    + r"\s+(?P<working>arbeits|werk)?(?P<unit>tage?n?|wochen?)"
    r"\s+(?:vor(?:her)?|davor|zuvor|im\s+voraus|fr[üu]her)"
    r"|(?P<morning_de>am\s+morgen\s+(?:des|der|vom))"
    r"|(?P<day_de>(?:am\s+|den\s+)?vortag|(?:am|den)\s+tag\s+(?:davor|vorher|zuvor))"
    r"|(?P<week_de>(?:die|in\s+der)\s+woche\s+(?:davor|vorher|zuvor))"
    r"|(?:am\s+)?" + _FOREIGN_WEEKDAY + r"\s+(?:davor|vorher|zuvor"
    # French: "deux jours ouvrés avant", "la veille", "la semaine d'avant", "le vendredi
    # d'avant"; Spanish: "dos días hábiles antes", "el día anterior", "el viernes anterior".
    r"|d['\u2019]avant|pr[ée]c[ée]dent|qui\s+pr[ée]c[èe]de|anterior|previo"
    # "le vendredi avant le lancement", but "vendredi avant 10h" is a time on that Friday.
    r"|(?:avant|antes)(?!\s+(?:\d|midi|minuit|de\s+las?\b|del?\s+mediod)))"
    r"|"
    + _FOREIGN_COUNT.replace("count", "count_ro")
    + r"\s+(?P<unit_ro>jours?|semaines?|d[íi]as?|semanas?)"
    r"(?:\s+(?P<working_ro>ouvr[ée]s?|ouvrables?|h[áa]bil(?:es)?|laborables?))?"
    r"\s+(?:avant|plus\s+t[ôo]t|auparavant|[àa]\s+l['\u2019]avance|d['\u2019]avance|antes"
    r"|previos|(?:de|con)\s+(?:antelaci[óo]n|anticipaci[óo]n))"
    r"|(?P<morning_ro>le\s+matin\s+(?:du|de\s+la|de\s+l['\u2019])|la\s+ma[ñn]ana\s+del?)"
    # "la veille du lancement", never "la veille technologique" (a watch kept).
    r"|(?P<day_ro>la\s+veille(?=\s*(?:du|de|d['\u2019]|au|[,.;:!?)]|$))"
    r"|el\s+d[íi]a\s+(?:antes|anterior|previo))"
    r"|(?P<week_ro>la\s+semaine\s+(?:d['\u2019]avant|pr[ée]c[ée]dente)"
    r"|la\s+semana\s+(?:antes|anterior|previa))"
    r")(?!\w)",
    re.IGNORECASE,
)


def offsets_in(text: str) -> Iterator[Offset]:
    """Find each phrase that counts a deadline back from another date.

    Args:
        text: any text.

    Yields:
        The phrases, English first, then German, French and Spanish.
    """
    for match in _ENGLISH.finditer(text):
        yield _offset(match, match["count"], match["unit"], match["working"])
    for match in _FOREIGN.finditer(text):
        if match["count_ro"] is not None:
            yield _offset(match, match["count_ro"], match["unit_ro"], match["working_ro"])
        elif match["count"] is not None:
            yield _offset(match, match["count"], match["unit"], match["working"])
        else:
            yield _offset(match, None, None, None)


def _offset(
    match: re.Match[str], count_words: str | None, unit: str | None, working: str | None
) -> Offset:
    groups = match.groupdict()
    start, end = match.span()
    if groups.get("morning") or groups.get("morning_de") or groups.get("morning_ro"):
        return Offset(start, end, named="same", first_thing=True)
    if groups.get("weekday"):
        return Offset(start, end, named=groups["weekday"].lower())
    if groups.get("named") or groups.get("day_de") or groups.get("day_ro"):
        named = (groups.get("named") or "day").lower()
        return Offset(start, end, named=named)
    if groups.get("week_de") or groups.get("week_ro"):
        return Offset(start, end, named="week")
    words = " ".join((count_words or "").lower().split())
    count = _COUNT_WORDS.get(words) or number_value(words) or 0
    weeks = (unit or "").lower().startswith(("week", "woche", "wochen", "semaine", "semana"))
    return Offset(start, end, count=count, weeks=weeks, working=working is not None)


def offset_day(anchor: date, offset: Offset) -> date | None:
    """The day an offset counts back to from its anchor (``None`` for a count it cannot read).

    Args:
        anchor: the date counted from.
        offset: the phrase.

    Returns:
        The day before, the week before, the weekday before or N (working) days or weeks
        before the anchor.
    """
    if offset.named == "same":
        return anchor
    if offset.named == "day":
        return anchor - timedelta(days=1)
    if offset.named == "week":
        return anchor - timedelta(days=7)
    if offset.named:
        back = (anchor.weekday() - _WEEKDAY_NUMBERS[offset.named]) % 7 or 7
        return anchor - timedelta(days=back)
    if offset.count <= 0:
        return None
    if offset.weeks:
        return anchor - timedelta(weeks=offset.count)
    day, count = anchor, offset.count
    while count > 0:
        day -= timedelta(days=1)
        if not offset.working or day.weekday() < 5:
            count -= 1
    return day

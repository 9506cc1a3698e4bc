"""A weekday of a week named beside it: "next week Wednesday", "Mittwoch nächste Woche".

The week may come before or after the day, in any of the four languages ("la semaine
prochaine, mercredi", "el miércoles de la próxima semana", "am Mittwoch dieser Woche"). The
day is read in that calendar week, so "Wednesday of next week" written on a Monday is nine
days on, never the Wednesday two days on, and "nächste Woche Mittwoch" is a day, not the
start or the end of that week.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

from domain.intake.due_dates.calendar_words import FOREIGN_WEEKDAYS, WEEKDAYS
from domain.intake.due_dates.spans import DateValue, Kind, Local, Span, week_start

# Full names only: "mon" is also French ("la semaine prochaine, mon équipe").
_ALL_WEEKDAYS = {
    **{word: day for word, day in WEEKDAYS.items() if word.endswith("day")},
    **FOREIGN_WEEKDAYS,
}
_DAY = (
    r"(?P<{name}>"
    + "|".join(re.escape(word) for word in sorted(_ALL_WEEKDAYS, key=len, reverse=True))
    + r")(?!\w)"
)
# "this week" (0), "next week" (1), "the week after next" (2), in the four languages; the
# word for "next" in either gender or case ("nächste", "nächsten", "próxima", "próximo").
_WEEK = (
    r"(?P<{name}>(?:the\s+)?week\s+after\s+next|(?:[üu]ber)?n[äa]e?chsten?r?\s+woche"
    r"|kommenden?r?\s+woche|diese[rn]?\s+woche"
    r"|(?:this|next|the\s+following|the\s+coming|this\s+coming)\s+week"
    r"|(?:la\s+)?semaine\s+(?:prochaine|suivante|qui\s+vient)|cette\s+semaine"
    r"|(?:la\s+)?pr[óo]xima\s+semana|(?:la\s+)?semana\s+(?:que\s+viene|pr[óo]xima|siguiente)"
    r"|esta\s+semana)(?!\w)"
)
# What may stand between the day and its week: "Wednesday of next week", "Mittwoch in der
# nächsten Woche", "mercredi de la semaine prochaine", "el miércoles de esta semana".
_DAY_THEN_WEEK = re.compile(
    r"(?<!\w)"
    + _DAY.format(name="day")
    + r"(?:\s*,)?\s+(?:(?:of|in|de|in\s+der|der)\s+)?"
    + _WEEK.format(name="week"),
    re.IGNORECASE,
)
# "next week Wednesday", "nächste Woche am Mittwoch", "la semaine prochaine, le mercredi".
_WEEK_THEN_DAY = re.compile(
    r"(?<!\w)"
    + _WEEK.format(name="week")
    + r"(?:\s*,)?\s+(?:(?:on|am|le|el)\s+)?"
    + _DAY.format(name="day"),
    re.IGNORECASE,
)


def _weeks_on(words: str) -> int:
    """How many calendar weeks after this one the words name."""
    lowered = words.lower()
    if "after next" in lowered or lowered.startswith(("über", "uber")):
        return 2
    if lowered.startswith(("this", "dies", "cette", "esta")):
        return 0
    return 1


def week_day_spans(text: str, local: Local) -> Iterator[Span]:
    """Find each weekday named with its week ("Wednesday next week", "nächste Woche Mittwoch").

    Args:
        text: any text.
        local: the moment of writing in the sender's zone.

    Yields:
        One date span per phrase, the day in the week named.
    """
    for pattern in (_DAY_THEN_WEEK, _WEEK_THEN_DAY):
        for match in pattern.finditer(text):
            weekday = _ALL_WEEKDAYS[match["day"].lower()]
            monday = week_start(local.today) + timedelta(weeks=_weeks_on(match["week"]))
            day = monday + timedelta(days=weekday)
            yield Span(match.start(), match.end(), Kind.DATE, date_value=DateValue([day]))

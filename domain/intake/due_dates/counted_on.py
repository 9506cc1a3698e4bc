"""A day counted on from a named day, and the moment of writing a day or a week on.

"A fortnight today", "a week on Friday", "tomorrow week", "heute in acht Tagen", "Montag in
zwei Wochen", "aujourd'hui en huit", "demain en quinze", "de hoy en ocho", "el lunes en
quince": a base day (today, tomorrow or a weekday) and a count of weeks, said in either
order. The French and Spanish idioms count the base day itself, so "en huit" and "en ocho"
are one week on and "en quinze", "en quince" two; so are the German "in acht Tagen" and "in
vierzehn Tagen".

"This time tomorrow", "same time next week", "morgen um diese Zeit", "demain à la même
heure", "mañana a esta hora": the hour and minute of writing, a day or a week on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from domain.intake.due_dates.calendar_words import FOREIGN_WEEKDAYS, WEEKDAYS
from domain.intake.due_dates.spans import DateValue, Kind, Local, Span

# Full names only: "mar" and "mer" are also words.
_WEEKDAY_NAMES = {
    **{word: day for word, day in WEEKDAYS.items() if word.endswith("day")},
    **FOREIGN_WEEKDAYS,
}
_WEEKDAY = (
    r"(?P<weekday>"
    + "|".join(re.escape(word) for word in sorted(_WEEKDAY_NAMES, key=len, reverse=True))
    + r")"
)
_TODAY = r"today|heute|aujourd['\u2019]hui|hoy"
_TOMORROW = r"tomorrow|tmrw|morgen|demain|ma[ñn]ana"
_BASE = r"(?P<base>" + _TODAY + "|" + _TOMORROW + "|" + _WEEKDAY + ")"
# A count of weeks: English "a week", "two weeks", "a fortnight"; German "einer Woche",
# "zwei Wochen", "acht Tagen", "vierzehn Tagen"; French "huit", "quinze"; Spanish "ocho",
# "quince" (each with its optional "jours", "días").
_ENGLISH_WEEKS = r"(?P<en>a|one|two|three)\s+(?P<en_unit>weeks?|fortnights?)"
_GERMAN_WEEKS = r"in\s+(?P<de>einer|zwei|drei|acht|vierzehn|14|8)\s+(?P<de_unit>wochen?|tagen)"
_ROMANCE_WEEKS = r"en\s+(?P<ro>huit|quinze|ocho|quince|8|15)(?:\s+(?:jours|d[ií]as))?"
_WEEKS_ON = re.compile(
    r"(?<!\w)(?:"
    # "a fortnight today", "a week on Friday", "two weeks tomorrow"
    + _ENGLISH_WEEKS
    + r"\s+(?:on\s+|from\s+)?"
    + _BASE
    # "today week", "Friday fortnight" ("Monday week" is read with the other weekdays)
    + r"|(?P<base2>"
    + _TODAY
    + "|"
    + _TOMORROW
    + r")\s+(?P<unit2>week|fortnight)"
    + r"|"
    + _BASE.replace("?P<base>", "?P<base3>").replace("?P<weekday>", "?P<weekday3>")
    + r"\s+fortnight"
    # "heute in acht Tagen", "d'aujourd'hui en huit", "de hoy en ocho", "el lunes en quince"
    + r"|(?:d['\u2019]\s*|de\s+(?:l[ea]s?\s+)?|del\s+|el\s+|le\s+|am\s+)?"
    + _BASE.replace("?P<base>", "?P<base4>").replace("?P<weekday>", "?P<weekday4>")
    + r"\s+(?:"
    + _GERMAN_WEEKS
    + "|"
    + _ROMANCE_WEEKS
    + r"))(?!\w)",
    re.IGNORECASE,
)
_WEEK_COUNTS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "einer": 1,
    "zwei": 2,
    "drei": 3,
    "acht": 1,
    "8": 1,
    "vierzehn": 2,
    "14": 2,
    "huit": 1,
    "ocho": 1,
    "quinze": 2,
    "quince": 2,
    "15": 2,
}


def _base_day(words: str, local: Local) -> date:
    lowered = words.lower()
    if re.fullmatch(_TODAY, lowered):
        return local.today
    if re.fullmatch(_TOMORROW, lowered):
        return local.today + timedelta(days=1)
    # A weekday is its coming one; said on that weekday, the next.
    ahead = (_WEEKDAY_NAMES[lowered] - local.today.weekday()) % 7 or 7
    return local.today + timedelta(days=ahead)


def _weeks(match: re.Match[str]) -> int:
    if match["en"]:
        count = _WEEK_COUNTS[match["en"].lower()]
        return count * (2 if match["en_unit"].lower().startswith("fortnight") else 1)
    if match["unit2"]:
        return 2 if match["unit2"].lower() == "fortnight" else 1
    if match["base3"]:
        return 2
    if match["de"]:
        # "in acht Tagen" counts days that mean weeks; "in zwei Wochen" counts weeks.
        return _WEEK_COUNTS[match["de"].lower()]
    return _WEEK_COUNTS[match["ro"].lower()]


_SAME_TIME = re.compile(
    r"(?<!\w)(?:"
    # English: this time tomorrow, (at) the same time next week.
    r"(?:at\s+)?(?:this|the\s+same|same)\s+time\s+(?P<when>tomorrow|next\s+week)"
    r"|(?P<when2>tomorrow|next\s+week)\s+(?:at\s+)?(?:this|the\s+same|same)\s+time"
    # "morgen um diese Zeit", "morgen zur gleichen Zeit", "nächste Woche um dieselbe Zeit"
    r"|(?P<when3>morgen|n[äa]chste\s+woche)\s+(?:um\s+(?:diese|dieselbe|die\s+gleiche)"
    r"|zur\s+(?:selben|gleichen))\s+zeit"
    # "demain à la même heure", "à la même heure demain", "demain à cette heure-ci"
    r"|(?P<when4>demain|la\s+semaine\s+prochaine)\s+(?:à|a)\s+(?:la\s+m[êe]me|cette)\s+heure"
    r"(?:-(?:ci|là|la))?"
    r"|(?:à|a)\s+la\s+m[êe]me\s+heure\s+(?P<when5>demain|la\s+semaine\s+prochaine)"
    # "mañana a esta hora", "mañana a la misma hora", "a esta misma hora mañana"
    r"|(?P<when6>ma[ñn]ana|la\s+semana\s+que\s+viene|la\s+pr[óo]xima\s+semana)"
    r"\s+a\s+(?:esta|la\s+misma)(?:\s+misma)?\s+hora"
    r"|a\s+(?:esta|la\s+misma)(?:\s+misma)?\s+hora\s+(?P<when7>ma[ñn]ana)"
    r")(?!\w)",
    re.IGNORECASE,
)
_DAY_WORDS = ("tomorrow", "morgen", "demain", "mañana", "manana")


def counted_on_spans(text: str, local: Local) -> Iterator[Span]:
    """Find each day counted in weeks from a named day, and each "this time tomorrow".

    Args:
        text: any text.
        local: the moment of writing in the sender's zone.

    Yields:
        One date span per phrase; "this time tomorrow" carries the exact moment.
    """
    for match in _WEEKS_ON.finditer(text):
        base = match["base"] or match["base2"] or match["base3"] or match["base4"]
        day = _base_day(base, local) + timedelta(weeks=_weeks(match))
        yield Span(
            match.start(),
            match.end(),
            Kind.DATE,
            date_value=DateValue([day], self_cued=True),
        )
    for match in _SAME_TIME.finditer(text):
        when = next(words for words in match.groups() if words)
        days = 1 if when.lower() in _DAY_WORDS else 7
        exact = local.now + timedelta(days=days)
        yield Span(
            match.start(),
            match.end(),
            Kind.DATE,
            date_value=DateValue([exact.date()], exact=exact, self_cued=True),
        )

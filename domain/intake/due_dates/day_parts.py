"""A part of the day followed by its hour: "Thursday morning at 8", "Donnerstag früh um 8".

The part of the day ("morning", "früh", "matin", "por la tarde") alone stands for the
working day's start or end; with an hour after it the hour is the time, read in that part of
the day: "Friday evening at 7" is 19:00, "demain matin à 7h" 07:00, where a bare 7 would be
the afternoon's on office hours. The hour needs no clause end after it, as a bare "at 8"
does: the part of the day already says it is a time ("bis Donnerstag früh um 8 an mich").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time

from domain.intake.due_dates.spans import Kind, Span, TimeValue

_MORNING = re.compile(
    r"(?:(?:in\s+the\s+)?morning|first\s+thing(?:\s+in\s+the\s+morning)?"
    r"|(?:in\s+der\s+)?fr[üu]h|morgens|vormittags?"
    r"|(?:le\s+|en\s+|dans\s+la\s+)?matin(?:[ée]e)?"
    r"|(?:por|en)\s+la\s+ma[ñn]ana|a\s+primera\s+hora)",
    re.IGNORECASE,
)
_LATER = re.compile(
    r"(?:(?:in\s+the\s+)?(?:afternoon|evening)|nachmittags?|abends?"
    r"|(?:l['\u2019]|en\s+|dans\s+l['\u2019])?apr[èe]s-midi|(?:le\s+|en\s+)?soir(?:[ée]e)?"
    r"|(?:por|en)\s+la\s+(?:tarde|noche))",
    re.IGNORECASE,
)
# The word that ties the hour to the part of the day: "morning at 8", "früh um 8",
# "matin à 8h", "por la mañana a las 8", or a comma.
_TIE = (
    r"\s*(?:,\s*)?(?:at|by|before|around|um|gegen|bis|vor|à|vers|avant|a\s+las?"
    r"|antes\s+de\s+las?|hacia\s+las?|sobre\s+las?)\s+"
)
# The hour in words: "morgen früh um acht", "Friday morning at eight", "por la mañana a las
# ocho". French says "heures" after it ("demain matin à huit heures"), where "à une" may be
# "à une réunion"; "la una" and "one" alone are left out for the same reason.
_WORD_HOURS = {
    word: hour
    for words in (
        ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve"),
        ("zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf",
         "zwölf"),
        ("dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once",
         "doce"),
    )
    for hour, word in enumerate(words, start=2)
}  # fmt: skip
_FRENCH_WORD_HOURS = {
    word: hour
    for hour, word in enumerate(
        ("une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
         "onze", "douze"),
        start=1,
    )
}  # fmt: skip
_PART_THEN_HOUR = re.compile(
    r"(?<!\w)(?P<part>"
    + _MORNING.pattern
    + "|"
    + _LATER.pattern
    + r")"
    + _TIE
    + r"(?:(?P<h>[01]?\d|2[0-3])(?:[:.h](?P<m>[0-5]\d))?|(?P<word>"
    + "|".join(sorted(_WORD_HOURS, key=len, reverse=True))
    + r")(?!\w)|(?P<fr_word>"
    + "|".join(sorted(_FRENCH_WORD_HOURS, key=len, reverse=True))
    + r")(?=\s+heures?))"
    + r"(?:\s*(?:uhr|h|heures?|horas?|hs|o['\u2019]clock))?(?![\w:/]|[.,]\d)",
    re.IGNORECASE,
)


def day_part_hour_spans(text: str) -> Iterator[Span]:
    """Find each hour said after its part of the day, read in that part.

    Args:
        text: any text.

    Yields:
        One time span per phrase, over the part of the day and the hour, which counts only
        joined to a day ("Thursday morning at 8").
    """
    for match in _PART_THEN_HOUR.finditer(text):
        if match["word"]:
            hour, minute = _WORD_HOURS[match["word"].lower()], 0
        elif match["fr_word"]:
            hour, minute = _FRENCH_WORD_HOURS[match["fr_word"].lower()], 0
        else:
            hour, minute = int(match["h"]), int(match["m"] or 0)
        if _MORNING.fullmatch(match["part"]):
            hour = 0 if hour == 12 else hour
        elif hour < 12:
            hour += 12
        value = TimeValue(time(hour, minute), joined_only=True)
        yield Span(match.start(), match.end(), Kind.TIME, time_value=value)

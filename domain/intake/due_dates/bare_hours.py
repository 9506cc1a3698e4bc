"""Hours written without a part of the day: "tomorrow by 10", "Friday at 3", "a las 3".

At work an hour from one to seven without "am", "pm" or a part of the day ("de la tarde",
"morgens") is the afternoon's: nobody sets a deadline at three in the night. That holds where
the hour is counted in twelves: a bare hour ("at 3", "a las 3") and the English "3:30". An hour
with a leading zero ("04:30"), or with "Uhr" or "h" ("7 Uhr", "7 h"), is the 24-hour clock and
stays as written. The same rule reads hours said in words (``clock_words``).

A bare number after "by" or "at" ("by 10") is an hour only beside a day ("tmrw by 10",
"morgen um 3", "by 10 tomorrow") and where nothing is counted after it ("by 10 people").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time

from domain.intake.due_dates.calendar_words import FOREIGN_WEEKDAYS, WEEKDAYS
from domain.intake.due_dates.spans import Kind, Span, TimeValue

_LAST_OFFICE_AFTERNOON_HOUR = 7
_MORNING_AFTER = re.compile(
    r"\s*(?:,\s*)?(?:in\s+the\s+morning|(?:this|tomorrow)\s+morning|morning|du\s+matin|le\s+matin"
    r"|de\s+la\s+ma[ñn]ana|por\s+la\s+ma[ñn]ana|morgens|vormittags|fr[üu]h)(?!\w)",
    re.IGNORECASE,
)


def office_hour(hour_digits: str, text: str, end: int) -> int:
    """The hour on the 24-hour clock, for an hour written without a part of the day.

    Args:
        hour_digits: the hour as written ("3", "03", "15").
        text: the text it was written in.
        end: where the time's words end (a "morning" after it keeps the hour).

    Returns:
        The hour plus twelve for "1" to "7" written without a leading zero and not followed
        by a morning word; otherwise the hour as written.
    """
    hour = int(hour_digits)
    if hour_digits.startswith("0") or not 1 <= hour <= _LAST_OFFICE_AFTERNOON_HOUR:
        return hour
    if _MORNING_AFTER.match(text, end):
        return hour
    return hour + 12


# Words a day may stand beside: its name, or a day counted from today.
_DAY_WORDS = (
    *(word for word in WEEKDAYS if word.endswith("day")),
    *FOREIGN_WEEKDAYS,
    "today",
    "tomorrow",
    "tmrw",
    "tmr",
    "heute",
    "morgen",
    "übermorgen",
    "aujourd'hui",
    "demain",
    "hoy",
    "mañana",
    "manana",
    # A part of today: "by 10 this morning", "vers 4 cet après-midi".
    "this morning",
    "this afternoon",
    "this evening",
    "ce matin",
    "cet après-midi",
    "esta mañana",
    "esta tarde",
)
_DAY_AFTER = r"(?:" + "|".join(sorted(map(re.escape, _DAY_WORDS), key=len, reverse=True)) + r")"
# "by 10", "at 3", "um 3", "gegen 10", "vers 9", "avant 5": a word that sets a time, then the
# hour, closing the clause or followed by its day ("by 10 tomorrow").
# German puts the verb last, lower case where nouns are capitalised: "gegen 4 zurückschicken?"
# is a time, "gegen 4 Kopien" a count.
_GERMAN_VERB_LAST = r"\s+(?-i:[a-zäöüß]+(?:en|ern|eln))(?=\s*(?:[.;!?)\n]|,|$))"
_BARE_HOUR = re.compile(
    r"(?<!\w)(?:(?P<en>at|by|before|until|till|around|vers|avant)|um|gegen|bis|vor)\s+"
    r"(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?(?P<oclock>\s*o['\u2019]clock)?"
    r"(?=\s*(?:[.;!?)\n]|,(?!\d)|$)|\s+(?:on\s+|am\s+|le\s+)?" + _DAY_AFTER + r"(?!\w)"
    # "Thursday by 2 at the latest", "morgen um 3 spätestens": a limit word closes it too.
    r"|\s+(?:at\s+the\s+(?:very\s+)?latest|latest|sharp|sp[äa]testens|au\s+plus\s+tard)\b"
    r"|(?(en)(?!)|" + _GERMAN_VERB_LAST + r"))",
    re.IGNORECASE,
)


def bare_hour_spans(text: str) -> Iterator[Span]:
    """Find the hours written as a bare number after a word that sets a time.

    Args:
        text: any text.

    Yields:
        One time span per hour (the number, and "o'clock"), which counts only joined to a day.
    """
    for match in _BARE_HOUR.finditer(text):
        end = match.end()
        hour = office_hour(match["h"], text, end)
        at = time(hour, int(match["m"] or 0))
        # "at 3 o'clock" is an hour by itself; a bare "at 3" needs its day.
        value = TimeValue(at, joined_only=match["oclock"] is None)
        yield Span(match.start("h"), end, Kind.TIME, time_value=value)

"""Clock times said in words: "half past three", "halb vier", "las tres y cuarto".

People say the hour with a fraction of it: English counts past or to the hour named ("quarter
to five" is 4:45), German counts towards the next hour ("halb vier" and "dreiviertel vier" are
3:30 and 3:45), French and Spanish add or take a part of the hour named ("quatre heures moins le
quart", "las cuatro menos cuarto": 3:45). Without "am"/"pm" or a part of the day, an hour from
one to seven is the afternoon's, as office hours make it: "by half past three" is 15:30.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time

from domain.intake.due_dates.spans import Kind, Span, TimeValue

_HOUR_NAMES = {
    "en": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"),
    "de": ("eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
           "elf", "zwölf"),
    "fr": ("une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
           "onze", "douze"),
    "es": ("una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
           "once", "doce"),
}  # fmt: skip
_HOUR_VALUES = {
    name: index + 1 for names in _HOUR_NAMES.values() for index, name in enumerate(names)
} | {"fuenf": 5, "zwoelf": 12, "noon": 12, "midday": 12, "midi": 12, "midnight": 0,
     "minuit": 0}  # fmt: skip
# The afternoon's and evening's hours on the 24-hour clock, which German and French say in
# words ("fünfzehn Uhr", "quinze heures") and Spanish in formal writing ("las diecisiete horas").
_LATE_HOUR_NAMES = {
    "de": ("dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn", "neunzehn",
           "zwanzig", "einundzwanzig", "zweiundzwanzig", "dreiundzwanzig"),
    "fr": ("treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
           "vingt", "vingt et une", "vingt-deux", "vingt-trois"),
    "es": ("trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve",
           "veinte", "veintiuna", "veintidós", "veintitrés"),
}  # fmt: skip
_HOUR_VALUES |= {
    name: index + 13 for names in _LATE_HOUR_NAMES.values() for index, name in enumerate(names)
}
# Minutes said in words after the hour's word: "quinze heures trente", "neun Uhr dreißig".
_MINUTE_WORDS = {
    "quinze": 15, "trente": 30, "quarante-cinq": 45, "fünfzehn": 15, "fuenfzehn": 15,
    "dreißig": 30, "dreissig": 30, "fünfundvierzig": 45, "quince": 15, "treinta": 30,
    "cuarenta y cinco": 45,
}  # fmt: skip
_MINUTES_AFTER = (
    r"(?:\s+(?P<word_min>"
    + "|".join(sorted(map(re.escape, _MINUTE_WORDS), key=len, reverse=True))
    + r"|[0-5]\d)(?![\w:/]|[.,]\d))?"
)


def _hours(language: str, *extra: str, digits: bool = True) -> str:
    late = _LATE_HOUR_NAMES.get(language, ())
    names = sorted((*_HOUR_NAMES[language], *late, *extra), key=len, reverse=True)
    # Digits too, but never the start of a date or a decimal ("halb 4.5", "quarter to 3/4").
    numbers = r"|1\d|2[0-3]|0?\d" if digits else ""
    return r"(?P<hour>" + "|".join(names) + numbers + r")(?!\w)(?![.:/,]\d)"


# Minutes each fraction moves the hour named.
_ENGLISH_FRACTION = {"half": 30, "quarter": 15}
_PART_OF_DAY = (
    r"(?:\s*(?P<ampm>a\.\s?m\.?|p\.\s?m\.?|am|pm)(?!\w)"
    r"|\s+in\s+the\s+(?P<part>morning|afternoon|evening)\b|\s+(?:o['\u2019]clock|uhr)\b"
    r"|\s+(?P<de_part>nachmittags|abends|morgens|vormittags)\b"
    r"|\s+(?:de\s+la\s+(?P<es_part>tarde|noche|ma[ñn]ana)|du\s+(?P<fr_part>soir|matin)"
    r"|de\s+l['\u2019](?P<fr_pm>apr[èe]s-midi)|en\s+punto))?"
)
_ENGLISH = re.compile(
    r"(?<!\w)(?:(?P<frac>half|(?:a\s+)?quarter)\s+(?P<rel>past|after|to|till|before|of)"
    # British "half three" (3:30) only after a word that sets a time: "by half three".
    r"|(?:(?<=at\s)|(?<=by\s)|(?<=before\s)|(?<=until\s)|(?<=till\s))(?P<bare_half>half))\s+"
    + _hours("en", "noon", "midday", "midnight")
    + _PART_OF_DAY,
    re.IGNORECASE,
)
_GERMAN = re.compile(
    r"(?<!\w)(?:(?P<half>halb)|(?P<three_quarters>drei\s?viertel)"
    r"|(?P<quarter>viertel)(?:\s+(?P<rel>nach|vor))?)\s+"
    + _hours("de", "fuenf", "zwoelf")
    # "halb drei Stunden": an amount, not a time.
    + r"(?!\s+(?:stunden|tage|wochen|monate|jahre|minuten|mal|prozent)\b)"
    + _PART_OF_DAY,
    re.IGNORECASE,
)
_ROMANCE_FRACTION = (
    r"(?:\s+(?:(?P<plus>et\s+demie?|et\s+quart|y\s+media|y\s+cuarto)"
    r"|(?P<minus>moins\s+(?:le\s+)?quart|menos\s+(?:cuarto|quince))))"
)
# The French hour in words needs its "heures" (or is "midi"), and a word before it that sets a
# time ("à trois heures"), so "en trois heures et demie" stays a duration.
_FRENCH = re.compile(
    r"(?:(?<=à\s)|(?<=a\s)|(?<=vers\s)|(?<=avant\s)|(?<=pour\s)|(?<=dès\s)|(?<=ici\s)"
    r"|(?<=jusqu'à\s)|(?<=jusqu\u2019à\s))"
    r"(?:(?P<noon>midi|minuit)|"
    + _hours("fr")
    + r"\s+heures?"
    + _MINUTES_AFTER
    + r")(?!\s*d[e'\u2019])"
    + _ROMANCE_FRACTION
    + r"?"
    + _PART_OF_DAY,
    re.IGNORECASE,
)
# "midi et demi", "minuit moins le quart": noon with its fraction is a time wherever it stands
# ("demain midi et demi"), with no word before it to say so.
_FRENCH_NOON = re.compile(
    r"(?<!\w)(?P<noon>midi|minuit)" + _ROMANCE_FRACTION + r"(?!\w)" + _PART_OF_DAY,
    re.IGNORECASE,
)
# "neun Uhr", "fünfzehn Uhr dreißig": the German hour in words with its "Uhr".
_GERMAN_WORDS = re.compile(
    r"(?<!\w)"
    + _hours("de", "fuenf", "zwoelf", digits=False)
    + r"\s+uhr(?!\w)"
    + _MINUTES_AFTER
    + r"(?:\s+(?P<de_part>nachmittags|abends|morgens|vormittags|früh)\b)?",
    re.IGNORECASE,
)
# "three o'clock", "by nine o'clock in the morning".
_ENGLISH_WORDS = re.compile(
    r"(?<!\w)" + _hours("en", digits=False) + r"\s+o['\u2019]clock(?!\w)"
    r"(?:\s*(?P<ampm>a\.\s?m\.?|p\.\s?m\.?|am|pm)(?!\w)"
    r"|\s+in\s+the\s+(?P<part>morning|afternoon|evening)\b)?",
    re.IGNORECASE,
)
# "a las tres y media", "antes de las cuatro menos cuarto", "para la una": the hour in words
# after "la"/"las" and a word that sets a time, closing the phrase ("de las tres propuestas"
# is a count). Digits ("a las 3 y media") are the Spanish clock of time_phrases.
_SPANISH = re.compile(
    # The word before belongs to the time, as in "a las 15", so "el viernes a las tres" joins.
    r"(?<!\w)(?:a|antes\s+de|hasta|para|sobre|hacia)\s+las?\s+"
    + _hours("es", digits=False)
    + r"(?:\s+horas)?"
    + _MINUTES_AFTER.replace("[0-5]", "(?!)[0-5]")
    + _ROMANCE_FRACTION
    + r"?"
    + _PART_OF_DAY
    + r"(?=\s*(?:[.,;:!?)\n]|$|(?:el|del|este|esta|hoy|mañana|pasado|como|sin)\b))",
    re.IGNORECASE,
)
# After a time written in digits: "a las 3 y media", "à 15 h et demie", "16h moins le quart".
FRACTION_AFTER_CLOCK = re.compile(_ROMANCE_FRACTION + r"(?!\w)", re.IGNORECASE)


def fraction_minutes(match: re.Match[str]) -> int:
    """The minutes a French or Spanish fraction adds to the hour named ("moins le quart": -15)."""
    if match["minus"]:
        return -15
    words = match["plus"].lower()
    return 30 if words.endswith(("demi", "demie", "media")) else 15


def shifted(at: time, minutes: int) -> time:
    """The time ``minutes`` after (or before, when negative) ``at``, on the same clock face."""
    total = (at.hour * 60 + at.minute + minutes) % (24 * 60)
    return time(total // 60, total % 60)


# The words after an hour that put it in the morning or in the afternoon or evening.
_MORNING_WORDS = ("a", "morning", "morgens", "vormittags", "früh", "mañana", "manana", "matin")
_EVENING_WORDS = (
    "p", "afternoon", "evening", "nachmittags", "abends", "tarde", "noche", "soir",
    "après-midi", "apres-midi",
)  # fmt: skip


def _office_hour(match: re.Match[str]) -> int:
    """The hour named, on the 24-hour clock: afternoon unless the words say otherwise."""
    groups = match.groupdict()
    word = (groups.get("noon") or groups["hour"]).lower()
    hour = int(word) if word.isdigit() else _HOUR_VALUES[word]
    if hour > 12:
        return hour
    said = [
        "".join((groups.get(name) or "").lower().replace(".", "").split())
        for name in ("ampm", "part", "de_part", "es_part", "fr_part", "fr_pm")
    ]
    said = [words[:1] if words in ("am", "pm") else words for words in said if words]
    if any(words in _MORNING_WORDS for words in said):
        return 0 if hour == 12 else hour
    if any(words in _EVENING_WORDS for words in said):
        return hour if hour == 12 else hour + 12
    if word in ("midnight", "minuit"):
        return 0
    return hour + 12 if 1 <= hour <= 7 else hour


def _english_minutes(match: re.Match[str]) -> int:
    if match["bare_half"]:
        return 30
    minutes = _ENGLISH_FRACTION[match["frac"].split()[-1].lower()]
    return -minutes if match["rel"].lower() in ("to", "till", "before", "of") else minutes


def _german_minutes(match: re.Match[str]) -> int:
    # German names the hour being approached: "halb vier" is half-way to four.
    if match["half"]:
        return -30
    if match["three_quarters"]:
        return -15
    rel = (match["rel"] or "").lower()
    return {"nach": 15, "vor": -15}.get(rel, -45)  # a bare "viertel vier" is 3:15


def _french_or_spanish_minutes(match: re.Match[str]) -> int:
    if match["plus"] or match["minus"]:
        return fraction_minutes(match)
    return _said_minutes(match)


def _said_minutes(match: re.Match[str]) -> int:
    words = (match.groupdict().get("word_min") or "").lower()
    if not words:
        return 0
    return int(words) if words.isdigit() else _MINUTE_WORDS[" ".join(words.split())]


def spoken_time_spans(text: str) -> Iterator[Span]:
    """Find the clock times said in words, with a fraction of the hour or (French, Spanish) without.

    Args:
        text: any text.

    Yields:
        One time span per phrase ("half past three" → 15:30, "halb vier Uhr" → 15:30).
    """
    for pattern, minutes in (
        (_ENGLISH, _english_minutes),
        (_GERMAN, _german_minutes),
        (_FRENCH, _french_or_spanish_minutes),
        (_FRENCH_NOON, _french_or_spanish_minutes),
        (_SPANISH, _french_or_spanish_minutes),
        (_GERMAN_WORDS, _said_minutes),
        (_ENGLISH_WORDS, _said_minutes),
    ):
        for match in pattern.finditer(text):
            if (
                pattern is _ENGLISH
                and match["rel"]
                and match["frac"].lower() == "half"
                and match["rel"].lower() not in ("past", "after")
            ):
                continue  # "half to four" is no clock time
            at = shifted(time(_office_hour(match), 0), minutes(match))
            yield Span(match.start(), match.end(), Kind.TIME, time_value=TimeValue(at))

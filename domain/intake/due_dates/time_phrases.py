"""Time phrases: "3pm", "15:00", "noon", "EOD", "first thing", with a zone ("3pm ET").

Named times follow the sender's working day: "EOD" is its end, "first thing" its start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import time, tzinfo

from domain.intake.due_dates.bare_hours import bare_hour_spans, office_hour
from domain.intake.due_dates.calendar_words import (
    GERMAN_PLACE_ADJECTIVES,
    PLACE_ZONES,
    REGION_ZONES,
    ZONE_ABBREVIATIONS,
    ZONE_ABBREVIATIONS_CAPITALS_ONLY,
)
from domain.intake.due_dates.clock_words import (
    FRACTION_AFTER_CLOCK,
    fraction_minutes,
    shifted,
    spoken_time_spans,
)
from domain.intake.due_dates.spans import Kind, Local, Span, TimeValue
from domain.timezones import resolve_zone

_AMPM = re.compile(
    # "11am." ends a sentence: only the dotted "a.m." owns its last dot, so "at 11am. Monday's a
    # holiday" does not join the next sentence's day to this time.
    r"\b(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>a\.\s?m\.?|p\.\s?m\.?|am|pm)(?!\w)",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\b(?P<h>[01]?\d|2[0-3])(?P<sep>[:h])(?P<m>[0-5]\d)\b(?!\s*[/.]\d)")
_NAMED_TIME = re.compile(
    r"\b(?:at\s+)?(?P<name>noon|midday|lunch\s*time|lunch|midnight"
    r"|(?:the\s+)?end\s+of\s+(?:the\s+|your\s+|my\s+)?(?:working\s+|work\s+|business\s+)?day"
    r"|close\s+of\s+(?:business|play)|end\s+of\s+business|start\s+of\s+(?:the\s+)?day"
    r"|first\s+thing(?:\s+in\s+the\s+morning)?|EOD|COB|EOB|SOD|COP|morning|afternoon"
    # "Friday am", "tmrw pm": only after a day, where "am" cannot be the verb.
    r"|(?:(?<=day\s)|(?<=row\s)|(?<=mrw\s)|(?<=tmr\s))(?:am|pm))\b",
    re.IGNORECASE,
)
# "15 Uhr", "15.30 Uhr", "à 15h", "15h", "a las 15": the hour written the German, French or
# Spanish way (a bare "15h" only after "à", where it cannot be a number of hours).
_FOREIGN_CLOCK = re.compile(
    r"(?<!\w)(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*uhr(?!\w)"
    # "16 Uhr 30": the minutes after the word, unless they start a date ("16 Uhr 15. Januar").
    r"(?:\s+(?P<m5>[0-5]\d)(?![\w:/,]|\.\s*\w|\.\d))?"
    r"|(?<!\w)(?:(?:à|a|vers|avant|pour|jusqu['\u2019]à|dès|hacia|sobre|antes\s+de\s+las)\s+"
    r"|\(\s*)(?P<h2>[01]?\d|2[0-3])\s*h(?:eures?)?(?:\s*(?P<m2>[0-5]\d))?(?!\w)"
    r"|(?<!\w)(?:a|antes\s+de|hasta|para)\s+la(?:s)?\s+(?P<h3>[01]?\d|2[0-3])(?:[:.](?P<m3>[0-5]\d))?"
    r"(?:\s*(?:h|hs|hrs|horas)\b)?(?![\w:])"
    # "10.00 h", "10:30 hs", "15 horas": the hour with its unit, the way offices write it.
    r"|(?<![\w.:])(?P<h4>[01]?\d|2[0-3])(?:[:.](?P<m4>[0-5]\d))?\s*(?:hs|hrs|horas)(?!\w)",
    re.IGNORECASE,
)
# "a las 3 de la tarde", "um 3 Uhr nachmittags", "à 8h du soir": the afternoon's hours.
_AFTERNOON = re.compile(
    r"\s*(?:de\s+la\s+(?P<pm>tarde|noche)|de\s+la\s+ma[ñn]ana|(?P<pm2>de\s+l['\u2019]apr[èe]s-midi"
    r"|du\s+soir|nachmittags|abends)|du\s+matin|morgens|vormittags)(?!\w)",
    re.IGNORECASE,
)
# "vendredi 18h", "jeudi matin", "el martes por la tarde": a time that needs its day, since
# "48h" alone is a duration and "matin" alone no deadline.
_JOINED_TIME = re.compile(
    # "lundi 9 h", "vendredi 11 juin, 16 h 30": French also writes the hour apart from its "h".
    r"(?<![\w.,:])(?P<h>[01]?\d|2[0-3])\s?h(?:\s?(?P<m>[0-5]\d))?(?!\w)(?!\s*d(?:e\s|['\u2019]))"
    # "vendredi en fin de matinée", "Friday late morning": the morning's end, noon.
    r"|(?<!\w)(?P<late_morning>(?:en\s+)?fin\s+de\s+(?:la\s+)?matin[ée]e|late\s+morning)(?!\w)"
    r"|(?<!\w)(?P<name>matin|en\s+matin[ée]e|apr[èe]s-midi|en\s+apr[èe]s-midi|nachmittags?"
    r"|vormittags?"
    r"|por\s+la\s+tarde|en\s+la\s+tarde|en\s+la\s+ma[ñn]ana)(?!\w)",
    re.IGNORECASE,
)
_FOREIGN_NAMED_TIME = re.compile(
    r"(?<!\w)(?P<name>mittags?|midi|(?:al?\s+)?mediod[ií]a|feierabend|dienstschluss|gesch[äa]ftsschluss"
    r"|tagesende|ende\s+des\s+(?:arbeits)?tages|fin\s+de\s+(?:la\s+)?journ[ée]e"
    r"|fin(?:al)?\s+del\s+d[ií]a|fin\s+de\s+la\s+jornada|morgens|vormittags|(?:in\s+der\s+)?fr[üu]h"
    r"|(?:a\s+)?[úu]ltima\s+hora(?!\s+de\s+la\s+ma[ñn]ana)|arbeitsschluss|b[üu]roschluss"
    r"|(?:la\s+)?fermeture\s+des\s+bureaux|cierre\s+de\s+oficina"
    r"|le\s+matin|dans\s+la\s+matin[ée]e|por\s+la\s+ma[ñn]ana|a\s+primera\s+hora"
    r"|premi[èe]re\s+heure|minuit|medianoche|mitternacht|(?:gleich\s+)?als\s+erstes)(?!\w)",
    re.IGNORECASE,
)
_FOREIGN_NOON = ("mittag", "mittags", "midi", "mediodía", "mediodia")
_FOREIGN_MIDNIGHT = ("minuit", "medianoche", "mitternacht")
_FOREIGN_MORNING = (
    "morgens",
    "vormittags",
    "früh",
    "fruh",
    # "Montag in der Früh": the morning, as Austria and Bavaria say it.
    "in der früh",
    "in der fruh",
    "le matin",
    "dans la matinée",
    "dans la matinee",
    "por la mañana",
    "por la manana",
    "a primera hora",
    "première heure",
    "premiere heure",
    # "Montag als Erstes": first thing Monday; alone it is no time.
    "als erstes",
    "gleich als erstes",
)


def _longest_first(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_PLACE = r"(?P<city>" + _longest_first(PLACE_ZONES) + r")"
_REGION = r"(?P<region>" + _longest_first(REGION_ZONES) + r")"
# The clock a time is set in, after the time: "3pm ET", "10am New York time", "5pm Pacific",
# "10 h heure de New York", "9 Uhr New Yorker Zeit", "a las 9 hora de Madrid", "(MEZ)".
_ZONE_SUFFIX = re.compile(
    r"^\s*\(?(?:(?-i:(?P<capitals>"
    + _longest_first(name.upper() for name in ZONE_ABBREVIATIONS)
    + r"))|(?P<zone>"
    + _longest_first(set(ZONE_ABBREVIATIONS) - set(ZONE_ABBREVIATIONS_CAPITALS_ONLY))
    + r"))\)?(?!\w)"
    # One way only to read the spaces, a comma and a bracket: "\s*,?\s*\(?\s*" backtracks
    # cubically over a long run of spaces.
    r"|^\s*(?:,\s*)?(?:\(\s*)?(?:"
    # English: "New York time", "Pacific (standard) time", "Pacific".
     + _PLACE + r"(?:['\u2019]s)?\s+time"
    r"|(?P<region_en>pacific|eastern|central|mountain)(?:\s+(?:standard|daylight))?\s+time"
    r"|(?P<bare_region>pacific|eastern)"
    # French and Spanish: "heure de New York", "heure d'Europe", "hora de Madrid",
    # "heure du Pacifique", "hora del Este", "hora peninsular".
    r"|(?:heure|hora)\s+(?:locale\s+|local\s+)?(?:(?:de|d['\u2019]|à|a|en)\s*)"
    + _PLACE.replace("city", "city_fr")
    + r"|(?:heure|hora)\s+(?:de\s+l['\u2019]|du\s+|del\s+|de\s+la\s+)?"
    + _REGION
    # German: "New Yorker Zeit", "Münchner Ortszeit", "Zeit in Tokio", "Ortszeit New York".
    + r"|(?P<city_de>"
    + _longest_first(PLACE_ZONES)
    + r")(?:er|ter)?\s+(?:orts)?zeit"
    r"|(?P<adjective>"
    + _longest_first(GERMAN_PLACE_ADJECTIVES)
    + r")\s+(?:orts|sommer|winter)?zeit"
    r"|(?:orts)?zeit\s+(?:in\s+)?" + _PLACE.replace("city", "city_de2") + r")\s*\)?(?!\w)",
    re.IGNORECASE,
)


def time_spans(text: str, local: Local) -> Iterator[Span]:
    """Find every time of day in the text ("3pm", "15:00", "noon", "EOD", "3pm ET").

    Args:
        text: any text.
        local: the sender's working day, for "EOD" and "first thing".

    Yields:
        One span per time.
    """
    for match in _AMPM.finditer(text):
        hour, minute = int(match["h"]), int(match["m"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            continue
        pm = match["ampm"].lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
        yield _zone_suffixed(text, match.start(), match.end(), time(hour, minute))
    for match in _CLOCK.finditer(text):
        digits, clock_hour = match["h"], match["sep"] == ":"
        hour = office_hour(digits, text, match.end()) if clock_hour else int(digits)
        yield _zone_suffixed(text, match.start(), match.end(), time(hour, int(match["m"])))
    for match in _NAMED_TIME.finditer(text):
        name = " ".join(match["name"].lower().split())
        if name in ("noon", "midday") or name.startswith("lunch"):
            value = TimeValue(time(12, 0))
        elif name == "midnight":
            value = TimeValue(time(23, 59))
        elif name.startswith(("start", "first", "sod")) or name in ("morning", "am"):
            value = TimeValue(local.day_start, self_cued=name not in ("morning", "am"))
        else:
            value = TimeValue(local.day_end, self_cued=name not in ("afternoon", "pm"))
        suffixed = _zone_suffixed(text, match.start(), match.end(), value.at)
        if suffixed.time_value is not None and suffixed.time_value.zone is not None:
            value.zone = suffixed.time_value.zone
        yield Span(match.start(), suffixed.end, Kind.TIME, time_value=value)
    yield from _foreign_time_spans(text, local)
    yield from spoken_time_spans(text)
    yield from bare_hour_spans(text)


def _foreign_time_spans(text: str, local: Local) -> Iterator[Span]:
    for match in _FOREIGN_CLOCK.finditer(text):
        digits = match["h"] or match["h2"] or match["h3"] or match["h4"]
        hour = int(digits)
        minute = int(match["m"] or match["m5"] or match["m2"] or match["m3"] or match["m4"] or 0)
        end = match.end()
        # "a las 3 y media", "à 15 heures moins le quart": a part of the hour after it.
        fraction = None if minute else FRACTION_AFTER_CLOCK.match(text, end)
        if fraction is not None:
            end = fraction.end()
        part = _AFTERNOON.match(text, end)
        if part is not None:
            end = part.end()
            if (part["pm"] or part["pm2"]) and hour < 12:
                hour += 12
        elif match["h3"] and not match["m3"]:
            # "a las 3": Spanish counts the hours of the day in twelves when it says no part
            # of it; "15 Uhr", "7 h", "a las 7:00" are the 24-hour clock.
            hour = office_hour(digits, text, end)
        at = time(hour, minute)
        if fraction is not None:
            at = shifted(at, fraction_minutes(fraction))
        yield _zone_suffixed(text, match.start(), end, at)
    for match in _JOINED_TIME.finditer(text):
        end = match.end()
        if match["h"] is not None:
            at = time(int(match["h"]), int(match["m"] or 0))
            fraction = None if match["m"] else FRACTION_AFTER_CLOCK.match(text, end)
            if fraction is not None:
                end = fraction.end()
                at = shifted(at, fraction_minutes(fraction))
        elif match["late_morning"] is not None:
            at = time(12, 0)
        elif "ma" in match["name"].lower() or match["name"].lower().startswith("vormittag"):
            at = local.day_start  # "matin", "matinée", "mañana", "Vormittag"
        else:
            at = local.day_end
        # "lundi 10h, heure de Paris": a joined time may name its clock too.
        suffixed = _zone_suffixed(text, match.start(), end, at)
        zone = suffixed.time_value.zone if suffixed.time_value is not None else None
        yield Span(
            match.start(),
            suffixed.end,
            Kind.TIME,
            time_value=TimeValue(at, zone, joined_only=True),
        )
    for match in _FOREIGN_NAMED_TIME.finditer(text):
        name = " ".join(match["name"].lower().split())
        if name.endswith(("mediodía", "mediodia")):
            name = name.split()[-1]  # "a mediodía", "al mediodía"
        if name in _FOREIGN_NOON:
            value = TimeValue(time(12, 0))
        elif name in _FOREIGN_MIDNIGHT:
            value = TimeValue(time(23, 59))
        elif name in _FOREIGN_MORNING:
            value = TimeValue(local.day_start, self_cued=name.startswith(("a primera", "prem")))
        else:
            value = TimeValue(local.day_end, self_cued=True)
        yield Span(match.start(), match.end(), Kind.TIME, time_value=value)


def zone_after(text: str, end: int) -> tuple[tzinfo, int] | None:
    """The clock named right after ``text[:end]`` ("UK time", "ET") and where its words end.

    Args:
        text: any text.
        end: where the words before the zone end.

    Returns:
        The zone and the end of its name, or ``None`` when none follows.
    """
    suffix = _ZONE_SUFFIX.match(text[end:])
    if suffix is None:
        return None
    return resolve_zone(_zone_name(suffix)), end + suffix.end()


def _zone_suffixed(text: str, start: int, end: int, at: time) -> Span:
    suffix = _ZONE_SUFFIX.match(text[end:])
    if suffix:
        zone = resolve_zone(_zone_name(suffix))
        return Span(start, end + suffix.end(), Kind.TIME, time_value=TimeValue(at, zone))
    return Span(start, end, Kind.TIME, time_value=TimeValue(at))


def _zone_name(suffix: re.Match[str]) -> str:
    """The IANA name of the clock a zone suffix names."""
    abbreviation = suffix["capitals"] or suffix["zone"]
    if abbreviation:
        return ZONE_ABBREVIATIONS[abbreviation.lower()]
    region = suffix["region_en"] or suffix["bare_region"] or suffix["region"]
    if region:
        return REGION_ZONES[region.lower().replace("\u2019", "'")]
    if suffix["adjective"]:
        return GERMAN_PLACE_ADJECTIVES[suffix["adjective"].lower()]
    place = suffix["city"] or suffix["city_fr"] or suffix["city_de"] or suffix["city_de2"]
    return PLACE_ZONES[" ".join(place.lower().split())]

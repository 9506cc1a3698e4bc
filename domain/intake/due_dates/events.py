"""Events that set a deadline's day and time: "before Monday's board meeting (10am)".

"the 14th, the review starts at 09:00", "vor der Vorstandssitzung am Montag um 10 Uhr",
"avant le comité de direction de lundi (10h)": the deadline is the event's start, and the
confirmation says which event set it.
"""

from __future__ import annotations

import re

from domain.intake.due_dates.spans import Kind, Span

# The verbs that say when an event starts, in the four languages.
_STARTS = (
    r"(?:arriv(?:e|es|ing)|land(?:s|ing)?|start(?:s|ing)?|begin(?:s|ning)?|kick(?:s|ing)?\s+off"
    r"|(?:get|gets|come|comes)\s+in|open(?:s|ing)?|arrivent|arrive|commencent|commence"
    r"|d[ée]bute(?:nt)?|kommen|kommt|beginnen|beginnt|starten|startet|llegan?|empiezan?"
    r"|comienzan?|arrancan?)?"
)


# An event between a date and its time: "Monday's board meeting (10am)", "the 14th, the
# review starts at 09:00". Only a gap naming an event counts, so "by Friday and call me at 3pm"
# keeps its own reading. Matched against a gap of at most _EVENT_GAP_CHARS characters.
_EVENT_GAP = re.compile(
    r"(?:['\u2019]s)?\s*,?\s*(?P<event>[^\W\d](?:[^\W\d]|[\s'\u2019/&-]){0,59}?)\s*"
    r"(?:\(|,?\s*(?:which\s+|that\s+|it\s+)?(?:starts?|begins?|kicks?\s+off|opens?|is|beginnt"
    r"|startet|commence|débute|empieza|comienza)?\s*(?:at|um|à|a\s+las|a\s+la)\s"
    # The next sentence may give its time: "Thursday's customer visit? They arrive at 1pm."
    r"|[.?!;]\s+(?:they|it|we|she|he|ils|elles?|il|on|sie|er|es|wir|ellos|ellas|llegan)\s+"
    r"(?:(?:will|are|is|werden|wird)\s+)?(?:['\u2019]ll\s+)?" + _STARTS + r"\s*"
    r"(?:(?:at|um|à|vers|gegen)\s)?)\s*",
    re.IGNORECASE,
)
_EVENT_GAP_CHARS = 80
# A relative clause after the event's day saying when the event starts: "before the board
# meeting on Tuesday, which starts at 9", "vor der Sitzung am Dienstag, die beginnt um 9 Uhr"
# (or "die um 9 Uhr beginnt"), "avant le comité de mardi, qui commence à 9h", "antes de la
# junta del martes, que empieza a las 9".
_RELATIVE_START = re.compile(
    r",?\s*(?:which|that|die|der|das|welche[rs]?|qui|que|el\s+cual|la\s+cual)\s+"
    r"(?:(?:will|wird|va\s+a|doit)\s+)?"
    r"(?:(?P<verb>" + _STARTS.removesuffix("?") + r"|is|ist|est|es)\s*)?"
    r"(?:at|um|gegen|à|vers|a\s+las?|sobre\s+las?|hacia\s+las?)?\s*",
    re.IGNORECASE,
)
_STARTS_AFTER = re.compile(r"\s*" + _STARTS.removesuffix("?") + r"(?!\w)", re.IGNORECASE)
_EVENT_DETERMINER = re.compile(
    r"(?:the|our|my|your|his|her|their|this|that|le|la|les|l['\u2019]|el|los|las|der|die|das"
    r"|dem|den|unser|unsere|unserer|notre|nuestra|nuestro)\s",
    re.IGNORECASE,
)
_EVENT_NOUN = re.compile(
    r"\b(?:meeting|review|call|session|workshop|presentation|board|demo|kick-?off|stand-?up"
    r"|interview|briefing|launch|offsite|off-site|sync|town\s*hall|all-hands|audit|webinar"
    r"|conference|appointment|check-in|retro|retrospective|planning|hearing|visit|training"
    r"|pitch|committee|panel|meet|show|event|summit|forum|readout|read-out|sign-?off|exam"
    r"|besprechung|sitzung|termin|präsentation|praesentation|telko|r[ée]union|comit[ée]"
    r"|pr[ée]sentation|rendez-vous|entretien|reuni[óo]n|presentaci[óo]n|junta|llamada"
    r"|entrevista|cita"
    # Drills, inspections and rehearsals are events with a start too.
    r"|drill|inspection|rehearsal|walkthrough|go-?live|cut-?over|[üu]bung|inspektion|begehung"
    r"|schulung|probe|exercice|visite|formation|r[ée]p[ée]tition|simulacro|inspecci[óo]n"
    r"|visita|auditor[íi]a|formaci[óo]n|ensayo)\b",
    re.IGNORECASE,
)


# A deadline word, the event, then its day: "before the board meeting on Monday", "vor der
# Vorstandssitzung am Montag", "avant le comité de direction de lundi", "antes de la reunión
# del consejo del lunes". Matched against the 80 characters before the day.
_EVENT_BEFORE_DAY = re.compile(
    r"(?:(?P<strong>\bbefore|\bahead\s+of|\bprior\s+to|\bby|\bvor|\bbis\s+zu[rm]|\bavant"
    r"|\bd['\u2019]ici|\bantes\s+del(?=\s)|\bantes\s+de)|(?P<weak>\bfor|\bf[üu]r|\bzu[rm]"
    r"|\bpour|\bpara))\s*"
    # The article may be in the word before: "antes del simulacro", "bis zur Sitzung".
    r"(?P<event>(?:(?:the|our|my|your|this|le|la|les|l['\u2019]|el|los|las|der|dem|die|das"
    r"|unserer?|notre|nuestra|nuestro)\s*|(?<=del\s)|(?<=zu[rm]\s))[^\d.!?\n]{1,60}?)"
    r"\s+(?:on|am|vom|de|du|del|des)\s*(?:(?:the|le|la|el|dem|der|den)\s+)?$",
    re.IGNORECASE,
)
# An event named by its initials, alone or with a word or two: "QBR", "the AGM", "Q3 QBR",
# "SteerCo", "ExCo prep".
_EVENT_ACRONYM = re.compile(
    r"(?:(?:the|our|this)\s+)?(?:\w+\s+){0,2}?(?-i:[A-Z][A-Za-z]*[A-Z][A-Za-z]*s?)(?:\s+\w+)?",
    re.IGNORECASE,
)
# A day's possessive, a noun phrase of one to three words, then "at" and its hour.
_POSSESSED_AT = re.compile(
    r"(?:['\u2019]s)?\s+[^\W\d]+(?:[\s-][^\W\d]+){0,2}\s+at\s", re.IGNORECASE
)
# German compounds end in their noun: "Vorstandssitzung", "Teamrunde", "Kundentermin".
_GERMAN_EVENT = re.compile(
    r"\w(?:sitzung|besprechung|termin|runde|präsentation|konferenz|meeting|workshop|call)\b",
    re.IGNORECASE,
)


def event_before_day(text: str, span: Span, *, started: bool = False) -> tuple[str, bool] | None:
    """The event named before a day, and whether a deadline word ("before", "vor") led it.

    Args:
        text: the text.
        span: the day ("Monday" in "before the board meeting on Monday").
        started: whether a clause after the day says the thing starts ("which starts at 9"):
            then whatever noun is named is an event ("the CSE", "el consejo de
            administración"), without being one of the known event nouns.

    Returns:
        The event as the confirmation says it ("the board meeting") and whether the word
        before it was a strong deadline word, or ``None`` when no event is named.
    """
    match = _EVENT_BEFORE_DAY.search(text[max(0, span.start - 80) : span.start])
    if match is None:
        return None
    event = " ".join(match["event"].split())
    if not (started or _EVENT_NOUN.search(event) or _GERMAN_EVENT.search(event)):
        return None
    # Said in the confirmation as "the board meeting", "the Vorstandssitzung".
    bare = _EVENT_DETERMINER.sub("", event, count=1).removeprefix("l'").removeprefix("l\u2019")
    return f"the {bare}", match["strong"] is not None


def event_between(first: Span, second: Span, text: str) -> str | None:
    """The event named between a date and its time ("board meeting"), or ``None``.

    Args:
        first: the date.
        second: the time after it.
        text: the text both are in.

    Returns:
        The event's words, or ``None`` when no event sits between them.
    """
    if first.kind != Kind.DATE or second.kind != Kind.TIME:
        return None
    gap = text[first.end : second.start]
    if len(gap) > _EVENT_GAP_CHARS:
        return None
    relative = _RELATIVE_START.fullmatch(gap)
    if relative is not None and (
        relative["verb"] is not None or _STARTS_AFTER.match(text, second.end) is not None
    ):
        # The event was named before its day: "before the meeting on Tuesday, which starts at 9".
        named = event_before_day(text, first, started=True)
        if named is not None:
            return named[0]
    match = _EVENT_GAP.fullmatch(gap)
    if match is None:
        return None
    possessive = gap.startswith(("'s", "\u2019s")) or text[first.start : first.end].endswith(
        ("'s", "\u2019s")
    )
    # "Tuesday's QBR at 11am": after a day's possessive, a short acronym names the event as
    # well as "meeting" does (QBR, AGM, SteerCo are a day's events, not verbs).
    if not _EVENT_NOUN.search(match["event"]) and not (
        possessive
        and (
            _EVENT_ACRONYM.fullmatch(match["event"].strip(" ,"))
            # "Tuesday's release at 9am": what a day owns with an hour of its own is that
            # day's event, whatever its noun, when it is a short noun phrase before "at".
            or _POSSESSED_AT.fullmatch(gap) is not None
        )
    ):
        return None
    if not possessive and not _EVENT_DETERMINER.match(match["event"]):
        # "by Friday and call me at 3pm": a verb, not an event, sits between them.
        return None
    return " ".join(match["event"].split()).strip(" ,")

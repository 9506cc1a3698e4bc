"""Date phrases in German, French and Spanish, and holiday names in any of the four languages.

"bis Freitag", "d'ici vendredi", "para el viernes", "4. Dezember", "le 1er décembre", "4 de
diciembre", "nächste Woche", "fin de mois", "en 3 días hábiles", "bis Heiligabend". They are
read with the same rules as their English counterparts (``date_phrases``); the words that cue
a deadline ("bis", "d'ici", "para") are in ``dates``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import time, timedelta

from domain.intake.due_dates.calendar_words import (
    FOREIGN_MONTHS,
    FOREIGN_NUMBER_WORDS,
    FOREIGN_WEEKDAYS,
    MONTHS,
)
from domain.intake.due_dates.date_phrases import period_end
from domain.intake.due_dates.holidays import HOLIDAY_PATTERN, holiday_date
from domain.intake.due_dates.spans import (
    DateValue,
    Kind,
    Local,
    Span,
    add_months,
    add_working_days,
    last_weekday_of_month,
    nearest_year,
    number_value,
    valid_date,
    week_start,
)

_ALL_MONTHS = {**MONTHS, **FOREIGN_MONTHS}


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_MONTH = r"(?P<month>" + _alternatives(_ALL_MONTHS) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + _alternatives(FOREIGN_WEEKDAYS) + r")"
_COUNT = r"(?P<count>\d{1,3}|" + _alternatives(FOREIGN_NUMBER_WORDS) + r")"
_BEFORE_CUE = re.compile(
    r"(?:\bbis|\bd'ici|\bavant|\bpara|\bantes\s+de)\s*(?:la|le|el|zur|zum)?\s*$", re.IGNORECASE
)


def _day_month(match: re.Match[str], local: Local) -> DateValue | None:
    month = _ALL_MONTHS[match["month"].lower()]
    day_number = int(match["day"])
    if match["year"]:
        reading = valid_date(int(match["year"]), month, day_number)
    else:
        reading = nearest_year(local, month, day_number)
    return None if reading is None else DateValue([reading])


_NEXT_WORDS = ("nächst", "naechst", "kommend", "prochain", "próximo", "proximo", "que viene")
_THIS_WORDS = ("diese", "ce ", "cette", "este", "esta")


def _weekday(match: re.Match[str], local: Local) -> DateValue | None:
    weekday = FOREIGN_WEEKDAYS[match["weekday"].lower()]
    modifier = f"{match['mod'] or ''} {match['after'] or ''}".lower()
    if any(word in modifier for word in _NEXT_WORDS):
        # As in English: "nächsten Freitag", "vendredi prochain" name next calendar week's.
        next_monday = week_start(local.today) + timedelta(days=7)
        return DateValue([next_monday + timedelta(days=weekday)])
    ahead = (weekday - local.today.weekday()) % 7
    if ahead == 0 and not any(word in modifier for word in _THIS_WORDS):
        ahead = 7
    return DateValue(
        [local.today + timedelta(days=ahead)], roll=lambda day: day + timedelta(days=7)
    )


_TODAY = ("heute", "aujourd'hui", "aujourd\u2019hui", "hoy", "ce soir", "heute abend")
_TONIGHT = ("ce soir", "heute abend", "esta noche", "heute nacht")
_DAY_AFTER = ("übermorgen", "après-demain", "après demain", "pasado mañana", "pasado manana")


def _relative_day(match: re.Match[str], local: Local) -> DateValue | None:
    word = " ".join(match["rel"].lower().split())
    if word in _TONIGHT:
        return DateValue([local.today], default_time=time(23, 59))
    if word in _TODAY:
        return DateValue([local.today])
    if word in _DAY_AFTER:
        return DateValue([local.today + timedelta(days=2)])
    return DateValue([local.today + timedelta(days=1)])


_PERIODS = {
    "woche": "week",
    "wochenende": "week",
    "semaine": "week",
    "semana": "week",
    "monat": "month",
    "monats": "month",
    "mois": "month",
    "mes": "month",
    "quartal": "quarter",
    "quartals": "quarter",
    "trimestre": "quarter",
    "jahr": "year",
    "jahres": "year",
    "année": "year",
    "annee": "year",
    "año": "year",
    "ano": "year",
}


def _period(match: re.Match[str], local: Local) -> DateValue | None:
    period = _PERIODS[match["period"].lower()]
    following = any(word in (match.group(0).lower()) for word in _NEXT_WORDS)
    return period_end(period, following=following, local=local)


def _end_of_named_month(match: re.Match[str], local: Local) -> DateValue | None:
    month = _ALL_MONTHS[match["month"].lower()]
    first = nearest_year(local, month, 1)
    if first is None:
        return None
    return DateValue([last_weekday_of_month(first.year, month)], self_cued=True)


def _week(match: re.Match[str], local: Local) -> DateValue | None:
    monday = week_start(local.today)
    if not any(word in match.group(0).lower() for word in _NEXT_WORDS):
        friday = monday + timedelta(days=4)
        return DateValue([friday if friday >= local.today else friday + timedelta(days=7)])
    next_monday = monday + timedelta(days=7)
    if _BEFORE_CUE.search(match.string[max(0, match.start() - 20) : match.start()]):
        # "bis nächste Woche": ready when next week starts, as "by next week" is.
        return DateValue([next_monday], default_time=local.day_start)
    return DateValue([next_monday + timedelta(days=4)])


_WORKING = ("arbeitstag", "werktag", "ouvré", "ouvre", "ouvrable", "hábil", "habil", "laborable")


def _duration(match: re.Match[str], local: Local) -> DateValue | None:
    count = number_value(match["count"])
    if count is None or not 0 < count <= 400:
        return None
    unit = match["unit"].lower()
    working = any(word in match.group(0).lower() for word in _WORKING)
    if unit.startswith(("stunde", "heure", "hora")):
        if count > 24 * 14:
            return None
        exact = local.now + timedelta(hours=count)
        return DateValue([exact.date()], exact=exact, self_cued=True)
    if unit.startswith(("woche", "semaine", "semana")):
        reading = local.today + timedelta(weeks=count)
    elif unit.startswith(("monat", "mois", "mes")):
        reading = add_months(local.today, count)
    elif working:
        reading = add_working_days(local.today, count)
    else:
        reading = local.today + timedelta(days=count)
    return DateValue([reading], self_cued=True)


def _holiday(match: re.Match[str], local: Local) -> DateValue | None:
    day = holiday_date(match["holiday"], today=local.today, region=local.region)
    if day is None:
        return None
    last = holiday_date(
        match["holiday"],
        today=local.today - timedelta(days=_RECENT_HOLIDAY_DAYS),
        region=local.region,
    )
    if last is not None and last < local.today and (day - local.today).days > _FAR_HOLIDAY_DAYS:
        # "the numbers finance sent before Christmas", written in January: the one just past
        # is meant, mentioned rather than set as a deadline.
        return DateValue([last], needs_cue=True, weak_only=True)
    before = match.string[max(0, match.start() - 30) : match.start()].lower()
    name = " ".join(match["holiday"].split())
    anchor = f"{name} is {day:%A} {day.day} {day:%B}"
    if _BEFORE_HOLIDAY.search(before):
        # "before Boxing Day": by the end of the last weekday before it.
        holiday = day
        day -= timedelta(days=1)
        while day.weekday() >= 5 or (day.month, day.day) in _CLOSED_DAYS:
            day -= timedelta(days=1)
        anchor = f"{name} is {holiday:%A} {holiday.day} {holiday:%B}, so the day before"
    # A holiday's name is often just mentioned ("over Christmas"): a deadline only after a cue.
    return DateValue([day], needs_cue=True, anchor=anchor)


# Days offices are closed nearly everywhere Accord is used: never "the day before" a holiday.
_CLOSED_DAYS = frozenset({(12, 25), (12, 26), (1, 1)})
_RECENT_HOLIDAY_DAYS = 60
_FAR_HOLIDAY_DAYS = 180
_BEFORE_HOLIDAY = re.compile(
    r"(?:\bbefore|\bprior\s+to|\bahead\s+of|\bvor|\bavant|\bantes\s+de)\s*"
    r"(?:(?:the|le|la|el|dem|den)\s*)?$"
)


_Reader = Callable[[re.Match[str], Local], DateValue | None]
FOREIGN_DATE_PATTERNS: list[tuple[re.Pattern[str], _Reader]] = [
    (
        re.compile(
            r"(?<![\w.])(?P<day>\d{1,2})(?:\.|er|º|°)?\s*(?:de\s+)?" + _MONTH + r"(?!\w)"
            r"(?:,?\s+(?:de\s+)?(?P<year>\d{4})\b)?",
            re.IGNORECASE,
        ),
        _day_month,
    ),
    (
        re.compile(
            r"(?<!\w)(?:(?P<mod>nächsten|nächster|naechsten|kommenden|diesen|dieser|ce"
            r"|el\s+próximo|el\s+proximo|el\s+pr[óo]ximo|próximo|proximo|este)\s+)?"
            r"(?:(?:den|le|el)\s+)?" + _WEEKDAY + r"(?!\w)"
            r"(?:\s+(?P<after>prochain|qui\s+vient|que\s+viene|pr[óo]ximo|n[äa]chster\s+woche))?",
            re.IGNORECASE,
        ),
        _weekday,
    ),
    (
        re.compile(
            r"(?<!\w)(?P<rel>heute\s+abend|heute\s+nacht|heute|übermorgen|(?<!guten\s)(?<!am\s)(?<!jeden\s)(?<!den\s)morgen(?!\s*[,!])"
            r"|aujourd['\u2019]hui|après[-\s]demain|demain|ce\s+soir"
            r"|hoy|esta\s+noche|pasado\s+ma[ñn]ana|(?<!la\s)(?<!esta\s)ma[ñn]ana)(?!\w)",
            re.IGNORECASE,
        ),
        _relative_day,
    ),
    (
        re.compile(
            r"(?<!\w)(?:ende\s+(?:der|des|dieser|dieses|diesen|nächster|nächsten|des\s+nächsten)"
            r"\s+|fin\s+(?:de\s+la\s+|du\s+|de\s+l['\u2019]|de\s+|d['\u2019])"
            r"|(?:a\s+)?(?:fin(?:al)?(?:es)?\s+(?:de\s+la\s+|del\s+|de\s+))(?:(?:pr[óo]xim[oa])\s+)?)"
            r"(?P<period>woche|monats|quartals|jahres|semaine|mois|trimestre|ann[ée]e|semana|mes"
            r"|a[ñn]o)(?:\s+(?:prochaine?|pr[óo]xim[oa]|que\s+viene))?(?!\w)"
            r"|(?<!\w)(?P<compound>wochen|monats|quartals|jahres)ende(?!\w)",
            re.IGNORECASE,
        ),
        lambda match, local: _compound_or_period(match, local),
    ),
    (
        re.compile(
            r"(?<!\w)(?:ende|fin|fin\s+de|finales\s+de|final\s+de)\s+" + _MONTH + r"(?!\w)",
            re.IGNORECASE,
        ),
        _end_of_named_month,
    ),
    (
        re.compile(
            r"(?<!\w)(?:(?:diese|nächste|naechste|kommende)\s+woche"
            r"|(?:la\s+)?semaine\s+prochaine|cette\s+semaine"
            r"|(?:la\s+)?pr[óo]xima\s+semana|(?:la\s+)?semana\s+que\s+viene|esta\s+semana)(?!\w)",
            re.IGNORECASE,
        ),
        _week,
    ),
    (
        re.compile(
            r"(?<!\w)(?:in|innerhalb(?:\s+von)?|binnen|dans|sous|d'ici|en|dentro\s+de)\s+"
            + _COUNT
            + r"\s+(?:(?:arbeits|werk)(?=tag))?(?P<unit>tag(?:en|e)?|stunden?|wochen?"
            r"|monat(?:en|e)?|jours?|heures?|semaines?|mois|d[ií]as?|horas?|semanas?|mes(?:es)?)"
            r"(?:\s+(?:ouvr[ée]s|ouvrables|h[áa]biles|laborables))?(?!\w)",
            re.IGNORECASE,
        ),
        _duration,
    ),
    (HOLIDAY_PATTERN, _holiday),
]


def _compound_or_period(match: re.Match[str], local: Local) -> DateValue | None:
    if match["compound"]:
        period = _PERIODS[match["compound"].lower().removesuffix("n")]
        return period_end(period, following=False, local=local)
    return _period(match, local)


def foreign_date_spans(text: str, local: Local) -> Iterator[Span]:
    """Find every German, French or Spanish date phrase, and holiday names in any language.

    Args:
        text: any text.
        local: the moment of writing in the sender's zone.

    Yields:
        One span per phrase (the caller keeps the longest of overlapping ones).
    """
    for pattern, reader in FOREIGN_DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = reader(match, local)
            if value is not None:
                yield Span(match.start(), match.end(), Kind.DATE, date_value=value)

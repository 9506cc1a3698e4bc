"""Date phrases in German, French and Spanish, and holiday names in any of the four languages.

"bis Freitag", "d'ici vendredi", "para el viernes", "4. Dezember", "le 1er décembre", "4 de
diciembre", "nächste Woche", "fin de mois", "en 3 días hábiles", "bis Heiligabend". They are
read with the same rules as their English counterparts (``date_phrases``); the words that cue
a deadline ("bis", "d'ici", "para") are in ``dates``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, time, timedelta

from domain.intake.due_dates.calendar_words import (
    FOREIGN_MONTHS,
    FOREIGN_NUMBER_WORDS,
    FOREIGN_WEEKDAYS,
    MONTHS,
)
from domain.intake.due_dates.date_phrases import period_end
from domain.intake.due_dates.holidays import (
    HOLIDAY_PATTERN,
    add_working_days,
    holiday_date,
    last_working_day_of_month,
    on_a_day_off,
    said_before,
    working_day_before,
)
from domain.intake.due_dates.spans import (
    DateValue,
    Kind,
    Local,
    Span,
    add_months,
    day_the_month_lacks,
    ends_clause,
    nearest_year,
    next_day_of_month,
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
        if reading is None:
            return day_the_month_lacks(local, month, day_number)
    return None if reading is None else on_a_day_off(reading, match, local.region)


# Stems, so both genders match: "el próximo mes" and "la próxima semana".
_NEXT_WORDS = ("nächst", "naechst", "kommend", "prochain", "próxim", "proxim", "que viene")
# Words that make a period's end the next one's: the words above, and "the one after".
_PERIOD_NEXT_WORDS = (*_NEXT_WORDS, "suivant", "après", "apres", "siguiente")
# Next calendar week's weekday: "nächsten Freitag", "el lunes de la próxima semana", "de la
# otra semana" (Latin America). "kommenden Donnerstag" is the coming one, as "this coming
# Thursday" is ("kommende Woche" is still next week).
_WEEKDAY_NEXT_WORDS = (
    *(word for word in _NEXT_WORDS if word != "kommend"),
    "otra semana",
)
_THIS_WORDS = ("diese", "ce ", "cette", "este", "esta")
# "lundi en huit", "Montag in einer Woche", "el lunes en ocho", "übernächsten Montag": a week
# after the coming weekday ("en quinze", "in zwei Wochen": two weeks after it).
_WEEK_LATER = re.compile(
    r"en\s+huit|en\s+ocho|in\s+(?:einer|1)\s+woche|in\s+acht\s+tagen|(?:ü|ue)bern[äa]chst",
    re.IGNORECASE,
)
_TWO_WEEKS_LATER = re.compile(
    r"en\s+quin[zc]e|in\s+(?:zwei|2)\s+wochen|in\s+(?:vierzehn|14)\s+tagen", re.IGNORECASE
)


# "jeden Freitag", "chaque lundi", "tous les lundis", "cada viernes": what recurs, not a day.
_RECURRING_BEFORE = re.compile(
    r"\b(?:jeden|jede|chaque|tous\s+les|cada|todos\s+los)\s+$", re.IGNORECASE
)


def _weekday(match: re.Match[str], local: Local) -> DateValue | None:
    if _RECURRING_BEFORE.search(match.string[max(0, match.start() - 12) : match.start()]):
        return None
    weekday = FOREIGN_WEEKDAYS[match["weekday"].lower()]
    modifier = f"{match['mod'] or ''} {match['after'] or ''}".lower()
    value = _weekday_value(weekday, modifier, local)
    # "Freitagmittag", "Montagfrüh", "Dienstagnachmittag": the day with its part.
    part = (match["part"] or "").lower()
    if part == "mittag":
        value.default_time = time(12, 0)
    elif part in ("vormittag", "morgen", "früh"):
        value.default_time = local.day_start
    return value


def _weekday_value(weekday: int, modifier: str, local: Local) -> DateValue:
    weeks_later = (
        2 if _TWO_WEEKS_LATER.search(modifier) else 1 if _WEEK_LATER.search(modifier) else 0
    )
    if weeks_later:
        ahead = (weekday - local.today.weekday()) % 7 or 7
        return DateValue([local.today + timedelta(days=ahead + 7 * weeks_later)])
    if any(word in modifier for word in _WEEKDAY_NEXT_WORDS):
        # As in English: "nächsten Freitag", "vendredi prochain" name next calendar week's.
        next_monday = week_start(local.today) + timedelta(days=7)
        return DateValue([next_monday + timedelta(days=weekday)])
    ahead = (weekday - local.today.weekday()) % 7
    if ahead == 0 and not any(word in modifier for word in _THIS_WORDS):
        ahead = 7
    return DateValue(
        [local.today + timedelta(days=ahead)], roll=lambda day: day + timedelta(days=7)
    )


_TODAY = (
    "heute",
    "aujourd'hui",
    "aujourd\u2019hui",
    "hoy",
    "ce soir",
    "heute abend",
    "esta tarde",
    "cet après-midi",
    "cet apres-midi",
)
# "noch heute", "dans la journée", "hoy mismo": today, and a deadline by themselves.
_WITHIN_TODAY = re.compile(
    r"noch\s+heute|heute\s+noch|im\s+laufe\s+des\s+tages|dans\s+la\s+journ[ée]e"
    r"|au\s+cours\s+de\s+la\s+journ[ée]e|hoy\s+mismo|en\s+el\s+transcurso\s+del\s+d[ií]a",
    re.IGNORECASE,
)
# "ce matin", "esta mañana": today's morning, over by noon unless an hour is given.
_THIS_MORNING = r"ce\s+matin|cette\s+matin[ée]e|esta\s+ma[ñn]ana"
_TONIGHT = ("ce soir", "heute abend", "esta noche", "heute nacht")
_DAY_AFTER = ("übermorgen", "après-demain", "après demain", "pasado mañana", "pasado manana")


def _relative_day(match: re.Match[str], local: Local) -> DateValue | None:
    word = " ".join(match["rel"].lower().split())
    if _WITHIN_TODAY.fullmatch(word):
        return DateValue([local.today], self_cued=True)
    if word in _TONIGHT:
        return DateValue([local.today], default_time=time(23, 59))
    if word in _TODAY:
        return DateValue([local.today])
    if re.fullmatch(_THIS_MORNING, word):
        # Usually a time past ("comme vu ce matin"): a deadline only after a cue or an hour.
        return DateValue([local.today], default_time=time(12, 0), needs_cue=True)
    if word in _DAY_AFTER:
        return DateValue([local.today + timedelta(days=2)], self_cued=ends_clause(match))
    return DateValue([local.today + timedelta(days=1)], self_cued=ends_clause(match))


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
    following = any(word in (match.group(0).lower()) for word in _PERIOD_NEXT_WORDS)
    return period_end(period, following=following, local=local)


def _end_of_named_month(match: re.Match[str], local: Local) -> DateValue | None:
    month = _ALL_MONTHS[match["month"].lower()]
    first = nearest_year(local, month, 1)
    if first is None:
        return None
    reading = last_working_day_of_month(first.year, month, local.region)
    return DateValue([reading], self_cued=True)


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
    unit = "heure" if match["hours"] else match["unit"].lower()
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
        reading = add_working_days(local.today, count, local.region)
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
    name = " ".join(match["holiday"].split())
    anchor = f"{name} is {day:%A} {day.day} {day:%B}"
    if said_before(match.string, match.start()):
        # "before Boxing Day": by the end of the last working day before it.
        holiday = day
        day = working_day_before(day, local.region)
        anchor = f"{name} is {holiday:%A} {holiday.day} {holiday:%B}, so the day before"
    # A holiday's name is often just mentioned ("over Christmas"): a deadline only after a cue.
    return DateValue([day], needs_cue=True, anchor=anchor)


_RECENT_HOLIDAY_DAYS = 60
_FAR_HOLIDAY_DAYS = 180


def _day_of_month(match: re.Match[str], local: Local) -> DateValue | None:
    # "à rendre le 9", "fällig am 9.", "vence el día 9", "jeudi 17": the next such day. After
    # an article alone it is a deadline only with a cue ("le 9" may be an item's number).
    lead = (match["lead"] or "").lower()
    if lead in _GERMAN_LEADS and not match["core"].endswith("."):
        # German writes the day as an ordinal, "am 9.": "am 9" may be English ("I am 9").
        return None
    number = int(match["day"])
    day = next_day_of_month(number, local.today)
    if day is None:
        return None
    if (
        match["wd"]
        and match["core"].isdigit()
        and _WORD_AFTER.match(match.string, match.end())
        and FOREIGN_WEEKDAYS[match["wd"].lower()] != day.weekday()
    ):
        # "bis Freitag 2 Berichte": a bare number and a word after a weekday is a count,
        # unless the weekday confirms it as the day ("el jueves 17 a las 10").
        return None

    def roll(reading: date) -> date:
        return next_day_of_month(number, reading + timedelta(days=1)) or reading

    return DateValue([day], roll=roll, needs_cue=not match["wd"])


_GERMAN_LEADS = ("am", "zum", "den")
_WORD_AFTER = re.compile(r"\s+[^\W\d]")
_NOT_A_DAY_AFTER = (
    r"(?!\w)(?!\s*(?:h\b|hs\b|hrs\b|uhr\b|horas?\b|heures?\b|:\d|[./,]\d|%|€|\$|\d|-\d"
    r"|(?:de\s+)?(?:" + _alternatives(_ALL_MONTHS) + r")(?!\w)))"
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
            r"|(?:ü|ue)bern[äa]chsten|el\s+pr[óo]ximo|pr[óo]ximo|este)\s+)?"
            r"(?:(?:den|le|el)\s+)?" + _WEEKDAY + r"(?:(?P<part>vormittag|nachmittag|mittag"
            r"|morgen|früh)s?)?(?!\w)"
            r"(?:\s+(?P<after>prochain|qui\s+vient|que\s+viene|pr[óo]ximo|n[äa]chster\s+woche"
            r"|en\s+(?:huit|quinze|ocho|quince)|in\s+(?:einer|1|zwei|2)\s+wochen?"
            r"|in\s+(?:acht|vierzehn|14)\s+tagen"
            r"|de\s+la\s+(?:semana\s+que\s+viene|pr[óo]xima\s+semana|otra\s+semana)))?",
            re.IGNORECASE,
        ),
        _weekday,
    ),
    (
        re.compile(
            r"(?<!\w)(?P<rel>" + _WITHIN_TODAY.pattern + r"|esta\s+tarde|cet\s+apr[èe]s-midi"
            r"|" + _THIS_MORNING + r"|heute\s+abend|heute\s+nacht|heute|übermorgen"
            # The article before "morgen" is a word of its own: "das Team morgen" is a day.
            # "Bis morgen, Lukas" takes leave; "bis morgen, 17 Uhr" sets a time.
            r"|(?<!\bguten\s)(?<!\bam\s)(?<!\bjeden\s)(?<!\bden\s)morgen(?!\s*!)"
            r"(?!\s*,(?!\s*(?:um\s+|gegen\s+|bis\s+)?\d{1,2}(?:[:.]\d{2}|\s*(?:uhr|h)(?!\w))))"
            r"|aujourd['\u2019]hui|après[-\s]demain|demain|ce\s+soir"
            r"|hoy|esta\s+noche|pasado\s+ma[ñn]ana|(?<!\bla\s)(?<!\besta\s)ma[ñn]ana)(?!\w)",
            re.IGNORECASE,
        ),
        _relative_day,
    ),
    (
        re.compile(
            r"(?<!\w)(?:ende\s+(?:der\s+(?:n[äa]e?chsten|kommenden)|des\s+(?:n[äa]e?chsten|kommenden)"
            r"|der|des|dieser|dieses|diesen|n[äa]e?chster|n[äa]e?chsten|kommender|kommenden)"
            r"\s+|fin\s+(?:de\s+la\s+|du\s+|de\s+l['\u2019]|de\s+|d['\u2019])"
            r"|(?:a\s+)?(?:fin(?:al)?(?:es)?\s+(?:de\s+la\s+|del\s+|de\s+))(?:(?:pr[óo]xim[oa])\s+)?)"
            r"(?P<period>woche|monats|quartals|jahres|semaine|mois|trimestre|ann[ée]e|semana|mes"
            r"|a[ñn]o)(?:\s+(?:prochaine?|pr[óo]xim[oa]|que\s+viene|suivante?|d['\u2019]apr[èe]s"
            r"|siguiente))?(?!\w)"
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
            # "innert": the Swiss "innerhalb", with the dative ("innert drei Arbeitstagen").
            r"(?<!\w)(?:in|innerhalb(?:\s+von)?|innert|binnen|dans|sous|d'ici|en|dentro\s+de)\s+"
            # A period's lead-in: "en un plazo de", "dans un délai de", "in den nächsten",
            # "dans les", "en los próximos".
            r"(?:(?:un|el)\s+plazo\s+(?:m[áa]ximo\s+)?de\s+|un\s+d[ée]lai\s+(?:maximum\s+)?de\s+"
            r"|(?:den|der)\s+n[äa]e?chsten\s+|les\s+(?:prochains\s+)?|los\s+pr[óo]ximos\s+)?"
            + _COUNT
            + r"(?:\s*(?P<hours>h)(?!\w)|\s+(?:(?:arbeits|werk)(?=tag))?"
            r"(?P<unit>tag(?:en|e)?|stunden?|wochen?|monat(?:en|e)?|jours?|heures?|semaines?|mois|d[ií]as?|horas?|semanas?|mes(?:es)?)"
            r"(?:\s+(?:ouvr[ée]s|ouvrables|h[áa]biles|laborables))?(?!\w))",
            re.IGNORECASE,
        ),
        _duration,
    ),
    (
        # "sous huitaine", "dans la quinzaine": within a week, within two.
        re.compile(
            r"(?<!\w)(?:sous|dans\s+la|d['\u2019]ici\s+(?:une|la))\s+(?P<span>huitaine|quinzaine)(?!\w)",
            re.IGNORECASE,
        ),
        lambda match, local: DateValue(
            [local.today + timedelta(weeks=1 if match["span"].lower() == "huitaine" else 2)],
            self_cued=True,
        ),
    ),
    (HOLIDAY_PATTERN, _holiday),
    (
        re.compile(
            r"(?:(?<!\w)(?P<lead>le|el|am|zum|au|del|d[ií]a|el\s+d[ií]a|den)\s+"
            r"|(?<!\w)(?P<wd>" + _alternatives(FOREIGN_WEEKDAYS) + r"),?\s+(?:(?:le|el|den)\s+)?)"
            r"(?P<core>(?P<day>[1-9]|[12]\d|3[01])(?:er|\.|º|°)?)" + _NOT_A_DAY_AFTER,
            re.IGNORECASE,
        ),
        _day_of_month,
    ),
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
        core = "core" in pattern.groupindex
        for match in pattern.finditer(text):
            value = reader(match, local)
            if value is not None:
                # A pattern with a "core" names only that part; the words before it (an
                # article, the weekday) are found by their own patterns.
                start, end = match.span("core") if core else match.span()
                yield Span(start, end, Kind.DATE, date_value=value)

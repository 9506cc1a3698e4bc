"""Holidays by name ("by Christmas Eve", "before Boxing Day", "bis Heiligabend"), computed.

Each holiday is a rule over the year (a fixed day, the n-th weekday of a month, or a day
relative to Easter), so no year is listed. Where countries keep a holiday on different days
(Thanksgiving), the sender's region chooses; a name is read whatever the region, because a
London manager may well write "by Thanksgiving" to a colleague in Chicago.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from domain.intake.due_dates.spans import DateValue

_Rule = Callable[[int, str], date]


def easter(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon + 15) % 30
    quarter, year_rest = divmod(year_of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * quarter - epact - year_rest) % 7
    shift = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * shift + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` given weekday of a month (``nth`` -1: the last one)."""
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _fixed(month: int, day: int) -> _Rule:
    return lambda year, _region: date(year, month, day)


def _from_easter(days: int) -> _Rule:
    return lambda year, _region: easter(year) + timedelta(days=days)


def _thanksgiving(year: int, region: str) -> date:
    # Canada's is the second Monday of October; the United States' the fourth Thursday of
    # November (the one meant unless the sender is in Canada).
    if region == "CA":
        return nth_weekday(year, 10, 0, 2)
    return nth_weekday(year, 11, 3, 4)


# Each country keeps its own independence day; the United States' is meant where none is known.
_INDEPENDENCE_DAYS = {
    "US": (7, 4),
    "MX": (9, 16),
    "AR": (7, 9),
    "BR": (9, 7),
    "CO": (7, 20),
    "CL": (9, 18),
    "PE": (7, 28),
    "VE": (7, 5),
    "IN": (8, 15),
    "BE": (7, 21),
}


def _independence_day(year: int, region: str) -> date:
    month, day = _INDEPENDENCE_DAYS.get(region, _INDEPENDENCE_DAYS["US"])
    return date(year, month, day)


def _penance_day(year: int, _region: str) -> date:
    # Buß- und Bettag: the last Wednesday before 23 November.
    eve = date(year, 11, 23)
    return eve - timedelta(days=(eve.weekday() - 2) % 7 or 7)


def _weekday_rule(month: int, weekday: int, nth: int) -> _Rule:
    return lambda year, _region: nth_weekday(year, month, weekday, nth)


_APOSTROPHE = r"['\u2019]?"
# (pattern of names, rule); longer names first where one contains another.
_HOLIDAYS: list[tuple[str, _Rule]] = [
    (
        r"christmas\s+eve|xmas\s+eve|heilig(?:er\s+)?abend|veille\s+de\s+no[eë]l"
        r"|r[ée]veillon\s+de\s+no[eë]l|nochebuena",
        _fixed(12, 24),
    ),
    (
        r"new\s+year" + _APOSTROPHE + r"s?\s+eve|silvester|saint[-\s]sylvestre"
        r"|r[ée]veillon\s+du\s+(?:nouvel\s+an|jour\s+de\s+l'an)|nochevieja",
        _fixed(12, 31),
    ),
    (
        r"new\s+year" + _APOSTROPHE + r"s?\s+day|neujahr(?:stag)?|jour\s+de\s+l'an"
        r"|a[ñn]o\s+nuevo",
        _fixed(1, 1),
    ),
    (r"boxing\s+day|st\.?\s+stephen" + _APOSTROPHE + r"s\s+day|stefanstag", _fixed(12, 26)),
    (
        r"christmas(?:\s+day)?|xmas|weihnachten|no[eë]l|navidad|(?:1\.\s+)?weihnachtstag",
        _fixed(12, 25),
    ),
    (
        # "antes de Reyes": the capitalised name alone is the holiday, "los reyes" is not.
        r"d[ií]a\s+de\s+(?:los\s+)?reyes|reyes\s+magos|(?-i:Reyes)|epifan[ií]a|[ée]piphanie"
        r"|epiphany|heilige\s+drei\s+k[öo]nige|dreik[öo]nigstag",
        _fixed(1, 6),
    ),
    (r"thanksgiving(?:\s+day)?", _thanksgiving),
    # "before the Fourth": the capitalised ordinal alone is the holiday, "the fourth" is not.
    (
        r"(?:the\s+)?fourth\s+of\s+july|july\s+4th"
        r"|(?-i:the\s+Fourth)(?!\s+(?:of\b|[A-Z]))",
        _fixed(7, 4),
    ),
    # The national holidays of the independence, each country's own (Chile's 18 September,
    # Peru's 28 July), named as a festival rather than a day.
    (r"fiestas\s+patrias|fiestas\s+de\s+la\s+independencia", _independence_day),
    (
        r"independence\s+day|d[ií]a\s+de\s+(?:la\s+)?independencia"
        r"|f[êe]te\s+de\s+l['\u2019]ind[ée]pendance|unabh[äa]ngigkeitstag",
        _independence_day,
    ),
    (r"f[êe]te\s+nationale|bastille\s+day", _fixed(7, 14)),
    (r"tag\s+der\s+deutschen\s+einheit", _fixed(10, 3)),
    (r"d[ií]a\s+de\s+la\s+hispanidad", _fixed(10, 12)),
    (r"halloween", _fixed(10, 31)),
    (
        r"all\s+saints" + _APOSTROPHE + r"\s+day|allerheiligen|toussaint|todos\s+los\s+santos",
        _fixed(11, 1),
    ),
    (r"armistice\s+day|veterans" + _APOSTROPHE + r"\s+day|remembrance\s+day", _fixed(11, 11)),
    (r"valentine" + _APOSTROPHE + r"s\s+day", _fixed(2, 14)),
    (r"st\.?\s+patrick" + _APOSTROPHE + r"s\s+day", _fixed(3, 17)),
    (r"good\s+friday|karfreitag|vendredi\s+saint|viernes\s+santo", _from_easter(-2)),
    (r"easter\s+monday|ostermontag|lundi\s+de\s+p[âa]ques", _from_easter(1)),
    (r"easter(?:\s+sunday)?|ostern|p[âa]ques|pascua", _from_easter(0)),
    (
        r"ascension\s+day|christi\s+himmelfahrt|l'ascension|ascension|d[ií]a\s+de\s+la\s+ascensi[óo]n",
        _from_easter(39),
    ),
    (r"whit\s+monday|pfingstmontag|lundi\s+de\s+pentec[ôo]te", _from_easter(50)),
    (r"australia\s+day", _fixed(1, 26)),
    (r"waitangi\s+day", _fixed(2, 6)),
    (r"anzac\s+day", _fixed(4, 25)),
    (r"canada\s+day|f[êe]te\s+du\s+canada", _fixed(7, 1)),
    (r"juneteenth", _fixed(6, 19)),
    (
        r"tag\s+der\s+arbeit|f[êe]te\s+du\s+travail"
        r"|d[ií]a\s+del\s+trabajo(?:ador)?",
        _fixed(5, 1),
    ),
    (r"victoire\s+1945|(?:le\s+)?8\s+mai\s+1945", _fixed(5, 8)),
    (
        r"assumption\s+day|mari[äa]\s+himmelfahrt|l['\u2019]assomption|assomption"
        r"|(?:d[ií]a\s+de\s+la\s+)?asunci[óo]n",
        _fixed(8, 15),
    ),
    (r"d[ií]a\s+de\s+la\s+constituci[óo]n", _fixed(12, 6)),
    (
        r"(?:d[ií]a\s+de\s+la\s+)?inmaculada(?:\s+concepci[óo]n)?|mari[äa]\s+empf[äa]ngnis"
        r"|immacul[ée]e\s+conception|immaculate\s+conception",
        _fixed(12, 8),
    ),
    # Holidays of a region within a country, named by their senders as any other: a state's
    # (Saxony's Buß- und Bettag), an autonomous community's (Canarias, Andalucía, Catalonia,
    # Madrid), a canton's or a Land's saint's day.
    (r"bu(?:ß|ss)-?\s+und\s+bettag", _penance_day),
    (r"d[ií]a\s+de\s+canarias", _fixed(5, 30)),
    (r"d[ií]a\s+de\s+andaluc[ií]a", _fixed(2, 28)),
    (r"(?:la\s+)?diada(?:\s+de\s+catalunya)?|d[ií]a\s+de\s+catalu[ñn]a", _fixed(9, 11)),
    (r"d[ií]a\s+de\s+la\s+comunidad(?:\s+de\s+madrid)?", _fixed(5, 2)),
    (r"josefstag", _fixed(3, 19)),
    (r"leopolditag|leopoldstag", _fixed(11, 15)),
    (r"d[ií]a\s+de\s+(?:los\s+)?muertos", _fixed(11, 2)),
    (r"nationalfeiertag", _fixed(10, 26)),
    (r"bundesfeier(?:tag)?", _fixed(8, 1)),
    (r"reformationstag", _fixed(10, 31)),
    (r"jueves\s+santo|gr[üu]ndonnerstag|maundy\s+thursday|jeudi\s+saint", _from_easter(-3)),
    (r"fronleichnam|corpus\s+christi|f[êe]te[-\s]dieu", _from_easter(60)),
    (r"pfingsten|pentec[ôo]te|pentecost[ée]s|pentecost|whitsun", _from_easter(49)),
    (r"memorial\s+day", _weekday_rule(5, 0, -1)),
    (r"labou?r\s+day", _weekday_rule(9, 0, 1)),
    (r"early\s+may\s+bank\s+holiday|may\s+day\s+bank\s+holiday", _weekday_rule(5, 0, 1)),
    (r"spring\s+bank\s+holiday", _weekday_rule(5, 0, -1)),
    (r"(?:summer|august)\s+bank\s+holiday", _weekday_rule(8, 0, -1)),
    (r"martin\s+luther\s+king(?:\s+jr\.?)?\s+day|mlk\s+day", _weekday_rule(1, 0, 3)),
    (r"presidents" + _APOSTROPHE + r"\s+day", _weekday_rule(2, 0, 3)),
]


def _victoria_day(year: int, _region: str) -> date:
    # The last Monday before 25 May.
    return date(year, 5, 24) - timedelta(days=date(year, 5, 24).weekday())


# The national public holidays of the countries Accord's senders write from (regional ones
# left out), for "the last working day before" a day: fixed days, then moving ones.
_FIXED_DAYS: dict[str, frozenset[tuple[int, int]]] = {
    region: frozenset(days)
    for region, days in {
        "DE": [(1, 1), (5, 1), (10, 3), (12, 25), (12, 26)],
        "AT": [(1, 1), (1, 6), (5, 1), (8, 15), (10, 26), (11, 1), (12, 8), (12, 25), (12, 26)],
        "CH": [(1, 1), (8, 1), (12, 25), (12, 26)],
        "FR": [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)],
        "BE": [(1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25)],
        "LU": [(1, 1), (5, 1), (5, 9), (6, 23), (8, 15), (11, 1), (12, 25), (12, 26)],
        "ES": [(1, 1), (1, 6), (5, 1), (8, 15), (10, 12), (11, 1), (12, 6), (12, 8), (12, 25)],
        "MX": [(1, 1), (5, 1), (9, 16), (12, 25)],
        "CO": [(1, 1), (5, 1), (7, 20), (8, 7), (12, 8), (12, 25)],
        "AR": [(1, 1), (3, 24), (4, 2), (5, 1), (5, 25), (6, 20), (7, 9), (12, 8), (12, 25)],
        "BR": [(1, 1), (4, 21), (5, 1), (9, 7), (10, 12), (11, 2), (11, 15), (12, 25)],
        "CL": [
            (1, 1),
            (5, 1),
            (5, 21),
            (8, 15),
            (9, 18),
            (9, 19),
            (10, 31),
            (11, 1),
            (12, 8),
            (12, 25),
        ],
        "PE": [
            (1, 1),
            (5, 1),
            (6, 29),
            (7, 28),
            (7, 29),
            (8, 30),
            (10, 8),
            (11, 1),
            (12, 8),
            (12, 25),
        ],
        "GB": [(1, 1), (12, 25), (12, 26)],
        "IE": [(1, 1), (3, 17), (12, 25), (12, 26)],
        "US": [(1, 1), (6, 19), (7, 4), (12, 25)],
        "CA": [(1, 1), (7, 1), (12, 25), (12, 26)],
        "AU": [(1, 1), (1, 26), (4, 25), (12, 25), (12, 26)],
        "NZ": [(1, 1), (1, 2), (2, 6), (4, 25), (12, 25), (12, 26)],
    }.items()
}
_EASTER_MONDAY_ETC = (_from_easter(1), _from_easter(39), _from_easter(50))
_MOVING_DAYS: dict[str, tuple[_Rule, ...]] = {
    "DE": (_from_easter(-2), *_EASTER_MONDAY_ETC),
    "AT": (*_EASTER_MONDAY_ETC, _from_easter(60)),
    "CH": (_from_easter(-2), *_EASTER_MONDAY_ETC),
    "FR": _EASTER_MONDAY_ETC,
    "BE": _EASTER_MONDAY_ETC,
    "LU": _EASTER_MONDAY_ETC,
    # Holy Thursday too: every autonomous community but Catalonia and Valencia keeps it.
    "ES": (_from_easter(-3), _from_easter(-2)),
    "MX": (_weekday_rule(2, 0, 1), _weekday_rule(3, 0, 3), _weekday_rule(11, 0, 3)),
    "CO": (_from_easter(-3), _from_easter(-2)),
    "AR": (_from_easter(-3), _from_easter(-2)),
    "BR": (_from_easter(-2),),
    "CL": (_from_easter(-2),),
    "PE": (_from_easter(-3), _from_easter(-2)),
    "GB": (
        _from_easter(-2),
        _from_easter(1),
        _weekday_rule(5, 0, 1),
        _weekday_rule(5, 0, -1),
        _weekday_rule(8, 0, -1),
    ),
    "IE": (
        _from_easter(1),
        _weekday_rule(5, 0, 1),
        _weekday_rule(6, 0, 1),
        _weekday_rule(8, 0, 1),
        _weekday_rule(10, 0, -1),
    ),
    "US": (
        _weekday_rule(1, 0, 3),
        _weekday_rule(2, 0, 3),
        _weekday_rule(5, 0, -1),
        _weekday_rule(9, 0, 1),
        _thanksgiving,
    ),
    "CA": (_from_easter(-2), _victoria_day, _weekday_rule(9, 0, 1), _thanksgiving),
    "AU": (_from_easter(-2), _from_easter(1)),
    "NZ": (_from_easter(-2), _from_easter(1)),
}


def is_public_holiday(day: date, region: str) -> bool:
    """Whether offices in the region close that day (national holidays; 25 Dec, 1 Jan anywhere)."""
    if (day.month, day.day) in {(12, 25), (1, 1)} | _FIXED_DAYS.get(region, frozenset()):
        return True
    return any(rule(day.year, region) == day for rule in _MOVING_DAYS.get(region, ()))


def working_day_before(day: date, region: str) -> date:
    """The last weekday before ``day`` that is not a public holiday in the region."""
    day -= timedelta(days=1)
    while day.weekday() >= 5 or is_public_holiday(day, region):
        day -= timedelta(days=1)
    return day


def add_working_days(day: date, count: int, region: str) -> date:
    """The day ``count`` working days after ``day``: weekends and the region's holidays skipped.

    "Within three business days" from Sydney on the Thursday before Easter is the next
    Thursday: Good Friday and Easter Monday are nobody's working days there.
    """
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and not is_public_holiday(day, region):
            count -= 1
    return day


def last_working_day_of_month(year: int, month: int, region: str) -> date:
    """The month's last weekday that is no public holiday in the region.

    "End of May" in London is 28 May 2027, since the 31st is a bank holiday.
    """
    following = date(year + month // 12, month % 12 + 1, 1)
    return working_day_before(following, region)


_BEFORE = re.compile(
    r"(?:\bbefore|\bprior\s+to|\bahead\s+of|\bvor|\bavant|\bantes\s+del?|\bprevio\s+al?)\s*"
    r"(?:(?:the|le|la|l['\u2019]|el|dem|den|der)\s*)?$",
    re.IGNORECASE,
)


def said_before(text: str, start: int) -> bool:
    """Whether the words just before ``start`` say "before" ("vor", "avant", "antes de")."""
    return _BEFORE.search(text[max(0, start - 30) : start]) is not None


def on_a_day_off(day: date, match: re.Match[str], region: str) -> DateValue:
    """A written date; "before" one that is a public holiday means the working day before it.

    "avant le 14 juillet" from Paris is by 13 July: nobody works on the 14th. Elsewhere, and
    for any other day, "before 14 July" is read as "by 14 July", as English speakers mean it.
    """
    if is_public_holiday(day, region) and said_before(match.string, match.start()):
        holiday = day
        day = working_day_before(day, region)
        anchor = f"{holiday:%A} {holiday.day} {holiday:%B} is a public holiday, so the day before"
        return DateValue([day], anchor=anchor)
    return DateValue([day])


HOLIDAY_PATTERN = re.compile(
    r"(?<!\w)(?P<holiday>" + "|".join(f"(?:{names})" for names, _ in _HOLIDAYS) + r")(?!\w)",
    re.IGNORECASE,
)
_NAMED = [(re.compile(names, re.IGNORECASE), rule) for names, rule in _HOLIDAYS]

# Zones whose people keep another country's holidays; the first match wins.
_ZONE_REGIONS = (
    ("Europe/London", "GB"),
    ("Europe/Belfast", "GB"),
    ("Europe/Dublin", "IE"),
    ("Europe/Berlin", "DE"),
    ("Europe/Vienna", "AT"),
    ("Europe/Zurich", "CH"),
    ("Europe/Paris", "FR"),
    ("Europe/Brussels", "BE"),
    ("Europe/Madrid", "ES"),
    ("Atlantic/Canary", "ES"),
    ("America/Toronto", "CA"),
    ("America/Vancouver", "CA"),
    ("America/Edmonton", "CA"),
    ("America/Winnipeg", "CA"),
    ("America/Halifax", "CA"),
    ("America/St_Johns", "CA"),
    ("America/Regina", "CA"),
    ("America/Mexico_City", "MX"),
    ("Australia/", "AU"),
    ("Pacific/Auckland", "NZ"),
    ("America/", "US"),
    ("US/", "US"),
    ("Pacific/Honolulu", "US"),
)


def region_for(region: str, locale: str, zone_name: str) -> str:
    """The sender's country for holidays: given, else the locale's region, else the zone's.

    Args:
        region: an ISO 3166 alpha-2 code or "".
        locale: a mailbox locale such as ``en-GB`` or "".
        zone_name: an IANA zone name.

    Returns:
        An upper-case country code, or "" when none can be told.
    """
    if region.strip():
        return region.strip().upper()
    parts = locale.replace("_", "-").split("-")
    if len(parts) > 1 and len(parts[1]) == 2:
        return parts[1].upper()
    for prefix, code in _ZONE_REGIONS:
        if zone_name.startswith(prefix):
            return code
    return ""


def holiday_date(name: str, *, today: date, region: str) -> date | None:
    """The next day (today included) that a holiday's name means.

    Args:
        name: the words, e.g. "Christmas Eve" or "Heiligabend".
        today: the sender's calendar day.
        region: the sender's country code (see :func:`region_for`).

    Returns:
        This year's date, or next year's once this year's has passed; ``None`` for an
        unknown name.
    """
    cleaned = " ".join(name.split())
    for pattern, rule in _NAMED:
        if pattern.fullmatch(cleaned):
            this_year = rule(today.year, region)
            return this_year if this_year >= today else rule(today.year + 1, region)
    return None

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
        r"d[ií]a\s+de\s+(?:los\s+)?reyes|reyes\s+magos|epifan[ií]a|[ée]piphanie|epiphany"
        r"|heilige\s+drei\s+k[öo]nige|dreik[öo]nigstag",
        _fixed(1, 6),
    ),
    (r"thanksgiving(?:\s+day)?", _thanksgiving),
    (
        r"independence\s+day|(?:the\s+)?fourth\s+of\s+july|july\s+4th",
        _fixed(7, 4),
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
    (r"memorial\s+day", _weekday_rule(5, 0, -1)),
    (r"labou?r\s+day", _weekday_rule(9, 0, 1)),
    (r"early\s+may\s+bank\s+holiday|may\s+day\s+bank\s+holiday", _weekday_rule(5, 0, 1)),
    (r"spring\s+bank\s+holiday", _weekday_rule(5, 0, -1)),
    (r"(?:summer|august)\s+bank\s+holiday", _weekday_rule(8, 0, -1)),
    (r"martin\s+luther\s+king(?:\s+jr\.?)?\s+day|mlk\s+day", _weekday_rule(1, 0, 3)),
    (r"presidents" + _APOSTROPHE + r"\s+day", _weekday_rule(2, 0, 3)),
]

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

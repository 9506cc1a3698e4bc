"""A period's end said in words: "before the week is out", "the last working day of the month".

"Before the month ends", "bevor die Woche vorbei ist", "avant que le trimestre se termine",
"antes de que termine la semana": the period named ends, and the work is due by then, as
"by the end of the month" is (the last working day of it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from domain.intake.due_dates.date_phrases import period_end
from domain.intake.due_dates.spans import Kind, Local, Span

_PERIODS = {
    "week": "week",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
    "woche": "week",
    "monat": "month",
    "quartal": "quarter",
    "jahr": "year",
    "semaine": "week",
    "mois": "month",
    "trimestre": "quarter",
    "année": "year",
    "annee": "year",
    "semana": "week",
    "mes": "month",
    "año": "year",
    "ano": "year",
}
_EN_PERIOD = r"(?P<en>week|month|quarter|year)"
_DE_PERIOD = r"(?P<de>woche|monat|quartal|jahr)"
_FR_PERIOD = r"(?P<fr>semaine|mois|trimestre|ann[ée]e)"
_ES_PERIOD = r"(?P<es>semana|mes|trimestre|a[ñn]o)"
_ES_ENDS = r"(?:se\s+)?(?:acabe|termine|finalice|cierre)"
# The conjunction, the period with its article, and a verb that says it ends, in each order
# the language allows ("antes de que acabe el mes", "antes de que el mes acabe").
_PERIOD_ENDS = re.compile(
    r"(?<!\w)(?:"
    r"(?:before|by\s+the\s+time)\s+the\s+" + _EN_PERIOD + r"\s+(?:ends|is\s+(?:out|over|done)"
    r"|closes|finishes|runs\s+out)"
    r"|bevor\s+(?:die|der|das)\s+" + _DE_PERIOD + r"\s+(?:endet|vorbei\s+ist|zu\s+ende\s+ist"
    r"|um\s+ist|rum\s+ist|abl[äa]uft|ausl[äa]uft)"
    r"|avant\s+que\s+(?:la|le|l['\u2019])\s*" + _FR_PERIOD + r"\s+(?:ne\s+)?(?:se\s+termine"
    r"|finisse|s['\u2019]ach[èe]ve|soit\s+(?:fini|termin[ée]|[ée]coul[ée])e?)"
    r"|antes\s+de\s+que\s+(?:"
    + _ES_ENDS
    + r"\s+(?:el|la)\s+"
    + _ES_PERIOD
    + r"|(?:el|la)\s+"
    + _ES_PERIOD.replace("es>", "es2>")
    + r"\s+"
    + _ES_ENDS
    + r")"
    r")(?!\w)",
    re.IGNORECASE,
)


# "the last working day of the month", "letzter Arbeitstag des Monats", "le dernier jour ouvré
# du mois", "el último día hábil del mes": the period's end said by its last working day.
_LAST_WORKING_DAY = re.compile(
    r"(?<!\w)(?:(?:the\s+)?last\s+(?:working|business|work)\s+day\s+of\s+(?:the|this)\s+"
    r"(?P<en>month|quarter|year)"
    r"|letzte[nrm]?\s+(?:arbeitstag|werktag|gesch[äa]ftstag)\s+(?:des|im)\s+"
    r"(?P<de>monats|quartals|jahres|monat|quartal|jahr)"
    r"|(?:le\s+)?dernier\s+jour\s+(?:ouvr[ée]|ouvrable)\s+(?:du\s+|de\s+l['\u2019]\s*)"
    r"(?P<fr>mois|trimestre|ann[ée]e)"
    r"|(?:el\s+)?[úu]ltimo\s+d[íi]a\s+(?:h[áa]bil|laborable)\s+del\s+(?P<es>mes|trimestre|a[ñn]o)"
    r")(?!\w)",
    re.IGNORECASE,
)
_GENITIVE_ENDINGS = {"monats": "monat", "quartals": "quartal", "jahres": "jahr"}


def period_end_clause_spans(text: str, local: Local) -> Iterator[Span]:
    """Find each "before the PERIOD ends" clause, in the four languages.

    Args:
        text: any text.
        local: the moment of writing in the sender's zone.

    Yields:
        One date span per clause: the last working day of the current period.
    """
    for pattern in (_PERIOD_ENDS, _LAST_WORKING_DAY):
        for match in pattern.finditer(text):
            names = [name for name in ("en", "de", "fr", "es", "es2") if name in pattern.groupindex]
            word = next(found for name in names if (found := match[name])).lower()
            period = _PERIODS[_GENITIVE_ENDINGS.get(word, word)]
            value = period_end(period, following=False, local=local)
            yield Span(match.start(), match.end(), Kind.DATE, date_value=value)

"""A range of hours: "demain entre 14h et 16h", "zwischen 14 und 16 Uhr", "from 2pm to 4pm".

Work asked for within a range of hours is due when the range closes: the later hour.
"""

from __future__ import annotations

import re

from domain.intake.due_dates.spans import Kind, Span

_OPENS = re.compile(r"(?:between|from|entre|zwischen|von|de)\s*$", re.IGNORECASE)
_JOINS = re.compile(r"\s*(?:and|to|till|until|et|à|und|bis|y|-|\u2013)\s*", re.IGNORECASE)


def closes_a_range(text: str, first: Span, second: Span) -> bool:
    """Whether two times form a range ("entre 14h et 16h"), the second closing it.

    Args:
        text: the text both times were found in.
        first: the earlier time.
        second: the later one.

    Returns:
        True when a word opening a range comes before the first time and a joining word alone
        stands between the two.
    """
    if first.kind != Kind.TIME or second.kind != Kind.TIME:
        return False
    before = text[max(0, first.start - 12) : first.start]
    return bool(_OPENS.search(before) and _JOINS.fullmatch(text[first.end : second.start]))

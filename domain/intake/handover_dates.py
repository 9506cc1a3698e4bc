"""The deadline of a handover written apart from it.

A delegation names who takes the work; its deadline often follows as a fragment of its own,
after a semicolon, a colon or a full stop ("Grace owns this one. Revised quote back to them
Friday 13 Aug."; "Priya se encarga de la propuesta; entrega el jueves 22"; "Nina übernimmt
die Reklamation. Stellungnahme an den Kunden bis Freitag, 24.09."). Such a fragment has no
finite verb and no subject pronoun, and names a date; it is the handover's deadline even
without a cue word. A fragment that says when the handover starts ("Starting Monday 3 May",
"ab Montag", "à partir du 3 mai", "desde el lunes") is no deadline.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from domain.intake.ask_words import FINITE_VERBS
from domain.intake.models import DueParse


def handover_deadline(
    delegation_body: str, following: str, dated: Callable[[str], DueParse | None]
) -> bool:
    """Tell whether a delegation's deadline is given in a verbless fragment after it.

    Args:
        delegation_body: the delegating sentence, addressing removed (the caller has checked
            that it delegates).
        following: the next sentence ("" when none).
        dated: reads any date a fragment names, cue or not.

    Returns:
        True when the fragment after a semicolon or colon in the sentence, or else the next
        sentence, is a verbless dated fragment.
    """
    parts = _SEPARATOR.split(delegation_body, maxsplit=1)
    fragment = parts[1] if len(parts) == 2 and parts[1].strip() else following
    return _is_dated_fragment(fragment, dated)


def _is_dated_fragment(fragment: str, dated: Callable[[str], DueParse | None]) -> bool:
    text = fragment.strip()
    if not text or len(text.split()) > _MAX_FRAGMENT_WORDS or text.endswith("?"):
        return False
    if FINITE_VERBS.search(text) or _SUBJECT_OR_START.match(text):
        return False
    return dated(text) is not None


_MAX_FRAGMENT_WORDS = 14
_SEPARATOR = re.compile(r"\s*[;:]\s+")
# A subject pronoun (the fragment is a clause, "We met on 3 May"), or a word that says when
# something starts or started ("Starting Monday", "since March"): no deadline.
_SUBJECT_OR_START = re.compile(
    r"(?:i|we|you|he|she|it|they|ich|wir|du|er|sie|es|ihr|je|j['\u2019]|nous|vous|il|elle"
    r"|ils|elles|on|yo|nosotros|nosotras|[ée]l|ella|ellos|ellas|starting|starts|from|as\s+of"
    r"|since|effective|beginning|ab|seit|von|beginnend|[àa]\s+partir|depuis|d[èe]s"
    r"|a\s+partir|desde|empezando|comenzando)\b",
    re.IGNORECASE,
)

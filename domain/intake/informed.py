"""Recipients a mail keeps informed rather than asks ("Maya, just for visibility").

A mail to two people often hands the work to one and says of the other that they are only
copied: "Omar, that's with you; Maya, just for visibility", "Lukas, je te mets en copie",
"Maya ist nur zur Info dabei", "Priya, te copio". Such a clause opens with the person it is
about (addressed, or the subject), and says they are kept informed; it scopes only that
person, so it neither makes them an owner nor cancels the ask said to the other.
"""

from __future__ import annotations

import re

from domain.intake.models import Mailbox

# Words that say someone is kept informed, in the four languages.
_KEPT_INFORMED = re.compile(
    r"\b(?:for\s+(?:visibility|info|information|awareness|your\s+information|reference)\b|fyi\b"
    r"|in\s+the\s+loop\b|(?:cc|copy|loop)(?:['\u2019]?ing)\s+you\b|(?:cc['\u2019]?d|copied|looped)\b"
    r"|zur\s+(?:info|information|kenntnis)\b|in\s+(?:cc|kopie)\b"
    r"|pour\s+info(?:rmation)?\b|[àa]\s+titre\s+d['\u2019]information\b|en\s+copie\b"
    r"|(?:te|os|le|les)\s+copio\b|(?:te|os|le|les)\s+pongo\s+en\s+copia\b|en\s+copia\b"
    r"|para\s+(?:tu|su)\s+informaci[óo]n\b)",
    re.IGNORECASE,
)
# A clause ends at a sentence end, a semicolon, a dash set off by spaces, or a line end.
_CLAUSE_END = re.compile(r"[.!?;\n]+\s*|\s[\-\u2013\u2014]+\s")
_OPENING_NAME = re.compile(r"^\s*(?:(?:and|und|et|y)\s+)?(?P<name>[A-Z][\w'-]*)\b")


def _informed_clauses(text: str) -> list[tuple[str, str]]:
    """Each clause that says its opening person is kept informed, with that first name."""
    found: list[tuple[str, str]] = []
    for clause in _CLAUSE_END.split(text):
        opening = _OPENING_NAME.match(clause)
        if opening is not None and _KEPT_INFORMED.search(clause):
            found.append((clause, opening["name"].lower()))
    return found


def kept_informed(text: str, owners: list[Mailbox]) -> list[Mailbox]:
    """The owners a text says are only kept informed, when others remain to do the work.

    Args:
        text: the sender's own lines, joined.
        owners: the To recipients read as owners (two or more).

    Returns:
        The owners to leave out; [] unless at least one owner remains.
    """
    named = {name for _, name in _informed_clauses(text)}
    informed = [owner for owner in owners if owner.first_name.lower() in named]
    return informed if len(informed) < len(owners) else []


def without_informed(text: str, owners: list[Mailbox]) -> str:
    """The text without clauses that keep one of several owners informed.

    "Jordan, das übernimmst du, Maya ist nur zur Info dabei": the "nur zur Info" is about
    Maya alone, so it does not say that the whole mail asks nothing.

    Args:
        text: the sender's new text.
        owners: the To recipients read as owners.

    Returns:
        The text, with each such clause removed when it names some owners but not all.
    """
    if len(owners) < 2 or not kept_informed(text, owners):
        return text
    firsts = {owner.first_name.lower() for owner in owners}
    for clause, name in _informed_clauses(text):
        if name in firsts:
            text = text.replace(clause, " ")
    return text


# A name called in the middle of a sentence, set off by commas or a colon ("One thing I
# need from you, Nina: the cap table"); an ask opening with names is read by ``addressees``.
_CALLED = re.compile(r"(?<=[,\u2013\u2014])\s*(?P<name>[A-Z][\w'-]*)\s*[:,](?=\s)")


def called_by_name(sentence: str) -> list[str]:
    """The names a sentence calls, set off by commas or a colon, after its opening.

    Args:
        sentence: the ask.

    Returns:
        The names as written, e.g. ["Nina"].
    """
    return [
        match["name"]
        for match in _CALLED.finditer(sentence)
        # After a word of the sentence itself: "Sam, Priya: can you ..." opens with a list
        # of names, each addressed.
        if _SENTENCE_WORD.search(sentence[: match.start()])
    ]


_SENTENCE_WORD = re.compile(r"(?-i:\b[a-z\u00e0-\u00ff][\w'-]*)")

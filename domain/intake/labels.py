"""A label that names the person a line is for ("For Priya:", "Track for Priya:").

Notes and forwards to Accord often open a line with whom it is for, then the work as a noun
phrase: "Track for Priya: reconciliation of the petty cash by 15 July", "Für Omar: die
Offerte bis Freitag", "Pour Nina : la synthèse d'ici jeudi", "Para Alex: el inventario para
el viernes". The label addresses the person as "Priya, ..." would, and names the owner.
"""

from __future__ import annotations

import re


def person_label(text: str, names: list[str]) -> tuple[str, str]:
    """The person a line's label is for, and the text after the label.

    Args:
        text: a sentence, addressing already removed.
        names: the first names of the people the sender writes to or knows, lower-cased.

    Returns:
        ``(name as written, rest)``, or ``("", text)`` when the line has no such label or the
        name is nobody the sender knows.
    """
    match = _LABEL.match(text)
    if match is None or match["name"].lower() not in names:
        return "", text
    return match["name"], text[match.end() :]


# An optional verb of tracking or a noun of work, then "for" and a first name, then a colon.
_LABEL = re.compile(
    r"(?:(?:track|log|action|task|to-?do|aufgabe|t[âa]che|tarea)\s+)?"
    r"(?:for|f[üu]r|pour|para)\s+(?P<name>[^\W\d_][\w-]*)\s*:\s+",
    re.IGNORECASE,
)

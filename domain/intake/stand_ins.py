"""Titles whose work is named only by a pronoun standing in for it.

"Peux-tu t'en charger ?", "Tu peux les débloquer ?", "Bitte übernimm das.", "¿Puedes subirla
tú a la plataforma?": the ask's verb phrase names its thing with a pronoun ("en", "les",
"das", "-la"), because the sentence before (or the subject) named it. A title made of such
words says nothing; it keeps its verb and is followed by the thing as the subject names it.

Each pattern repeats only within fixed bounds, never an unbounded repetition inside
another, so it runs in time linear in the title.
"""

from __future__ import annotations

import re

_MAX_WORDS = 6
# French: an object pronoun before the infinitive ("t'en charger", "les débloquer", "s'en
# occuper", "y répondre"). German: a pronoun or pronominal adverb for the thing ("übernimm
# das", "schick sie ihm", "sich darum kümmern"). Spanish: an infinitive or imperative with
# the pronoun attached ("subirla", "encárgate de ello", "hazlo").
_STAND_IN = re.compile(
    r"^(?:(?:t|s|m)['\u2019](?:en|y)\s+[^\W\d_]+(?:er|ir|re)\b"
    r"|(?:(?:les|le|la|en|y)\s+|l['\u2019])[^\W\d_]+(?:er|ir|re)\b"
    r"|[^\W\d_]+\s+(?:das|dies|es|sie|ihn)(?:\s+(?:ihm|ihr|ihnen|mir|uns))?(?=\s*(?:[,.;!?]|$))"
    r"|(?:\w+\s+)?(?:darum|dafür|damit|drum)\s+[^\W\d_]+"
    r"|[^\W\d_]+(?:ar|er|ir|[áa]|[ée])(?:me|te|se|nos)?(?:lo|la|los|las)\b"
    r"|[^\W\d_]+\s+de\s+(?:ello|eso|esto)\b)",
    re.IGNORECASE,
)
# The second person of a reflexive ("t'en charger") reads as the infinitive's "s'".
_SECOND_PERSON_REFLEXIVE = re.compile(r"^t(?=['\u2019](?:en|y)\s)", re.IGNORECASE)


def names_by_stand_in(title: str) -> bool:
    """Tell whether a short title names its work only by a pronoun standing in for it.

    Args:
        title: a title as the ask's words give it.

    Returns:
        True for "T'en charger", "Les débloquer", "Übernimm das", "Subirla tú a la
        plataforma" and the like.
    """
    return len(title.split()) <= _MAX_WORDS and _STAND_IN.match(title) is not None


def with_thing(title: str, thing: str) -> str:
    """The title followed by the thing its pronoun stands for ("S'en charger: Dossier X").

    Args:
        title: a title that names its work by a stand-in (see :func:`names_by_stand_in`).
        thing: the thing, as the subject names it.

    Returns:
        The title with the thing, or the title unchanged when there is no thing.
    """
    if not thing:
        return title
    return f"{_SECOND_PERSON_REFLEXIVE.sub('s', title)}: {thing}"

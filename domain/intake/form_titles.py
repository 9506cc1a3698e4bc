"""The work that the forms of asking in ``ask_forms`` name, as a title says it.

"Die Zählliste brauche ich bis Freitag" is about "Zählliste"; "Vous me préparez l'inventaire
?" asks to "préparer l'inventaire"; "est-ce que la traduction pourrait être prête ?" is about
"traduction"; "Sam dispo pour valider la commande ?" asks to "valider la commande"; "Favor
enviar el informe" asks to "enviar el informe". A sentence in none of these forms is left as
it is, so titles of other asks do not change.

Each pattern repeats only within fixed bounds, never an unbounded repetition inside
another, so it runs in time linear in the sentence.
"""

from __future__ import annotations

import re

from domain.intake.ask_forms import FRENCH_WORK_STEMS

_ARTICLE = r"(?:the|le|la|les|l['\u2019]|der|die|das|den|dem|el|los|las)"
_NOUN_PHRASE = r"(?:" + _ARTICLE + r"|deine?n?|unsere?n?|ton|ta|tes|votre|vos|tu|tus|su|sus)"
# A German need with the verb second: the thing is after it, or fronted before it.
_NEED = re.compile(
    r"\b(?:brauch(?:e)?\s+ich|brauchen\s+wir|ben[öo]tige\s+ich|ben[öo]tigen\s+wir)\b",
    re.IGNORECASE,
)
# Whether a thing can be ready: French and German name it before the modal, Spanish after.
_READY_BEFORE = re.compile(
    r"\s(?:pourrai(?:t|ent)|peu(?:t|vent)|pourra(?:it|ient)?|sera(?:it|ient)?|seront"
    r"|k[öo]nnte|kann|wird|w[üu]rde)\b",
    re.IGNORECASE,
)
_READY_AFTER = re.compile(
    r"\b(?:podr[ií]an?|puede[n]?|estar[áa]n?|estar[ií]an?)\s+(?:estar\s+)?(?:list[oa]s?"
    r"|terminad[oa]s?|hech[oa]s?|enviad[oa]s?|firmad[oa]s?|aprobad[oa]s?|preparad[oa]s?)\s+",
    re.IGNORECASE,
)
# "Vous me préparez ...", "tu m'envoies ...": the verb of work, served to the writer.
_SERVED = re.compile(
    r"\b(?:tu|vous)\s+(?:me\s+|nous\s+|m['\u2019])(?P<verb>"
    + FRENCH_WORK_STEMS
    + r"[^\W\d_]*?(?:es|ez|is|ds|ts))\s",
    re.IGNORECASE,
)
# German puts the object first: "die Fahrzeugliste für die Versicherung bitte an mich".
_FRONTED_BITTE = re.compile(
    r"^(?P<thing>(?:der|die|das|den|dem|unser\w*|dein\w*|eu(?:er|re)\w*)\s+[^,;:?!.]+?)\s+bitte\b",
    re.IGNORECASE,
)
_LAST_INFINITIVE = re.compile(r"\s(?-i:([a-zäöüß]{2,}(?:en|ern|eln)))[\s.!]*$")
_FREE_FOR = re.compile(
    r"\b(?:dispo(?:nible)?s?\s+pour|disponibles?\s+para|(?:free|available|time)\s+to"
    r"|temps\s+(?:de\s+|d['\u2019])|tiempo\s+(?:para|de))\s*",
    re.IGNORECASE,
)
_FAVOR = re.compile(
    r"(?:^|[¿¡,:;]\s*)(?:(?:h[áa]z|h[áa]ga|h[áa]gan)(?:me|nos)\s+el\s+(?:gran\s+)?favor\s+de"
    r"|(?:me|nos)\s+[^\W\d_]+\s+el\s+(?:gran\s+)?favor\s+de|favor\s+(?:de\s+)?)\s*",
    re.IGNORECASE,
)
# The clause that instructs: "du planst ...", "tu prépares ..."; English "you check ..." is
# said as the imperative, without its pronoun.
_INSTRUCTION = re.compile(r"(?:^|[:;]\s*)(?:you\s+|(?=(?:du|tu|vous|t[úu])\s))", re.IGNORECASE)
_PHRASE_AT_START = re.compile(r"^" + _NOUN_PHRASE + r"\b\s*[^,;:?!.]+", re.IGNORECASE)
_PHRASE_AT_END = re.compile(r"(?:^|[\s,;:])(" + _NOUN_PHRASE + r"\b\s*[^,;:?!.]*)$", re.IGNORECASE)
_LEADING_ARTICLE = re.compile(r"^" + _ARTICLE + r"(?:\s+|(?<=['\u2019]))", re.IGNORECASE)
# The infinitive of a second person present ("préparez" -> "préparer"), for the verbs of
# work that are not regular -er verbs.
_FRENCH_INFINITIVES = {
    "reli": "relire",
    "transmet": "transmettre",
    "transmett": "transmettre",
    "fourniss": "fournir",
    "fourni": "fournir",
    "rend": "rendre",
    "écriv": "écrire",
    "ecriv": "écrire",
    "traduis": "traduire",
    "mett": "mettre",
    "met": "mettre",
}


def work_of_form(text: str) -> str:
    """The work a sentence in one of the forms of ``ask_forms`` names, or the text as it is.

    Args:
        text: the ask, its due date's words removed.

    Returns:
        The work ("Zählliste für die Inventur", "préparer l'inventaire"), or ``text``.
    """
    need = _NEED.search(text)
    if need is not None:
        for part in (text[need.end() :].strip(" ,"), text[: need.start()].strip(" ,")):
            thing = _PHRASE_AT_START.match(part)
            if thing is not None:
                return _without_article(thing[0])
        return text
    fronted = _FRONTED_BITTE.match(text)
    if fronted is not None:
        # "die Fahrzeugliste bitte an mich", "die Liste bitte bis Freitag schicken": the thing
        # comes first, then "bitte", then perhaps the infinitive that closes the clause.
        verb = _LAST_INFINITIVE.search(text[fronted.end() :])
        return f"{fronted['thing']} {verb[1]}" if verb is not None else fronted["thing"]
    ready = _READY_AFTER.search(text)
    if ready is not None:
        thing = _PHRASE_AT_START.match(text[ready.end() :])
        return _without_article(thing[0]) if thing is not None else text
    ready = _READY_BEFORE.search(text)
    if ready is not None and re.search(r"\b(?:[êe]tre|fertig|erledigt|bereit)\b", text):
        thing = _PHRASE_AT_END.search(text[: ready.start()])
        return _without_article(thing[1]) if thing is not None else text
    served = _SERVED.search(text)
    if served is not None:
        return f"{_french_infinitive(served['verb'])} {text[served.end() :]}"
    for form in (_FREE_FOR, _FAVOR):
        found = form.search(text)
        if found is not None and text[found.end() :].strip():
            return text[found.end() :]
    instruction = _INSTRUCTION.search(text)
    if instruction is not None and (instruction.start() > 0 or instruction.end() > 0):
        return text[instruction.end() :]
    return text


def _without_article(phrase: str) -> str:
    return _LEADING_ARTICLE.sub("", phrase.strip(), count=1)


def _french_infinitive(verb: str) -> str:
    """The infinitive of a second person present ("préparez" -> "préparer")."""
    lowered = verb.lower()
    stem = lowered[:-2] if lowered.endswith(("ez", "es")) else lowered.rstrip("s")
    if stem in _FRENCH_INFINITIVES:
        return _FRENCH_INFINITIVES[stem]
    if stem.endswith("oi"):
        # "envoies" -> "envoyer"
        stem = stem[:-1] + "y"
    return stem + "er"

"""Forms of asking by grammar rather than by a request word, in the four languages.

Four word classes, each a flat alternation (no nested repetition, so matching stays linear):

- the modal of ability said to the reader in any tense and number: "könnt ihr ...?",
  "pourras-tu ...?", "¿podéis ...?" ask as "can you" does;
- the writer's own need in any mood, with the subject dropped as mobile mail drops it:
  "j'aurais besoin du tableau", "ich bräuchte die Liste", "necesitaría el informe",
  "Need the figures by Friday", "one thing I need from you";
- work handed over by saying whose it now is: "this one's yours", "that's with you",
  "je te laisse gérer ça", "ich überlasse dir das", "te toca a ti";
- a recipient's duty said of them by name, with its object: "Sam needs to send the minutes",
  "il faut que Sam dépose le dossier", "queda pendiente que Sam envíe el acta".
"""

from __future__ import annotations

import re

_QUESTION = r"(?=[^.!?\n]{0,200}\?)"
# Opening a sentence or a clause ("Lukas, need the ...", "— Alex, still yours").
_CLAUSE_START = r"(?:^|(?<=[,:;\u2013\u2014]\s)|(?<=[,:;\u2013\u2014]))"

MODAL_QUESTIONS = (
    # German: the plural and the past subjunctive of "können" and "werden".
    r"\bk[öo]nnt\s+ihr\b|\bw[üu]rdet\s+ihr\b|\bk[öo]nntest\s+du\b"
    # French: the future of "pouvoir", inverted or asked with a question mark.
    r"|\bpourras[-\s]tu\b|\bpourrez[-\s]vous\b"
    r"|\b(?:tu\s+pourras|vous\s+pourrez)\b"
    + _QUESTION
    # Spanish: vosotros and ustedes, present, future and conditional, as a question.
    + r"|\b(?:pod[ée]is|podr[ií]ais|podr[áa]s|podr[ée]is|podr[áa]n|podr[ií]an|pueden)\b"
    + _QUESTION
    # Spanish: usted, present and conditional, with an infinitive of doing ("¿me puede
    # enviar ...?", "¿podría revisarme ...?"); "¿puede ser el viernes?" and "se puede"
    # (impersonal) ask for no work.
    + r"|(?<!\bse\s)\b(?:puede|podr[ií]a)\s+(?:usted\s+)?(?!ser\b|estar\b|haber\b)"
    r"[^\W\d_]+(?:ar|er|ir)(?:me|nos|lo|la|los|las|le|les|melo|mela|noslo|nosla)?\b"
    + _QUESTION
    # The courtesy of the conditional: "¿sería tan amable de ...?", "auriez-vous l'amabilité
    # de", "wären Sie so freundlich", "would you be so kind as to".
    + r"|\bser[ií]a(?:s|n)?\s+(?:usted(?:es)?\s+)?tan\s+amables?\s+de\b"
    r"|\btendr[ií]a(?:s|n)?\s+(?:usted(?:es)?\s+)?la\s+amabilidad\s+de\b"
    r"|\bauriez[-\s]vous\s+l['\u2019]amabilit[ée]\s+de\b"
    r"|\b(?:seriez[-\s]vous|serais[-\s]tu)\s+(?:assez\s+)?(?:aimable|gentil|gentille)s?\b"
    r"|\bw[äa]ren\s+sie\s+so\s+(?:freundlich|nett)\b"
    r"|\bh[äa]tten\s+sie\s+die\s+(?:freundlichkeit|g[üu]te)\b"
    r"|\bwould\s+you\s+be\s+so\s+kind\b"
)
WRITER_NEEDS = (
    # French: "avoir besoin" in the conditional and the future.
    r"\bj['\u2019](?:aurais|aurai)\s+besoin\b|\bnous\s+(?:aurions|aurons)\s+besoin\b"
    # German: the subjunctive of "brauchen" ("ich bräuchte", "bräuchte ich").
    # Only with its umlaut: "ich brauchte" is the past, a need no longer there.
    r"|\b(?:ich\s+br(?:ä|ae)uchte|wir\s+br(?:ä|ae)uchten)\b|(?<=[^\W\d_]\s)(?:br(?:ä|ae)uchte"
    r"\s+ich|br(?:ä|ae)uchten\s+wir)\b(?!\s+(?:nicht|nichts|kein\w*)\b)"
    # Spanish: the conditional and the future of "necesitar".
    r"|\bnecesitar[ií]a(?:mos)?\b|\bnecesitar[ée](?:mos)?\b"
    # English: the need with its subject dropped, opening a sentence or a clause.
    r"|" + _CLAUSE_START + r"need\s+(?:the|your|our|those|these|this|that)\b"
    # English: the need said from the reader ("one thing I need from you").
    r"|\b(?:i|we)\s+(?:\w+\s+)?(?:need|want)\s+from\s+you\b"
    # The need said as what will do for the writer ("mir reicht die Übersicht bis Freitag",
    # "il me suffit du tableau", "me basta con el resumen", "all I need is the summary").
    r"|\b(?:mir|uns)\s+(?:reicht|reichen|gen[üu]gt|gen[üu]gen)\s+(?:auch\s+|schon\s+)?"
    r"(?:die|der|das|den|eine?|dein\w*|eu(?:e)?r\w*|ihr\w*)\s"
    r"|\b(?:me|nous)\s+suffi(?:t|ra|rait)\s+(?:de\s+(?:la|l['\u2019]|ton|ta|votre)|du|des|d['\u2019]"
    r"|de\s+tes|de\s+vos)"
    r"|\b(?:me|nos)\s+(?:basta|bastar[áa]|bastar[ií]a|vale|sirve)\s+con\s+(?:el|la|los|las|tu"
    r"|tus|su|sus|un|una)\b"
    r"|\ball\s+(?:i|we)\s+(?:really\s+)?need\s+(?:from\s+you\s+)?is\b"
)
HANDED_TO_YOU = (
    # English: "this one's yours", "that's with you", "Alex, still yours".
    r"\b(?:this|that|it)(?:\s+one)?(?:['\u2019]s|\s+is)\s+(?:(?:still|now|all)\s+)?"
    r"(?:yours|with\s+you|on\s+you)\b"
    r"|" + _CLAUSE_START + r"(?:still|now|all)\s+yours\b"
    r"|\b(?:i['\u2019]ll|i\s+will|i['\u2019]m|i\s+am)\s+(?:leave|leaving)\s+(?:it|this|that)"
    r"(?:\s+one)?\s+(?:to|with)\s+you\b"
    # French: "je te laisse" with a verb of handling.
    r"|\bje\s+(?:te|vous)\s+laisse\s+(?:g[ée]rer|traiter|reprendre|finaliser|prendre\s+en\s+charge"
    r"|t['\u2019]en\s+occuper|vous\s+en\s+occuper|t['\u2019]occuper|vous\s+occuper)\b"
    r"|\bc['\u2019]est\s+(?:pour\s+)?(?:toi|vous)\s+qui\s+(?:t['\u2019]en|vous\s+en)\s+"
    r"(?:charges|chargez|occupes|occupez)\b"
    # German: "ich überlasse dir", "das liegt bei dir".
    r"|\bich\s+[üu]berlasse\s+(?:dir|euch|ihnen)\b|\bliegt\s+(?:ab\s+jetzt\s+)?bei\s+(?:dir|euch)\b"
    # Spanish: "te toca (a ti)", "os toca".
    r"|\b(?:te|os)\s+toca\b"
    # Entrusting a thing to the reader: "je te confie ce dossier", "ich übergebe dir den
    # Fall", "te confío el expediente", "I'm handing this case (over) to you".
    r"|\bje\s+(?:te|vous)\s+confie\b|\bich\s+[üu]bergebe\s+(?:dir|euch|ihnen)\b"
    r"|\b(?:te|os|le|les)\s+conf[íi]o\b"
    r"|\b(?:i['\u2019]m|i\s+am)\s+(?:handing|entrusting)\s+(?:this|that|it|the\s+[\w-]+)"
    r"(?:\s+[\w-]+)?\s+(?:over\s+)?to\s+you\b"
)
MODAL_REQUEST_WORDS = (
    r"¿?k[öo]nnt\s+ihr|w[üu]rdet\s+ihr|pourras[-\s]tu|pourrez[-\s]vous|tu\s+pourras"
    r"|vous\s+pourrez|¿?pod[ée]is|¿?podr[ií]ais|¿?podr[áa]s|¿?podr[ée]is|¿?podr[áa]n|¿?podr[ií]an"
    r"|¿?pueden|¿?(?:(?:me|nos)\s+)?(?:puede|podr[ií]a)(?:\s+usted)?"
    r"|¿?ser[ií]a(?:s|n)?\s+(?:usted(?:es)?\s+)?tan\s+amables?\s+de"
    r"|¿?tendr[ií]a(?:s|n)?\s+(?:usted(?:es)?\s+)?la\s+amabilidad\s+de"
    r"|auriez[-\s]vous\s+l['\u2019]amabilit[ée]\s+de|w[äa]ren\s+sie\s+so\s+(?:freundlich|nett),?"
    r"|(?:mir|uns)\s+(?:reicht|reichen|gen[üu]gt|gen[üu]gen)(?:\s+auch|\s+schon)?"
    r"|(?:il\s+)?(?:me|nous)\s+suffi(?:t|ra|rait)|(?:me|nos)\s+(?:basta|bastar[áa]|bastar[ií]a"
    r"|vale|sirve)\s+con|all\s+(?:i|we)\s+(?:really\s+)?need\s+(?:from\s+you\s+)?is"
)
"""The same modals, as words that open a request (removed from its title)."""
_HANDED = re.compile(HANDED_TO_YOU, re.IGNORECASE)
# What may follow a handover that names no work: nothing, another clause after a semicolon
# (a dash or a comma may bring the thing: "this one's yours: the tender"), or a pronoun.
_NOTHING_NAMED = re.compile(
    r"\s*(?:$|;|(?:celle-ci|celui-ci|ceci|cela|[çc]a|this|it|that|esto|eso"
    r"|das|dies)\b)",
    re.IGNORECASE,
)


def hands_over_nothing_named(text: str) -> bool:
    """Whether a sentence only hands work over, naming none ("That's with you; ...").

    Args:
        text: the ask without its addressing.

    Returns:
        True when the handover opens it and no thing follows (the work is named elsewhere).
    """
    handed = _HANDED.match(text)
    return handed is not None and bool(_NOTHING_NAMED.match(text[handed.end() :].rstrip(".!?")))


ASKS_BY_FORM = MODAL_QUESTIONS + "|" + WRITER_NEEDS + "|" + HANDED_TO_YOU
"""All three classes, for the request cue."""


# A recipient's duty said of them by name, with its object: "Sam needs to send the minutes",
# "Sam muss den Vertrag ...", "Il faut que Sam dépose le dossier", "Queda pendiente que Sam
# envíe el acta". The object (an article) after the verb keeps "Sam needs to leave early" out.
_OBJECT = (
    r"(?:the|a|an|our|your|his|her|their|this|these|those|der|die|das|den|dem|einen|eine|ein"
    r"|unser\w*|le|la|les|l['\u2019]|un|une|du|des|notre|nos|ce|cette|ces|el|los|las|una|al|del"
    r"|nuestr[oa]s?|este|esta|estos|estas)"
)
_NAME = r"(?P<name>(?-i:[A-Z][\w'-]*))"
NAMED_DUTY = re.compile(
    r"^(?:it['\u2019]s\s+(?:on|up\s+to)\s+" + _NAME + r"\s+to"
    r"|" + _NAME.replace("name", "name2") + r"\s+(?:needs|has|will\s+need|will\s+have)\s+to)"
    r"\s+[^\W\d_]+\s+(?:[^\W\d_]+\s+)?" + _OBJECT + r"\b"
    r"|^"
    + _NAME.replace("name", "name3")
    + r"\s+(?:muss|soll|m[üu]sste|sollte)\s+(?:noch\s+|bis\s+"
    r"[^\W\d_]+\s+)?" + _OBJECT + r"\b"
    r"|^(?:il\s+(?:faut|faudrait|faudra)|hace\s+falta|har[áa]\s+falta|queda\s+pendiente|falta"
    r"|es\s+necesario|ser[áa]\s+necesario)\s+que\s+"
    + _NAME.replace("name", "name4")
    + r"\s+[^\W\d_]+\s+(?:[^\W\d_]+\s+)?"
    + _OBJECT
    + r"\b",
    re.IGNORECASE,
)


def named_duty(text: str, names: list[str]) -> str:
    """The recipient a sentence gives a duty by name, if it does.

    Args:
        text: a sentence without its addressing.
        names: the recipients' first names, lower-cased.

    Returns:
        The name as written, or "" (also when the name is no recipient's).
    """
    match = NAMED_DUTY.match(text)
    if match is None:
        return ""
    name = next(match[group] for group in ("name", "name2", "name3", "name4") if match[group])
    return name if name.lower() in names else ""

"""Asks stated as an obligation on a thing rather than on a person.

"Sam, the release notes need to be published by Friday", "Léa, il faut que le rapport soit
validé d'ici jeudi", "Ana, hay que dejar listo el inventario a fin de mes": the sentence names
no doer, but said to someone by name, with a deadline, it hands them the work. ``ask`` decides
when such a sentence asks (addressed to a recipient, with a deadline, naming a thing); this
module reads its grammar and says the work as a title would ("Publish the release notes").

Each pattern is a flat alternation of words (no nested repetition), so it runs in time linear
in the sentence.
"""

from __future__ import annotations

import re

_THING = r"(?:[^\W\d_][\w'\u2019&/-]*)(?:\s+[\w'\u2019&/-]+){0,9}?"
_ENGLISH_DET = r"(?:the|our|your|this|that|these|those|all(?:\s+the)?|both)"
_FRENCH_DET = r"(?:le|la|les|l['\u2019]|notre|nos|ce|cet|cette|ces|tous\s+les|toutes\s+les)"
_SPANISH_DET = r"(?:el|la|los|las|nuestr[oa]s?|este|esta|estos|estas|todos\s+los|todas\s+las)"

# "the staging database needs to be refreshed", "the figures must be signed off": a thing,
# a modal of necessity, then a past participle.
_ENGLISH = re.compile(
    r"^(?P<thing>" + _ENGLISH_DET + r"\s+" + _THING + r")\s+(?:needs|need|has|have)\s+to\s+be"
    r"(?:\s+(?:fully|properly|all))?\s+(?P<done>[^\W\d_]+(?:ed|en|ne|lt|nt|ld|ught|wn|un|aid|ade))\b"
    r"|^(?P<thing_m>" + _ENGLISH_DET + r"\s+" + _THING + r")\s+(?:must|should|is\s+to|are\s+to)"
    r"\s+be(?:\s+(?:fully|properly|all))?\s+(?P<done_m>[^\W\d_]+(?:ed|en|ne|lt|nt|ld|ught|wn|un|aid|ade))\b",
    re.IGNORECASE,
)
# "il faut / il faudrait / il faudra que la migration soit terminée".
_FRENCH = re.compile(
    r"^il\s+(?:faut|faudrait|faudra)\s+que\s+(?P<thing>" + _FRENCH_DET + r"\s*" + _THING + r")"
    r"\s+(?:soit|soient)\s+(?:(?:bien|enti[èe]rement|compl[èe]tement)\s+)?"
    r"(?P<done>[^\W\d_]+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|t|te|ts|tes))\b",
    re.IGNORECASE,
)
# "hay que / habría que / habrá que tener listo el informe": an impersonal obligation with an
# infinitive, then the thing.
_SPANISH = re.compile(
    r"^(?:hay|habr[ií]a|habr[áa])\s+que\s+(?P<verb>[^\W\d_]+(?:ar|er|ir))\b(?P<rest>.*)$",
    re.IGNORECASE,
)
_SPANISH_THING = re.compile(r"(?:[\w'\u2019-]+\s+){0,3}" + _SPANISH_DET + r"\s+\w", re.IGNORECASE)
_IRREGULAR = {
    "done": "do",
    "written": "write",
    "sent": "send",
    "paid": "pay",
    "made": "make",
    "laid": "lay",
    "built": "build",
    "run": "run",
    "drawn": "draw",
    "taken": "take",
    "given": "give",
    "signed": "sign",
    "set": "set",
    "put": "put",
    "shut": "shut",
    "brought": "bring",
    "bought": "buy",
    "sold": "sell",
    "held": "hold",
    "shown": "show",
}


# "the statements need your sign-off", "der Vertrag braucht deine Freigabe", "le devis attend
# ta validation", "el contrato necesita tu firma": a thing waiting for the reader's act (a
# noun of approving, signing or reviewing), which said to someone by name asks for it.
_ACT_NOUN = (
    r"(?:sign-?off|approval|signature|review|go-?ahead|green\s+light|ok|okay|feedback|input"
    r"|freigabe|unterschrift|pr[üu]fung|zustimmung|abnahme|validation|signature|relecture"
    r"|approbation|accord|feu\s+vert|visa|aprobaci[óo]n|firma|revisi[óo]n|visto\s+bueno)"
)
_AWAITED = re.compile(
    r"^(?P<thing>(?:" + _ENGLISH_DET + r"|" + _FRENCH_DET + r"|" + _SPANISH_DET + r"|der|die|das"
    r"|unser\w*)\s+" + _THING + r")\s+(?:needs|need|requires|require|awaits|await"
    r"|is\s+waiting\s+for|are\s+waiting\s+for|braucht|brauchen|ben[öo]tigt|ben[öo]tigen|erfordert|wartet\s+auf"
    r"|warten\s+auf|attend|attendent|n[ée]cessite|n[ée]cessitent|a\s+besoin\s+de"
    r"|ont\s+besoin\s+de|necesita|necesitan|requiere|requieren|espera|esperan)\s+"
    r"(?:your|deine|deinen|ihre|ihren|eure|euren|ta|ton|votre|tu|su|vuestra|vuestro)\s+"
    r"(?P<act>" + _ACT_NOUN + r")\b",
    re.IGNORECASE,
)


def awaits_act(text: str) -> bool:
    """Tell whether a sentence says a thing waits for the reader's act ("needs your sign-off").

    Args:
        text: a sentence without addressing and lead-ins.

    Returns:
        True for such a sentence.
    """
    return _AWAITED.match(text) is not None


def obligation(text: str) -> re.Match[str] | None:
    """The obligation a sentence states on a thing, if it states one.

    Args:
        text: a sentence without addressing and lead-ins.

    Returns:
        The match, or ``None``.
    """
    for pattern in (_ENGLISH, _FRENCH, _AWAITED):
        match = pattern.match(text)
        if match is not None:
            return match
    match = _SPANISH.match(text)
    if match is not None and _SPANISH_THING.match(match["rest"].strip()):
        return match
    return None


def obligation_work(text: str) -> str:
    """The work an obligation names, as a title would say it.

    "the staging database needs to be refreshed from prod" gives "refresh the staging
    database from prod"; "il faut que la migration soit terminée" gives "terminer la
    migration"; "hay que tener listas las facturas" gives "tener listas las facturas".

    Args:
        text: a sentence without addressing and lead-ins.

    Returns:
        The work, or "" when the sentence states no obligation.
    """
    match = obligation(text)
    if match is None:
        return ""
    if match.re is _SPANISH:
        return f"{match['verb']}{match['rest']}"
    if match.re is _AWAITED:
        # "the statements need your sign-off next Monday" -> "sign-off: the statements ..."
        return f"{match['act']}: {match['thing']}{text[match.end() :]}"
    done = match["done"] if match["done"] is not None else match["done_m"]
    thing = match["thing"] if match["thing"] is not None else match["thing_m"]
    rest = text[match.end() :]
    verb = _french_infinitive(done) if match.re is _FRENCH else _english_base(done)
    # The thing opened the sentence ("The rota needs ..."); after the verb its article is
    # lower-case ("Update the rota"), while a name keeps its capital.
    thing = _OPENING_ARTICLE.sub(lambda article: article[0].lower(), thing, count=1)
    return f"{verb} {thing}{rest}"


_OPENING_ARTICLE = re.compile(
    r"^(?:The|Our|This|That|These|Those|Le|La|Les|L['\u2019]|Notre|Nos|Ce|Cet|Cette|Ces)\b"
)


def _english_base(participle: str) -> str:
    """The base form of an English past participle ("refreshed" -> "refresh")."""
    word = participle.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ied"):
        return word[:-3] + "y"
    if not word.endswith("ed"):
        return word
    stem = word[:-2]
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
        # "planned" -> "plan"
        return stem[:-1]
    # "updated" -> "update", "finalized" -> "finalize", "archived" -> "archive".
    if stem.endswith(_SILENT_E) or (stem.endswith("il") and stem[-3:-2] not in "aeiou"):
        # "reconciled" -> "reconcile", but "detailed" -> "detail".
        return stem + "e"
    return stem


_SILENT_E = ("at", "iz", "is", "ur", "ov", "iv", "lv", "rg", "dg", "nc", "uc", "ar", "os", "ut")


def _french_infinitive(participle: str) -> str:
    """The infinitive of a French past participle ("terminée" -> "terminer")."""
    word = participle.lower().rstrip("s")
    if word.endswith("ée"):
        word = word[:-1]
    if word.endswith("é"):
        return word[:-1] + "er"
    if word.endswith(("ie", "i")):
        return word.rstrip("e") + "r"
    return word


# "The facilities team will sort this out by Friday": work handed to a team, which is no
# person, so whoever owns it must be asked.
_TEAM_HANDOVER = re.compile(
    r"^(?:the|our)\s+(?:[\w&-]+\s+){0,2}(?:team|group|department|desk|squad|crew|office)\s+"
    r"(?:will|['\u2019]ll|is\s+going\s+to|are\s+going\s+to|is\s+taking|are\s+taking"
    r"|needs?\s+to|has\s+to|have\s+to|must)\s+"
    r"(?P<work>[^\W\d_]+(?:\s+(?:up|out|over|on|into|at|after|through|care\s+of))?\s+(?:the|this|that|it|them|these"
    r"|those|our|your)\b.*)$",
    re.IGNORECASE,
)


def team_handover(text: str) -> str:
    """The work a sentence hands to a team rather than to a person, or "".

    Args:
        text: a sentence without addressing and lead-ins.

    Returns:
        The work as written ("sort this out by Friday"), or "".
    """
    for pattern in (_TEAM_HANDOVER, *_FOREIGN_TEAM_HANDOVERS):
        match = pattern.match(text)
        if match is not None:
            return match["work"]
    return ""


def team_duty(text: str) -> bool:
    """Tell whether a sentence that hands work to a team states a duty, not a future.

    "the data team needs to deliver ...", "das Datenteam muss ... liefern", "l'équipe doit
    livrer ...", "el equipo tiene que entregar ...": someone has to make it happen; "the
    payroll team will look into it" only says what will happen.

    Args:
        text: a sentence that hands work to a team (see :func:`team_handover`).

    Returns:
        True for a duty.
    """
    return _DUTY.search(text) is not None


_DUTY = re.compile(
    r"\b(?:needs?\s+to|has\s+to|have\s+to|must|muss|m[üu]sste|soll|sollte|doit|devra|devrait"
    r"|tiene\s+que|debe|deber[áa]|deber[ií]a)\b",
    re.IGNORECASE,
)


# The same in German, French and Spanish: "Das Datenteam muss das Modell bis Freitag
# liefern", "L'équipe data doit livrer le modèle d'ici vendredi", "El equipo de datos tiene
# que entregar el modelo para el viernes": a team (a word for it, or a compound ending in
# "-team"), a modal of duty or a future, then the work on a thing.
_FOREIGN_TEAM_HANDOVERS = (
    re.compile(
        r"^(?:das|unser)\s+(?:[\w-]+\s+){0,2}?[\w-]*(?:team|abteilung)\s+"
        r"(?:muss|m[üu]sste|soll|sollte|wird)\s+(?P<work>(?:den|die|das|dem|der|unser\w*)\s+.*)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:l['\u2019]|notre\s+)[ée]quipe(?:\s+[\w-]+){0,3}?\s+(?:doit|devra|devrait|va)\s+"
        r"(?P<work>[^\W\d_]+(?:er|ir|re)\s+(?:le|la|les|l['\u2019]|ce|cette|ces|notre|nos)\s*.*)$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:el|nuestro)\s+(?:equipo|departamento)(?:\s+[\w-]+){0,3}?\s+(?:tiene\s+que|debe"
        r"|deber[áa]|deber[ií]a|va\s+a)\s+(?P<work>[^\W\d_]+(?:ar|er|ir)\s+(?:el|la|los|las"
        r"|este|esta|nuestr[oa]s?)\b.*)$",
        re.IGNORECASE,
    ),
)

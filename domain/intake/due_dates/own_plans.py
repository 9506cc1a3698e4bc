"""The sender's own next step, said after the ask: "so I can close it before the weekend".

A clause of consequence whose subject is the writer ("so I can", "damit ich", "comme ça je",
"así la cierro") tells what the writer will do once the work arrives. A date in it is the
writer's plan, not the deadline set for the work: "send me the sheet tomorrow at 3, so I can
close the month before the weekend" is due tomorrow at 3.
"""

from __future__ import annotations

import re

# A consequence, then the writer as subject: English and French name the pronoun; German puts
# it after the verb ("dann kann ich"); Spanish shows it in a first-person verb, maybe after an
# object pronoun ("así la cierro", "así puedo", "para que yo").
_OWN_PLAN = re.compile(
    # "so I can", "so we'll": a purpose, where "so I'd like a draft" is a wish, an ask.
    r"(?:\bso(?:\s+that)?|\bthat\s+way)\s+(?:i|we)(?:\s+(?:can|could|will|may|might)\b"
    r"|['\u2019]ll\b)"
    r"|\b(?:damit|sodass|so\s+dass)\s+(?:ich|wir)\b"
    r"|\b(?:dann|so)\s+(?:kann|k[öo]nnen|werde|werden|muss|m[üu]ssen)\s+(?:ich|wir)\b"
    r"|\b(?:comme\s+[çc]a|pour\s+que|afin\s+que|ainsi)\s+(?:je|j['\u2019]|nous)"
    r"|\b(?:as[íi]|para\s+que|de\s+(?:modo|manera|esa\s+forma)\s+que)\s+"
    r"(?:(?:yo|nosotros)\b|(?:(?:lo|la|los|las|le|les|me|nos|se)\s+)?"
    # A verb in the first person ("cierro", "tengo", "cerramos"), not "así como", "así mismo".
    r"(?!(?:como|mismo|pronto|solo|sólo)\b)[^\W\d]{2,}(?:o|amos|emos|imos)\b)",
    re.IGNORECASE,
)
_MOST_BETWEEN = 120
_CLAUSE_START = re.compile(r"[.!?;\n]\s*(?=[^.!?;\n]*$)")


def in_own_plan(text: str, start: int) -> bool:
    """Whether the date at ``start`` is in a clause saying what the writer will do next.

    Args:
        text: the text the date was found in.
        start: where the date's words start.

    Returns:
        True when a consequence with the writer as subject opens the date's clause.
    """
    before = text[max(0, start - 120) : start]
    boundary = _CLAUSE_START.search(before)
    clause = before[boundary.end() :] if boundary else before
    found = _OWN_PLAN.search(clause)
    # "so that I can plan, please send it by Friday": the plan ends at its comma.
    return found is not None and "," not in clause[found.end() :]


# ", so", ", así que", ", donc", ", also", then an instruction: what the cause before it calls
# for. A subject after the word makes the clause a statement instead ("so the client has it
# before Monday" says why, and sets no deadline of its own).
_CONSEQUENCE = re.compile(
    r",\s*(?:and\s+)?(?:so|therefore|hence|thus|also|deshalb|daher|deswegen|darum|donc|alors"
    r"|du\s+coup|as[íi]\s+que|por\s+(?:lo\s+)?tanto|por\s+eso|de\s+modo\s+que|entonces)\s+"
    r"(?!(?:the|a|an|this|that|these|those|it|he|she|they|we|i|our|their|his|her|its|der|die"
    r"|das|den|dem|ein|eine|er|sie|es|wir|ich|le|la|les|un|une|il|elle|ils|elles|on|nous|je"
    r"|el|los|las|una|él|ella|ellos|ellas|nosotros|yo)\b|j['\u2019])",
    re.IGNORECASE,
)


def follows_from(text: str, earlier_end: int, later_start: int) -> bool:
    """Whether a date is in a clause of consequence after another date, in one sentence.

    "The insurance runs out on the 15th, so have it renewed by Friday the 10th": the first
    date is the cause, the one after "so" the deadline the cause calls for.

    Args:
        text: the text both dates were found in.
        earlier_end: where the first date's words end.
        later_start: where the second date's words start.

    Returns:
        True when only one clause of consequence, and no sentence end, lies between them.
    """
    if not 0 <= later_start - earlier_end <= _MOST_BETWEEN:
        return False
    between = text[earlier_end:later_start]
    if any(mark in between for mark in ".!?;\n"):
        return False
    return _CONSEQUENCE.search(between) is not None

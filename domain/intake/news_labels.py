"""A label before a whole clause: news about a topic, not an imperative.

"Sam, update on the tender pack: Omar has said he'll have the pricing done by Friday" opens
with a noun ("update on the tender pack") that names the topic, then a colon and a sentence
with its own subject and finite verb. Words such as "update", "review" or "plan" are work
verbs too, so without this the label reads as "update the tender pack". A verb takes its
object straight after it ("update the tracker: ..."), or a particle ("follow up on ...");
a noun takes a preposition ("update on ...", "review of ..."). What the clause says decides
whether the sentence asks: it may ask ("... : please add your rows") or report ("... : the
vendor has confirmed ...").
"""

from __future__ import annotations

import re

# One word naming the topic's kind, maybe after one or two describing words ("quick update",
# "kurzes Update"), then a preposition and the topic; or the word alone ("Update:").
_HEAD = r"(?P<head>[^\W\d_][\w'\u2019-]*)"
_DESCRIBED = r"(?:[^\W\d_][\w'\u2019-]*\s+){0,2}"
_TOPIC_PREPOSITION = (
    r"on|about|of|from|re|regarding|concerning|for|zu|zum|zur|über|vom|von|sur|concernant"
    r"|de|du|des|sobre|del|acerca\s+de"
)
_LABEL = re.compile(
    r"^(?P<kind>"
    + _DESCRIBED
    + _HEAD
    + r")(?:\s+(?:"
    + _TOPIC_PREPOSITION
    + r")\s+[^:;.!?]{1,60}?)?"
    r"\s*:\s+(?P<clause>.+)$",
    re.IGNORECASE | re.DOTALL,
)
# Words that no label's head is: an object or a pronoun straight after a verb makes
# "update the tracker" or "tell him" an imperative, not a topic; so does a particle.
_NOT_A_HEAD = frozenset(
    re.findall(
        r"\S+",
        "the a an this that these those my your our his her their its it them me us him you"
        " der die das den dem ein eine einen mein dein unser euer le la les l un une ce cette ces"
        " mon ton notre votre el los las un una este esta estos estas mi tu nuestro"
        # A particle makes a phrasal verb ("follow up on the invoice: ...").
        " up out over into off down back through",
    )
)
# A subject that opens a clause: a pronoun, a name (capitalised, maybe two words) or a
# determiner with its noun, followed by a finite verb (an auxiliary, a modal or a verb of
# saying), in the four languages.
_SUBJECT = (
    r"(?:(?:he|she|they|we|it|er|sie|wir|es|il|elle|ils|elles|nous|on|él|ella|ellos|ellas"
    r"|nosotros)\b"
    r"|(?-i:[A-ZÄÖÜÉÈÁÍÓÚÑ][\w'\u2019-]+)(?:\s+(?-i:[A-ZÄÖÜÉÈÁÍÓÚÑ][\w'\u2019-]+))?"
    r"|(?:the|our|their|der|die|das|unser\w*|le|la|les|l['\u2019]|notre|leur|el|los|las"
    r"|nuestr[oa]s?)\s*[\w'\u2019-]+(?:\s+[\w'\u2019-]+)?)"
)
_FINITE = (
    r"(?:['\u2019](?:ll|s|re|ve|d)|\s+(?:has|have|had|is|are|was|were|will|would|can|could"
    r"|should|must|may|might|did|does|do|said|says|told|tells|promised|confirmed|agreed"
    r"|hat|haben|hatte|ist|sind|war|wird|werden|kann|muss|soll|sagt|sagte|meint|a|ont|est"
    r"|sont|va|vont|sera|peut|doit|dit|ha|han|es|son|está|están|va|van|será|puede|dijo|dice)\b)"
)
_CLAUSE = re.compile(r"^" + _SUBJECT + _FINITE, re.IGNORECASE)


def clause_after_label(text: str) -> str:
    """The clause a topic label introduces ("update on the pack: Omar has said ..."), if any.

    Args:
        text: a sentence without its addressing.

    Returns:
        The clause after the colon, when a noun label (not a verb with its object) comes
        before a clause with its own subject and finite verb; "" otherwise.
    """
    match = _LABEL.match(text)
    if match is None:
        return ""
    if any(word.lower().strip("'\u2019") in _NOT_A_HEAD for word in match["kind"].split()):
        # "Update the tracker: ...": a verb and its object, not a topic.
        return ""
    clause = match["clause"].strip()
    return clause if _CLAUSE.match(clause) else ""


# A third person (a name, "he", "she", "they", a team) who has said, promised or confirmed
# something: "Omar has said he'll ...", "Omar a dit qu'il ...", "Omar hat gesagt, dass ...",
# "Omar dijo que ...", "Omar se comprometió a ...". What they said they would do is news
# about them, not an ask of the reader.
_THIRD_PERSON = (
    r"(?:(?:he|she|they|er|sie|il|elle|ils|elles|él|ella|ellos|ellas)\b"
    r"|(?-i:[A-ZÄÖÜÉÈÁÍÓÚÑ][\w\u2019-]+)(?:\s+(?-i:[A-ZÄÖÜÉÈÁÍÓÚÑ][\w\u2019-]+))?"
    r"|(?:the|our|their|der|die|das|unser\w*|le|la|les|l['\u2019]|notre|leur|el|los|las"
    r"|nuestr[oa]s?)\s*[\w'\u2019-]+(?:\s+[\w'\u2019-]+)?)"
)
_TO_SOMEONE = r"(?:\s*(?:m['\u2019]|(?:me|us|him|her|them|mir|uns|ihm|ihr|nous|lui|nos|le|les)\b))?"
_SAYS = (
    r"(?:['\u2019]s|\s+has|\s+have|\s+had)?\s+(?:just\s+|already\s+)?(?:said|says|told|tells"
    r"|promised|promises|confirmed|confirms|agreed|committed|mentioned|assured|reckons"
    # German: the perfect, or the present with its particle after the object.
    r"|hat" + _TO_SOMEONE + r"\s+(?:gesagt|versprochen|zugesagt|best[äa]tigt|gemeint"
    r"|zugesichert|angek[üu]ndigt)|haben\s+(?:gesagt|versprochen|zugesagt|best[äa]tigt)"
    r"|sagt|sagte|meint|meinte|verspricht|versprach|best[äa]tigt|best[äa]tigte"
    # French: the passé composé with any pronoun ("m'a dit", "s'est engagée").
    r"|" + _TO_SOMEONE + r"\s*(?:a|ont)\s+(?:dit|promis|confirm[ée]|assur[ée]|annonc[ée]"
    r"|indiqu[ée])|s['\u2019](?:est|sont)\s+engag[ée]e?s?|dit|promet|confirme|assure"
    # Spanish: the preterite, the perfect, or "se comprometió".
    r"|" + _TO_SOMEONE + r"\s*(?:dijo|dice|prometi[óo]|promete|confirm[óo]|confirma|asegur[óo]"
    r"|asegura|coment[óo]|ha\s+(?:dicho|prometido|confirmado|asegurado|comentado)"
    r"|han\s+(?:dicho|prometido|confirmado))|se\s+(?:ha\s+)?comprometi(?:[óo]|do)"
    r"|se\s+han\s+comprometido)\b"
)
_REPORT = re.compile(
    r"^(?:"
    + _THIRD_PERSON
    + _SAYS
    # "According to Omar, ...", "Laut Omar ...", "D'après Omar, ...", "Según Omar, ...".
    + r"|(?:according\s+to|laut|d['\u2019]apr[èe]s|selon|seg[úu]n)\s+"
    + _THIRD_PERSON
    + r"\b)",
    re.IGNORECASE,
)
# The reader in the report ("Omar said you'd send it") may be a nudge to them: not news.
_READER = re.compile(
    r"\b(?:you|your|du|dich|dir|dein\w*|tu|toi|te|t['\u2019]|vous|votre|vos|t[úu]|ti|usted"
    r"|ustedes)\b",
    re.IGNORECASE,
)


def reports_someone_else(text: str) -> bool:
    """Whether a sentence reports what a third person said, promised or confirmed.

    Args:
        text: a sentence without its addressing.

    Returns:
        True for "Omar has said he'll have the pricing done by Friday" and its like in
        German, French and Spanish, unless the report is about the reader.
    """
    return _REPORT.match(text) is not None and _READER.search(text) is None


# A short lead-in before a colon ("passing this on:", "te paso esto:", "je te transmets
# ceci :"), then the imperative: the ask is after the colon.
_LEAD_IN = re.compile(r"^[^:;.!?]{1,60}?\s*:\s+(?P<rest>\S.*)$", re.DOTALL)
# What follows an imperative that takes an object: a determiner, a pronoun or the
# preposition of its object ("handle the reply", "encárgate tú de", "occupe-toi de la").
_OBJECT_NEXT = re.compile(
    r"\s+(?:the|a|an|your|my|our|this|that|these|those|it|them|me|us|t[úu]|usted|el|la|los"
    r"|las|lo|le|les|un|una|de|del|al|die|der|das|den|dem|ein|eine|einen|mir|uns|dich|bis|um"
    r"|l['\u2019]|une|du|des|d['\u2019]|moi|ce|cette|ces|mon|ma|mes|ton|ta|tes|votre|vos)"
    r"(?:\b|(?<=['\u2019]))",
    re.IGNORECASE,
)


def after_lead_in(text: str) -> str:
    """The words after a short lead-in and its colon ("passing this on: handle ..."), if any.

    Args:
        text: a sentence without its addressing.

    Returns:
        What follows the first colon when a short lead-in comes before it; "" otherwise.
    """
    match = _LEAD_IN.match(text)
    return match["rest"] if match is not None else ""


def takes_an_object(rest: str) -> bool:
    """Whether the words after an imperative start with its object ("the reply", "de la").

    Args:
        rest: the text right after the imperative.

    Returns:
        True when a determiner, pronoun or object preposition comes next.
    """
    return _OBJECT_NEXT.match(rest) is not None

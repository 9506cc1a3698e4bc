"""Finding the ask in an email's text, and the title and success criteria it implies.

An ask is a sentence that requests something ("could you", "please", "I need you to") or
starts with a work verb ("Draft the Q1 budget by Friday"). Boilerplate such as "please let me
know if you have questions" is not an ask, and "no action needed" rules one out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from domain.intake.ask_words import (
    COURTESY,
    DELEGATION,
    EVENT_NOUNS,
    FINITE_VERBS,
    FOREIGN_BOILERPLATE,
    FOREIGN_NO_ACTION,
    FOREIGN_REQUEST_CUE,
    FOREIGN_REQUEST_WORDS,
    FOREIGN_WORK_VERBS,
)
from domain.intake.languages import is_read_language
from domain.intake.models import DueParse

TITLE_MAX_CHARS = 120
CRITERIA_MAX_CHARS = 500
DESCRIPTION_MAX_CHARS = 2_000

_REQUEST_CUE = re.compile(
    r"\b(?:please|pls|plz|kindly|could\s+you|can\s+you|would\s+you|will\s+you|could\s+we\s+get"
    r"|can\s+we\s+get|can\s+i\s+get|can\s+i\s+have|could\s+i\s+(?:get|have)|need\s+you\s+to"
    r"|i'?d\s+like\s+you\s+to|i\s+would\s+like\s+you\s+to|i\s+want\s+you\s+to"
    r"|i'?d\s+love\s+(?:for\s+)?you\s+to|you(?:'ll|\s+will)\s+need\s+to|you\s+need\s+to"
    r"|make\s+sure|your\s+action|action(?:\s+items?)?\s*:|task\s*:|ask\s*:|to\s*do\s*:"
    r"|are\s+you\s+able\s+to|would\s+you\s+mind|i\s+need\s+(?:the|a|an|your|you)\b"
    r"|we\s+need\s+(?:the|a|an|your|you)\b|i'?d\s+like\s+(?:the|a|an|your)\b"
    r"|let\s+me\s+have|can\s+i\s+ask\s+you\s+to|could\s+i\s+ask\s+you\s+to"
    r"|i'?m\s+asking\s+you\s+to|over\s+to\s+you|you'?re\s+(?:on\s+point|taking)\b"
    r"|you\s+own\b|can\s+you\s+own|i'?m\s+counting\s+on\s+you|action\s+items?\b"
    r"|(?:could|can|would|will)\s+(?:someone|somebody|anyone|u)\b"
    r"|\b(?:someone|somebody)\s+(?:needs|has)\s+to\b"
    r"|\b(?:could|can|will)\s+(?:the|this|that|it)\b[^.?!]{0,60}\bbe\s+(?:ready|done|finished"
    r"|sent|completed|shared|ready|signed|approved|published)\b"
    # "Let's get the incident write-up done by Tuesday": a shared ask is still an ask.
    r"|\blet['\u2019]?s\s+(?:get|have|make\s+sure|aim\s+to|try\s+to|finish|wrap\s+up|ship"
    r"|close\s+out|nail\s+down)\b|" + FOREIGN_REQUEST_CUE + r")",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"\b(?:please|kindly)\s+(?:do\s+)?(?:let\s+(?:me|us)\s+know\s+if|feel\s+free|don'?t\s+hesitate"
    r"|keep\s+(?:it\s+|this\s+)?up|enjoy|see\s+(?:attached|below|above)|find\s+attached|note\s+that|ignore"
    r"|disregard|excuse|forgive|accept\s+my|consider\s+the\s+environment|do\s+not\s+reply"
    r"|don'?t\s+reply|join\s+me\s+in\s+(?:thanking|congratulating|welcoming)|welcome)"
    r"|\bcan\s+you\s+believe\b|\bwould\s+you\s+believe\b|\bif\s+you\s+need\s+anything\b"
    r"|\blet\s+me\s+know\s+if\b"
    # Asking someone *not* to do something sets no commitment.
    r"|\b(?:please|pls|kindly)\s+(?:don'?t|do\s+not|never|stop)\b"
    r"|\bdon'?t\s+(?:worry|bother|feel\s+you\s+have\s+to)\b"
    # Kindness in the imperative ("please take Friday afternoon off") is not work to track.
    r"|\b(?:(?:please|pls|do)\s+)?(?:take\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,3}off\b"
    r"|go\s+home\s+early\b|have\s+a\s+(?:great|good|nice|lovely|restful|relaxing)\s+"
    r"(?:weekend|break|holiday|day|evening|time|trip)\b|rest\b|get\s+well\b|feel\s+better\b"
    r"|celebrate\b)|" + FOREIGN_BOILERPLATE,
    re.IGNORECASE,
)
_NO_ACTION = re.compile(
    r"\b(?:no\s+action\s+(?:is\s+)?(?:needed|required|necessary)|nothing\s+(?:is\s+)?"
    r"(?:needed|required)\s+(?:from\s+you|on\s+your\s+(?:side|end))|no\s+need\s+to\s+"
    r"(?:do\s+anything|do|act)|nothing\s+(?:for\s+you\s+)?to\s+do|for\s+information\s+only"
    r"|" + FOREIGN_NO_ACTION + r")\b",
    re.IGNORECASE,
)
_WORK_VERBS = (
    "add|analyse|analyze|approve|arrange|assemble|audit|book|build|calculate|call|chase|check"
    "|circulate|clean up|close|collect|compile|complete|confirm|configure|contact|coordinate"
    "|create|deliver|deploy|design|document|draft|edit|email|estimate|finalise|finalize|finish"
    "|fix|follow up|forecast|gather|get|hand over|handle|hire|implement|install|interview"
    "|investigate|launch|lead|look into|map out|merge|migrate|move|order|organise|organize|own"
    "|pay|ping|plan|prep|prepare|present|process|produce|proofread|publish|pull together"
    "|put together|reach out|reconcile|record|refresh|remove|renew|replace|reply|research"
    "|resolve|respond|review|rewrite|run|schedule|send|set up|share|ship|shortlist|sign"
    "|sort out|submit"
    "|summarise|summarize|take care of|take over|test|train|translate|update|upgrade|validate"
    "|verify|write|write up|work out|figure out|come up with|line up|pick up|put in"
)
_IMPERATIVE = re.compile(
    r"^(?:" + _WORK_VERBS + r"|let['\u2019]?s\s+(?:get|have|make\s+sure|finish|wrap\s+up)"
    r"|" + FOREIGN_WORK_VERBS + r")\b",
    re.IGNORECASE,
)
_GREETINGS = (
    r"hi|hello|hey|dear|morning|good\s+(?:morning|afternoon|evening)|hiya|greetings|hallo"
    r"|liebe|lieber|guten\s+(?:morgen|tag)|moin|servus|bonjour|salut|coucou|cher|ch[èe]re"
    r"|hola|buenos\s+d[ií]as|buenas(?:\s+tardes)?|querid[oa]|estimad[oa]"
)
_GREETING_LINE = re.compile(
    r"^(?:(?:" + _GREETINGS + r")\b"
    r"[^.!?]{0,60}[,!:.]?|[A-Z][\w'-]+(?:\s+(?:and|&)\s+[A-Z][\w'-]+)?\s*[,:!])$",
    re.IGNORECASE,
)
_SIGN_OFF_LINE = re.compile(
    r"^(?:thanks(?:\s+(?:so\s+much|a\s+lot|again|in\s+advance))?|thank\s+you(?:\s+so\s+much)?"
    r"|many\s+thanks|best(?:\s+(?:regards|wishes))?|kind\s+regards|warm(?:est)?\s+regards"
    r"|regards|cheers|ta|thx|all\s+the\s+best|speak\s+soon|talk\s+soon|br|cordially"
    r"|sincerely|yours(?:\s+sincerely)?|danke(?:\s+dir|\s+schön)?|vielen\s+dank"
    r"|(?:viele|beste|liebe)\s+gr[üu](?:ß|ss)e|lg|vg|mfg|gru(?:ß|ss)|merci(?:\s+beaucoup)?"
    r"|cordialement|bien\s+[àa]\s+(?:toi|vous)|bonne\s+journ[ée]e|amiti[ée]s|bises"
    r"|gracias|muchas\s+gracias|saludos|un\s+saludo|abrazos|atentamente)"
    r"\s*[,!.]?(?:\s+[A-Z][\w'-]*)?\s*$",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:so|and|also|then|now|ok(?:ay)?|right|yes|yep|sure|great|perfect|thanks|thank\s+you"
    r"|sounds\s+good|quick\s+one|one\s+more\s+thing|change\s+of\s+plans?|as\s+discussed"
    r"|as\s+agreed|following\s+(?:up\s+on\s+)?(?:our|today'?s|the)\s+"
    r"(?:chat|call|meeting|conversation|discussion)|per\s+our\s+(?:chat|call|conversation)"
    r"|when(?:ever)?\s+you\s+(?:get|have)\s+(?:a\s+)?(?:chance|moment|minute|time)"
    r"|if\s+you\s+(?:can|could)|ideally|wie\s+besprochen|comme\s+convenu|como\s+hablamos"
    r"|kurze\s+frage|petite\s+question)"
    r"\s*[,:;.!\-\u2013\u2014]*\s+)",
    re.IGNORECASE,
)
# Longer alternatives first: "would you mind" must win over "would you".
_REQUEST_WORDS = (
    r"(?:please|pls|plz|kindly|would\s+you\s+mind|would\s+you\s+be\s+able\s+to"
    r"|could\s+you\s+be\s+able\s+to|will\s+you\s+be\s+able\s+to|are\s+you\s+able\s+to"
    r"|(?:could|can|would|will)\s+you(?:\s+two|\s+both|\s+all)?|i\s+need\s+you\s+to"
    r"|need\s+you\s+to|i'?d\s+like\s+you\s+to|i\s+would\s+like\s+you\s+to|i\s+want\s+you\s+to"
    r"|i'?d\s+love\s+(?:for\s+)?you\s+to|you(?:'ll|\s+will)\s+need\s+to|you\s+need\s+to"
    r"|can\s+i\s+ask\s+you\s+to|could\s+i\s+ask\s+you\s+to|i'?m\s+asking\s+you\s+to"
    r"|i'?m\s+counting\s+on\s+you\s+to|action\s+items?\s+for\s+you|action(?:\s+items?)?\s*:"
    r"|task\s*:|ask\s*:|to\s*do\s*:|your\s+action\s*:"
    r"|(?:could|can|would|will)\s+(?:someone|somebody|anyone|u)(?:\s+in\s+\w+)?"
    r"|" + FOREIGN_REQUEST_WORDS + r")"
)
_REQUEST_PREFIX = re.compile(
    r"^(?:" + _REQUEST_WORDS + r"|just|quickly|also|possibly|perhaps|maybe|still|then|each"
    r"|both|you\s+own)\s*[,:\-\u2013\u2014]?\s+",
    re.IGNORECASE,
)
_REQUEST_ANYWHERE = re.compile(r"\b" + _REQUEST_WORDS + r"\s", re.IGNORECASE)
_ADDRESSING = re.compile(
    r"^(?:(?:" + _GREETINGS + r")\s+)?"
    r"(?P<names>[A-Z][\w'-]*(?:\s*(?:,|and|&)\s*[A-Z][\w'-]*){0,4})"
    r"(?:\s*[,:!\-\u2013\u2014]+\s*|\s+(?=" + _REQUEST_WORDS + r"\s))",
)
_CLAUSE_BREAK = re.compile(r"(?::|\s[\-\u2013\u2014]+)\s+")
_TRAILING_FILLER = re.compile(
    r"(?:[\s,;:-]+(?:please|pls|thanks|thank\s+you|thx|if\s+possible|if\s+you\s+can"
    r"|if\s+that\s+works|at\s+the\s+latest|latest|ideally|for\s+me|for\s+us|by|before|on|at"
    r"|no\s+later\s+than|until|due|due\s+on|asap|as\s+soon\s+as\s+possible|then|ok|okay"
    r"|instead|as\s+well|too|sometime|soon|at\s+some\s+point|whenever\s+you\s+can"
    r"|the|and|or|so|with)\b)+[\s?.!,;:]*$|[\s?.!,;:-]+$",
    re.IGNORECASE,
)
_VAGUE_END = re.compile(r"\b(?:this|it|that|these|those|them)$", re.IGNORECASE)
_OBJECT_PRONOUNS = frozenset({"it", "this", "that", "them", "these", "those"})
_VAGUE_WORDS = frozenset(
    {"this", "it", "that", "these", "those", "them", "one", "thing", "stuff", "something"}
    | {"up", "on", "over", "care", "of"}
)
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:re|fw|fwd|aw|wg|tr|sv|vs|rv|action(?:\s+required)?|request|urgent|important"
    r"|reminder|ask|task|todo|\[[^\]]{0,30}\])\s*[:\-]\s*",
    re.IGNORECASE,
)
_CRITERIA_CUE = re.compile(
    r"(?:\b(?:it'?s|it\s+is|we'?re|we\s+are|this\s+is|that'?s|i'?ll\s+consider\s+it)\s+done"
    r"\s+(?:when|once|if)|\bdone\s+(?:means|when|once|looks\s+like|=)|\bsuccess\s+(?:looks\s+like"
    r"|means|is|criteria(?:\s+(?:is|are))?|would\s+be|will\s+be|here\s+is|=)|\bsuccess\s*:"
    r"|\bdefinition\s+of\s+done(?:\s+is)?|\bDoD\b|\bacceptance\s+criteria(?:\s+(?:is|are))?"
    r"|\b(?:finished|complete)\s+(?:when|once)|\bwhat\s+good\s+looks\s+like(?:\s+is)?"
    r"|\bgood\s+looks\s+like|\bthe\s+(?:goal|outcome)\s+(?:is|should\s+be)|\bwhat\s+i\s+need"
    r"\s+(?:at\s+the\s+end|to\s+see)\s+is)\s*[:=\-\u2013\u2014]?\s*",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25e6\u2013]|\d{1,2}[.)]|[a-z][.)])\s+(?P<item>.+)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_ENGLISH_WORDS = frozenset(
    re.findall(
        r"\w+",
        "the a an and or to of in on for by with is are be it this that you your we our i me my"
        " can could would will please need by before send draft get have has do does at from"
        " if as so what when who let make sure thanks thank hi hello team all next week"
        " friday monday today tomorrow",
    )
)


@dataclass(frozen=True)
class Ask:
    """The sentence that carries the request (``statement``: one without a request word)."""

    sentence: str
    statement: bool = False


def clean_subject(subject: str) -> str:
    """Remove reply/forward prefixes and tags ("Re:", "FW:", "[External]") from a subject.

    Args:
        subject: a subject line.

    Returns:
        The subject's own words.
    """
    cleaned = " ".join(subject.split())
    while True:
        shorter = _SUBJECT_PREFIX.sub("", cleaned, count=1)
        if shorter == cleaned:
            return cleaned.strip()
        cleaned = shorter


def content_lines(text: str) -> list[str]:
    """Return the text's lines without greeting and sign-off.

    Args:
        text: visible text, one block per line.

    Returns:
        The non-empty lines between the greeting and the sign-off.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and _GREETING_LINE.match(lines[0]):
        lines = lines[1:]
    for index in range(len(lines) - 1, max(-1, len(lines) - 5), -1):
        if _SIGN_OFF_LINE.match(lines[index]):
            lines = lines[:index]
            break
    return lines


def sentences(lines: list[str]) -> list[str]:
    """Split lines into sentences (each bullet item is one).

    Args:
        lines: text lines.

    Returns:
        The sentences, in order.
    """
    found: list[str] = []
    for line in lines:
        bullet = _BULLET.match(line)
        text = bullet["item"] if bullet else line
        found.extend(part.strip() for part in _SENTENCE_END.split(text) if part.strip())
    return found


def is_ask(sentence: str, names: list[str]) -> bool:
    """Tell whether a sentence asks someone to do something.

    Args:
        sentence: one sentence.
        names: the recipients' first names, lower-cased (so "Sam, draft..." counts).

    Returns:
        True for a request or an imperative with a work verb.
    """
    sentence = without_courtesy(sentence)
    if _BOILERPLATE.search(sentence) and not _REQUEST_CUE.search(_BOILERPLATE.sub("", sentence)):
        return False
    if _REQUEST_CUE.search(sentence):
        return True
    body = _LEADING_FILLER.sub("", _strip_addressing(sentence, names))
    return bool(_IMPERATIVE.match(body))


def without_courtesy(text: str) -> str:
    """The text without courtesies about answering ("No need to answer tonight").

    Such a line is kind to the reader; it scopes only its own words, so it neither makes an
    ask nor cancels one, and its "tonight" is no due date.

    Args:
        text: a sentence or a whole text.

    Returns:
        The text with each courtesy removed.
    """
    return COURTESY.sub(" ", text)


def is_statement_ask(sentence: str, names: list[str], due: DueParse) -> bool:
    """Tell whether a sentence without a request word still hands over work.

    Two forms, each only with a deadline (``due``, read from the sentence): a named person
    given the work ("Omar is taking over the rollout plan, due the 9th"), and a deliverable
    named with its deadline and nothing else ("Quick one: the vendor shortlist, Thursday
    COB"; "Nadia, the audit evidence pack, Fri 4 Dec latest"): a short noun phrase, set off
    from the date by a comma or dash or joined by a deadline word, with no finite verb, and
    not an occasion ("the offsite, Thursday").

    Args:
        sentence: one sentence.
        names: the recipients' first names, lower-cased.
        due: the deadline read from the sentence.

    Returns:
        True for a delegation or a bare deliverable with its deadline.
    """
    plain = without_courtesy(sentence).strip()
    body = _LEADING_FILLER.sub("", _strip_addressing(plain, names))
    if DELEGATION.match(body):
        return True
    addressed = body != plain
    at = body.lower().find(due.text.lower()) if due.text else -1
    if at <= 0:
        return False
    phrase, rest = body[:at], body[at + len(due.text) :]
    if not _AFTER_DEADLINE.fullmatch(rest) or len(phrase.split()) > _MAX_PHRASE_WORDS:
        return False
    set_off = phrase.rstrip().endswith((",", ":", "-", "\u2013", "\u2014", ";"))
    if not set_off and (due.strength < 2 or not addressed):
        # "Sam — the Q3 deck by Friday" hands it to Sam; "The office closes before Christmas
        # Eve" (no one addressed, no comma) is news.
        return False
    phrase = phrase.rstrip(" ,:;-\u2013\u2014")
    if FINITE_VERBS.search(phrase) or EVENT_NOUNS.search(phrase) or _BOILERPLATE.search(phrase):
        return False
    return bool(_DELIVERABLE.fullmatch(phrase))


_MAX_PHRASE_WORDS = 8
# What may follow the date in such a sentence ("Fri 4 Dec latest", "Thursday COB, thanks").
_AFTER_DEADLINE = re.compile(
    r"(?:[\s,;.!]*(?:at\s+the\s+latest|latest|sharp|please|pls|if\s+possible|thanks"
    r"|thank\s+you|sp[äa]testens|au\s+plus\s+tard|a\s+m[áa]s\s+tardar|bitte|merci|gracias))*"
    r"[\s,;.!]*",
    re.IGNORECASE,
)
# A noun phrase: a determiner, then words (letters, digits, hyphens, apostrophes, "&", "/").
_DELIVERABLE = re.compile(
    r"(?:the|our|your|a|an|this|that|der|die|das|den|le|la|les|l['\u2019]|el|los|las)\s+"
    r"[\w'\u2019&/-]+(?:\s+[\w'\u2019&/-]+){0,7}",
    re.IGNORECASE,
)


_DELIVERABLE_START = re.compile(
    r"(?:the|our|your|a|an|this|that|der|die|das|den|le|la|les|l['\u2019]|el|los|las)\s+\w",
    re.IGNORECASE,
)


def has_request_cue(text: str) -> bool:
    """Tell whether a text holds an explicit request word ("please", "could you"...).

    Args:
        text: any text, e.g. a subject line.

    Returns:
        True when a request word is present outside boilerplate.
    """
    return bool(_REQUEST_CUE.search(_BOILERPLATE.sub("", text)))


def says_no_action(text: str) -> bool:
    """Tell whether the text says explicitly that nothing is asked ("no action needed").

    Args:
        text: the visible text.

    Returns:
        True when the sender rules out an ask.
    """
    return bool(_NO_ACTION.search(text))


def looks_english(text: str) -> bool:
    """Tell whether a text is (mostly) English, by its share of very common English words.

    Args:
        text: any text.

    Returns:
        True for English text, and for texts too short to tell.
    """
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 6:
        return True
    common = sum(1 for word in words if word in _ENGLISH_WORDS)
    return common / len(words) >= 0.12


def find_ask(
    lines: list[str],
    names: list[str],
    deadline: Callable[[str], DueParse | None] | None = None,
) -> Ask | None:
    """Return the first ask among the lines.

    Args:
        lines: content lines (greeting and sign-off removed).
        names: the recipients' first names, lower-cased.
        deadline: reads the deadline a sentence sets (``None``: none); when given, a statement
            that hands over work with a deadline (see :func:`is_statement_ask`) is an ask too.

    Returns:
        The ask, or ``None`` when the text requests nothing.
    """
    for sentence in sentences(lines):
        if not readable(sentence):
            continue
        if is_ask(sentence, names):
            return Ask(sentence=sentence)
        if deadline is None or not _could_be_statement(sentence, names):
            continue
        due = deadline(without_courtesy(sentence))
        if due is not None and is_statement_ask(sentence, names, due):
            return Ask(sentence=sentence, statement=True)
    return None


def _could_be_statement(sentence: str, names: list[str]) -> bool:
    """A cheap first look before reading dates: a delegation, or a determiner up front."""
    body = _LEADING_FILLER.sub("", _strip_addressing(sentence.strip(), names))
    return bool(DELEGATION.match(body) or _DELIVERABLE_START.match(body))


def readable(text: str) -> bool:
    """Whether a text is in a language intake reads (English, German, French or Spanish).

    Args:
        text: any text.

    Returns:
        True when it is, or when it is too short to tell.
    """
    return is_read_language(text)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "\u2026"


def _strip_addressing(text: str, names: list[str]) -> str:
    """Drop "Hi Sam,", "Sam, Priya —" or "Omar pls"-style addressing before the ask."""
    match = _ADDRESSING.match(text)
    if match is None:
        return text
    rest = text[match.end() :]
    named = [part.lower() for part in re.split(r"\s*(?:,|\band\b|&)\s*", match["names"]) if part]
    if all(name in names or name in _ADDRESSED for name in named) or _starts_with_ask(rest):
        return rest
    return text


_ADDRESSED = frozenset({"team", "all", "both", "everyone", "folks", "guys", "hi", "hey", "hello"})


def _starts_with_ask(text: str) -> bool:
    body = _LEADING_FILLER.sub("", text)
    return bool(_REQUEST_PREFIX.match(body) or _IMPERATIVE.match(body))


def _base_verb(text: str) -> str:
    """Turn a leading gerund into the imperative ("pulling together" -> "pull together")."""
    first, _, rest = text.partition(" ")
    if not first.lower().endswith("ing") or len(first) < 6:
        return text
    stem = first[:-3]
    for candidate in (stem, stem + "e", stem[:-1]):
        if _IMPERATIVE.match(f"{candidate} {rest}"):
            return f"{candidate} {rest}".strip()
    return text


def _core_request(text: str, names: list[str]) -> str:
    """Cut away what comes before the request ("As discussed, I'd like you to ...")."""
    text = _strip_addressing(text, names)
    if _starts_with_ask(text):
        return text
    for clause in _CLAUSE_BREAK.finditer(text):
        rest = _strip_addressing(text[clause.end() :], names)
        if _starts_with_ask(rest):
            return rest
    request = _REQUEST_ANYWHERE.search(text)
    return text[request.start() :] if request and request.start() > 0 else text


def title_from(sentence: str, *, due_text: str, subject: str, names: list[str]) -> str:
    """Write a concise, imperative title from the ask sentence.

    Greeting and addressing ("Hi Sam,"), lead-ins ("As discussed,"), request words ("could
    you please") and the due date's words are removed; a title that ends in a bare "this" or
    "it" borrows the subject ("Send it" with subject "Board pack" becomes "Send the board
    pack"), and one that is only vague words is followed by the subject.

    Args:
        sentence: the ask.
        due_text: the words the due date came from (removed from the title).
        subject: the email's subject.
        names: the recipients' first names, lower-cased.

    Returns:
        The title (at most :data:`TITLE_MAX_CHARS` characters), or "" when none is readable.
    """
    text = without_courtesy(sentence).strip()
    if due_text:
        text = re.sub(re.escape(due_text), " ", text, flags=re.IGNORECASE)
    text = _delegated_work(" ".join(text.split()), names)
    text = _core_request(text, names)
    for _ in range(6):
        shorter = _REQUEST_PREFIX.sub("", _LEADING_FILLER.sub("", text))
        shorter = _strip_addressing(shorter, names)
        if shorter == text:
            break
        text = shorter
    text = re.sub(r"\bfor\s+me\b|\bif\s+possible\b|\bplease\b", " ", text, flags=re.IGNORECASE)
    text = _base_verb(" ".join(text.split()))
    for _ in range(4):
        shorter = _TRAILING_FILLER.sub("", text)
        if shorter == text:
            break
        text = shorter
    text = text.strip(" ,;:-\u2013\u2014")
    topic = clean_subject(subject)
    words = text.lower().split()
    if len(words) > 3 and words[1] in _OBJECT_PRONOUNS and topic:
        # "Clear it and post the all-clear" with subject "Status page": say what "it" is.
        first, _, rest = text.partition(" ")
        text = f"{first} {_topic_phrase(topic)} {rest.partition(' ')[2]}"
    elif _VAGUE_END.search(text) and len(words) > 1:
        text = (_VAGUE_END.sub("", text).rstrip() + " " + _topic_phrase(topic)) if topic else ""
    elif words and all(word in _VAGUE_WORDS for word in words[1:]) and len(words) <= 4:
        # "Take this one", "Pick this up": the subject says what "this" is.
        text = f"{text}: {topic}" if topic else ""
    if len(text.split()) < 2:
        text = topic if len(topic.split()) >= 2 else ""
    return _shorten(_capitalise(text), TITLE_MAX_CHARS)


def _delegated_work(text: str, names: list[str]) -> str:
    """The work a delegation or a bare deliverable names, as a title would say it.

    "Omar is taking over the rollout plan" gives "take over the rollout plan"; a bare
    deliverable ("the vendor shortlist") loses its article.
    """
    body = _LEADING_FILLER.sub("", _strip_addressing(text, names))
    match = DELEGATION.match(body)
    if match is not None:
        rest = body[match.end() :]
        if match["gerund"]:
            return _base_verb(match["gerund"].lower() + rest)
        if match["verb"]:
            return match["verb"].lower() + rest
        return text
    if not _REQUEST_CUE.search(body) and not _IMPERATIVE.match(body):
        article = _DELIVERABLE_START.match(body)
        if article is not None:
            return body[article.end() - 1 :]
    return text


def _topic_phrase(topic: str) -> str:
    first = topic.split()[0]
    # Keep "Q1", "ACME" and names as written; lower-case an ordinary leading word.
    if first[:1].isupper() and first[1:].islower():
        topic = first.lower() + topic[len(first) :]
    return "the " + topic if not topic.lower().startswith(("the ", "a ", "an ", "our ")) else topic


def criteria_from(lines: list[str]) -> str:
    """Return the success criteria the text states, or "" when it states none.

    Reads "done when ...", "success looks like ...", "definition of done: ..." (with the
    bullet list that follows a colon), and otherwise a bullet list of deliverables.

    Args:
        lines: content lines.

    Returns:
        The criteria as one line, or "".
    """
    for index, line in enumerate(lines):
        cue = _CRITERIA_CUE.search(line)
        if cue is None:
            continue
        rest = line[cue.end() :].strip()
        rest = _SENTENCE_END.split(rest)[0].strip() if rest else ""
        bullets = _bullets_after(lines, index)
        if not rest or rest.endswith(":"):
            rest = (rest + " " + "; ".join(bullets)).strip() if bullets else rest
        if rest:
            return _shorten(_capitalise(rest.rstrip(" .")), CRITERIA_MAX_CHARS)
    for index, line in enumerate(lines):
        # Only a lead-in line is worth looking past: a long list must not be re-read per line.
        if not line.endswith(":") or _BULLET.match(line):
            continue
        bullets = _bullets_after(lines, index)
        if len(bullets) >= 2:
            lead_in = _SENTENCE_END.split(line)[-1]
            return _shorten(_capitalise(f"{lead_in} {'; '.join(bullets)}"), CRITERIA_MAX_CHARS)
    return ""


def _bullets_after(lines: list[str], index: int) -> list[str]:
    items = []
    # By index, not a slice: copying the rest of the lines per call would be quadratic.
    for position in range(index + 1, len(lines)):
        bullet = _BULLET.match(lines[position])
        if bullet is None:
            break
        items.append(bullet["item"].strip().rstrip(".;"))
    return items


def derived_criteria(title: str, manager_first_name: str) -> str:
    """Write concrete success criteria from the ask when the email states none.

    Args:
        title: the commitment's title.
        manager_first_name: who receives the result.

    Returns:
        E.g. "Draft the Q1 budget: finished and shared with Maya".
    """
    return f"{title}: finished and shared with {manager_first_name}"


def description_from(lines: list[str]) -> str:
    """Return the body's content as the commitment's description.

    Args:
        lines: content lines.

    Returns:
        The lines joined, at most :data:`DESCRIPTION_MAX_CHARS` characters.
    """
    return _shorten("\n".join(lines), DESCRIPTION_MAX_CHARS)

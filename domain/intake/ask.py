"""Finding the ask in an email's text, and the title and success criteria it implies.

An ask is a sentence that requests something ("could you", "please", "I need you to") or
starts with a work verb ("Draft the Q1 budget by Friday"). Boilerplate such as "please let me
know if you have questions" is not an ask, and "no action needed" rules one out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from domain.intake.ask_forms import instructs_in_second_person
from domain.intake.ask_modals import (
    ASKS_BY_FORM,
    MODAL_REQUEST_WORDS,
    hands_over_nothing_named,
    named_duty,
)
from domain.intake.ask_words import (
    ASSIGNEE,
    COURTESY,
    DELEGATION,
    DELEGATION_LEAD_IN,
    EVENT_NOUNS,
    FINITE_VERBS,
    FOREIGN_BOILERPLATE,
    FOREIGN_DELEGATION_VERBS,
    FOREIGN_NO_ACTION,
    FOREIGN_REQUEST_CUE,
    FOREIGN_REQUEST_WORDS,
    FOREIGN_WORK_VERBS,
    KINDNESS,
    OPEN_ADDRESSEE,
    PERSON,
    RETRACTION,
    SHARED_ASK,
    SOCIAL_VERBS,
    TAKE_ON,
    TALK_VERBS,
    TRACKING_ASK,
)
from domain.intake.due_dates.calendar_words import FOREIGN_MONTHS, MONTHS
from domain.intake.form_titles import work_of_form
from domain.intake.handover_dates import handover_deadline
from domain.intake.labels import person_label
from domain.intake.languages import is_read_language
from domain.intake.models import DueParse
from domain.intake.news_labels import (
    after_lead_in,
    clause_after_label,
    reports_someone_else,
    takes_an_object,
)
from domain.intake.obligations import (
    awaits_act,
    obligation,
    obligation_work,
    team_duty,
    team_handover,
)
from domain.intake.stand_ins import names_by_stand_in, with_thing

TITLE_MAX_CHARS = 120
CRITERIA_MAX_CHARS = 500
DESCRIPTION_MAX_CHARS = 2_000

_REQUEST_CUE = re.compile(
    r"\b(?:please|pls|plz|kindly|could\s+you|can\s+you|would\s+you|will\s+you|could\s+we\s+get"
    r"|can\s+we\s+get|can\s+i\s+get|can\s+i\s+have|could\s+i\s+(?:get|have)|need\s+you\s+to"
    r"|i'?d\s+like\s+you\s+to|i\s+would\s+like\s+you\s+to|i\s+want\s+you\s+to"
    r"|i'?d\s+love\s+(?:for\s+)?you\s+to|you(?:'ll|\s+will)\s+need\s+to|you\s+need\s+to"
    r"|make\s+sure|your\s+action|action(?:\s+items?)?\s*:|task\s*:|ask\s*:|to\s*do\s*:"
    r"|are\s+you\s+able\s+to|would\s+you\s+mind"
    r"|i(?:\s+|(?=['\u2019]))(?:do\s+|really\s+|still\s+|will\s+|would\s+|['\u2019]ll\s+"
    r"|['\u2019]d\s+)?need\s+"
    r"(?:the|a|an|your|you)\b"
    r"|we\s+need\s+(?:the|a|an|your|you)\b|i'?d\s+like\s+(?:the|a|an|your)\b"
    r"|let\s+me\s+have|can\s+i\s+ask\s+you\s+to|could\s+i\s+ask\s+you\s+to"
    r"|i'?m\s+asking\s+you\s+to|over\s+to\s+you|you'?re\s+(?:on\s+point|taking)\b"
    r"|you\s+own\b|can\s+you\s+own|i'?m\s+counting\s+on\s+you|action\s+items?\b"
    r"|(?:could|can|would|will)\s+(?:someone|somebody|anyone|whoever|u"
    r"|(?:one|either|any)\s+of\s+you)\b"
    # "Somebody should tidy up the drive" (not "somebody should have told me", a reproach).
    r"|\b(?:someone|somebody)\s+(?:needs\s+to|has\s+to|(?:should|must|ought\s+to)"
    r"(?!\s+(?:have|not|never)\b))\b|\bneed\s+(?:someone|somebody)\s+to\b"
    r"|\b(?:could|can|will)\s+(?:the|this|that|it)\b[^.?!]{0,60}\bbe\s+(?:ready|done|finished"
    r"|sent|completed|shared|ready|signed|approved|published)\b"
    # "Let's get the incident write-up done by Tuesday": a shared ask is still an ask.
    r"|\blet['\u2019]?s\s+(?:get|have|make\s+sure|aim\s+to|try\s+to|finish|wrap\s+up|ship"
    r"|close\s+out|nail\s+down)\b|" + FOREIGN_REQUEST_CUE + "|" + ASKS_BY_FORM + r")",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"\b(?:please|kindly)\s+(?:do\s+)?(?:let\s+(?:me|us)\s+know\s+if|feel\s+free|don'?t\s+hesitate"
    r"|keep\s+(?:it\s+|this\s+)?up|enjoy|see\s+(?:attached|below|above)|find\s+attached|note\s+that|ignore"
    r"|disregard|excuse|forgive|accept\s+my|consider\s+the\s+environment|do\s+not\s+reply"
    r"|don'?t\s+reply|join\s+me\s+in\s+(?:thanking|congratulating|welcoming)|welcome)"
    r"|\bcan\s+you\s+believe\b|\bwould\s+you\s+believe\b|\bif\s+you\s+need\s+anything\b"
    r"|\blet\s+me\s+know\s+if\b"
    # "Sam, yes please.": an answer, whole; the ask, if any, is the next sentence.
    r"|\b(?:yes|yep|yeah|sure|ok(?:ay)?|oui|ja|s[ií])[\s,!]+(?:please|pls|bitte|por\s+favor"
    r"|s['\u2019]il\s+(?:te|vous)\s+pla[iî]t)[\s.!]*$"
    # Asking someone *not* to do something sets no commitment.
    # The whole clause goes: "please don't feel you need to stay late" asks nothing.
    r"|\b(?:please|pls|kindly)\s+(?:(?:don'?t|do\s+not)(?!\s+forget)|never|stop)\b[^.!?;,\n]{0,80}"
    r"|\bdon'?t\s+(?:worry|bother|feel\s+(?:you\s+(?:have|need)\s+to|obliged))\b[^.!?;,\n]{0,80}"
    # Kindness in the imperative ("please take Friday afternoon off") is not work to track.
    r"|\b(?:(?:please|pls|do)\s+)?(?:take\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,5}off\b"
    r"|take\s+(?:a|an|the|some|your)\s+(?:[\w-]+\s+){0,3}(?:weekend|break|day|days|holiday"
    r"|vacation|rest|breather|nap|evening|afternoon|morning)\b(?!\s+(?:to|for|and)\s)"
    r"|go\s+home\s+early\b|have\s+a\s+(?:great|good|nice|lovely|restful|relaxing)\s+"
    r"(?:weekend|break|holiday|day|evening|time|trip)\b|rest\b|get\s+well\b|feel\s+better\b"
    r"|celebrate\b)"
    # An invitation ("could you join us for drinks on Friday") is not work to track.
    r"|\b(?:(?:could|can|would|will)\s+you\s+|if\s+you\s+(?:could|can|would)\s+)?"
    r"join\s+(?:us|me|the\s+team)\s+(?:for|at)\b|" + KINDNESS + "|" + FOREIGN_BOILERPLATE,
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
# What marks a sentence as news for the reader, after a name or not ("FYI:", "Sam, heads-up -",
# "Zur Info:", "Pour info :", "Para tu información:").
_NEWS_MARK = re.compile(
    r"^\W*(?:[^\W\d_]+\s*,\s*)?(?:fyi|f\.y\.i\.|for\s+your\s+(?:information|info)|for\s+info|heads[\s-]*up"
    r"|zur\s+info(?:rmation)?|nur\s+zur\s+info|pour\s+info(?:rmation)?|pour\s+votre\s+information"
    r"|para\s+(?:tu|su)\s+informaci[oó]n|para\s+que\s+lo\s+sepas|psa)\b\s*[:,;.!\-\u2013\u2014]",
    re.IGNORECASE,
)
# A French pronoun joined to its imperative ("envoie-moi le contrat"): the object follows it.
_ATTACHED_PRONOUN = re.compile(r"^-(?:moi|toi|lui|nous|vous|leur|le|la|les)\b", re.IGNORECASE)
# "Are you free to review the lease by Friday?", "Do you have time to check the figures?":
# whether someone is free for a piece of work asks for it (as "dispo pour" does in French).
_FREE_TO = re.compile(
    r"\b(?:(?:are\s+you|r\s+u|you)\s+(?:free|available)|(?:do\s+you\s+have|have\s+you\s+got"
    r"|got)\s+(?:the\s+|some\s+)?time)\s+to\s+(?:" + _WORK_VERBS + r")\b(?=[^.!?\n]{0,200}\?)",
    re.IGNORECASE,
)
# "Sam, you check the invoices and send me the summary by Friday": the present of a work verb
# said to someone, as "du prüfst ..." is in German (see ``ask_forms``).
_YOU_DO = re.compile(
    r"(?:^|[:;]\s*|\band\s+)you\s+(?:" + _WORK_VERBS + r")\s+(?:me\s+|us\s+)?"
    r"(?:the|a|an|your|our|this|that|these|those|all)\b",
    re.IGNORECASE,
)
# "I'd appreciate it if you could send ...": a conditional asks when a work verb follows
# ("... if you could join us on Friday" invites).
_CONDITIONAL_ASK = re.compile(
    r"\b(?:appreciate(?:\s+it)?|grateful|great|helpful|ideal)\s+if\s+you\s+(?:could|can|would)"
    r"\s+(?:please\s+)?(?:(?:" + _WORK_VERBS + r")\b"
    # "... if you could have the scores refreshed by Friday": the thing, then its participle.
    r"|(?:have|get)\s+(?:the|your|our|this|these|those|all\s+the)\s+[^.?!]{1,60}?"
    r"\s[^\W\d_]+(?:ed|done|sent|written|built|drawn\s+up|signed\s+off)\b)",
    re.IGNORECASE,
)
_GREETINGS = (
    r"hi|hello|hey|dear|morning|good\s+(?:morning|afternoon|evening)|hiya|greetings|hallo"
    r"|liebe|lieber|guten\s+(?:morgen|tag)|moin|servus|bonjour|salut|coucou|cher|ch[èe]re"
    r"|hola|buenos\s+d[ií]as|buenas(?:\s+tardes)?|querid[oa]|estimad[oa]|che"
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
    r"^(?:(?:so|and|but|just|also|then|now|ok(?:ay)?|right|yes|yep|sure|great|perfect|thanks"
    r"|thank\s+you"
    r"|aber|und|also|mais|et|alors|pero|y|entonces"
    r"|sounds\s+good|quick\s+one|one\s+more\s+thing|change\s+of\s+plans?|as\s+discussed"
    r"|as\s+agreed|following\s+(?:up\s+on\s+)?(?:our|today'?s|the)\s+"
    r"(?:chat|call|meeting|conversation|discussion)|per\s+our\s+(?:chat|call|conversation)"
    r"|when(?:ever)?\s+you\s+(?:get|have)\s+(?:a\s+)?(?:chance|moment|minute|time)"
    r"|if\s+you\s+(?:can|could)|ideally|wie\s+besprochen|comme\s+convenu|como\s+hablamos"
    r"|kurze\s+frage|petite\s+question|cuando\s+puedas|cuando\s+tengas\s+un\s+momento"
    r"|quand\s+tu\s+(?:peux|auras\s+le\s+temps)|wenn\s+du\s+(?:kannst|zeit\s+hast))"
    r"\s*[,:;.!\-\u2013\u2014]*\s+)",
    re.IGNORECASE,
)
# Longer alternatives first: "would you mind" must win over "would you".
_REQUEST_WORDS = (
    r"(?:please|pls|plz|kindly|would\s+you\s+mind|would\s+you\s+be\s+able\s+to"
    r"|would\s+you\s+be\s+so\s+kind\s+as\s+to"
    r"|(?:i['\u2019]?d\s+(?:be\s+)?|i\s+would\s+(?:be\s+)?|it\s+would\s+be\s+|it['\u2019]d\s+be\s+)"
    r"(?:appreciate(?:\s+it)?|grateful|great|helpful|ideal)\s+if\s+you\s+(?:could|can|would)"
    r"|could\s+you\s+be\s+able\s+to|will\s+you\s+be\s+able\s+to|are\s+you\s+able\s+to"
    r"|(?:could|can|would|will)\s+you(?:\s+two|\s+both|\s+all)?|i\s+need\s+you\s+to"
    r"|need\s+you\s+to|i'?d\s+like\s+you\s+to|i\s+would\s+like\s+you\s+to|i\s+want\s+you\s+to"
    r"|i'?d\s+love\s+(?:for\s+)?you\s+to|you(?:'ll|\s+will)\s+need\s+to|you\s+need\s+to"
    r"|can\s+i\s+ask\s+you\s+to|could\s+i\s+ask\s+you\s+to|i'?m\s+asking\s+you\s+to"
    r"|i'?m\s+counting\s+on\s+you\s+to|action\s+items?\s+for\s+you|action(?:\s+items?)?\s*:"
    r"|task\s*:|ask\s*:|to\s*do\s*:|your\s+action\s*:"
    r"|(?:could|can|would|will)\s+(?:someone|somebody|anyone|u|(?:one|either|any)\s+of\s+you)"
    r"(?:\s+in\s+\w+)?|need\s+(?:someone|somebody)\s+to"
    r"|(?:someone|somebody)\s+(?:needs\s+to|has\s+to|should|must|ought\s+to)"
    r"|" + FOREIGN_REQUEST_WORDS + "|" + MODAL_REQUEST_WORDS + r")"
)
_REQUEST_PREFIX = re.compile(
    r"^(?:" + _REQUEST_WORDS + r"|just|quickly|also|possibly|perhaps|maybe|still|then|each"
    r"|both|you\s+own)\s*[,:\-\u2013\u2014]?\s+",
    re.IGNORECASE,
)
_REQUEST_ANYWHERE = re.compile(r"\b" + _REQUEST_WORDS + r"\s", re.IGNORECASE)
_ADDRESSING = re.compile(
    r"^(?:(?i:" + _GREETINGS + r")\s+)?"
    r"(?P<names>[A-Z][\w'-]*(?:\s*(?:,|and|&)\s*[A-Z][\w'-]*){0,4})"
    r"(?:\s*[,:!\-\u2013\u2014]+\s*|\s+(?=" + _REQUEST_WORDS + r"\s))",
)
_CLAUSE_BREAK = re.compile(r"(?::|\s[\-\u2013\u2014]+)\s+")
_TRAILING_FILLER = re.compile(
    r"(?:[\s,;:-]+(?:please|pls|thanks|thank\s+you|thx|if\s+possible|if\s+you\s+can"
    r"|if\s+that\s+works|at\s+the\s+latest|latest|ideally|for\s+me|for\s+us|by|before|on|at"
    r"|no\s+later\s+than|until|due|due\s+on|asap|as\s+soon\s+as\s+possible|then|ok|okay"
    r"|instead|as\s+well|too|sometime|soon|at\s+some\s+point|whenever\s+you\s+can"
    r"|the|and|or|so|with|gracias|danke|merci|bitte|por\s+favor|porfa|svp|stp|au\s+plus\s+tard"
    r"|sp[äa]testens|a\s+m[áa]s\s+tardar|como\s+(?:muy\s+)?tarde)\b)+[\s?.!,;:]*$"
    r"|[\s?.!,;:-]+$",
    re.IGNORECASE,
)
_VAGUE_END = re.compile(
    # "Sort out the following" (a list comes next): the words name nothing themselves.
    r"\b(?:this|it|that|these|those|them|the\s+following|folgendes|das\s+folgende"
    r"|ce\s+qui\s+suit|les\s+points\s+suivants|lo\s+siguiente)$",
    re.IGNORECASE,
)
_OBJECT_PRONOUNS = frozenset({"it", "this", "that", "them", "these", "those"})
_VAGUE_WORDS = frozenset(
    {"this", "it", "that", "these", "those", "them", "one", "thing", "stuff", "something"}
    | {"up", "on", "over", "care", "of", "action"}
)
# Words that only say the work gets finished ("get it done", "have it sorted"): with a
# pronoun, they name no work either.
_DONE_WORDS = frozenset({"done", "sorted", "finished", "completed", "handled", "ready"})
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
    r"\s+(?:at\s+the\s+end|to\s+see)\s+is)\s*[:=\-\u2013\u2014]?\s*"
    # "Erledigt ist es, wenn ...", "C'est réussi si ...", "Estará terminada cuando ...": a word
    # of completion, then (within a few words) a conjunction of condition or time.
    r"|\b(?:done|erledigt|fertig|abgeschlossen|geschafft|gelungen|r[ée]ussie?s?|termin[ée]e?s?"
    r"|fini(?:e|s)?|boucl[ée]e?s?|termin(?:ad[oa]s?|ar[áa])|list[oa]s?|hech[oa]s?"
    r"|complet(?:ad[oa]s?|[oa]s?)|complets?|compl[èe]tes?|[ée]xito)\b(?:[\s,]+[^\W\d_]+){0,3}?[\s,]+(?:wenn|sobald|si|s['\u2019]"
    r"|quand|lorsque|d[èe]s\s+que|une\s+fois\s+que|cuando|una\s+vez\s+que|en\s+cuanto)\s+",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u25e6\u2013]|\d{1,2}[.)]|[a-z][.)])\s+(?P<item>.+)$")
_MONTH_NAMES = "|".join(sorted({*MONTHS, *FOREIGN_MONTHS}, key=len, reverse=True))
# A sentence ends at . ! or ? before a capital or digit, except the dot of a day written as an
# ordinal before its month ("bis Dienstag, 26. Januar, 15 Uhr"; "am 3. März").
_NEXT_SENTENCE = r"(?=[\"'(\[¿¡]?[A-Z0-9ÀÂÄÇÉÈÊÎÔÖÙÛÜÑÁÍÓÚ])"
# A title before a name ("reply to Ms. Sato") ends no sentence either.
_TITLE_DOT = (
    r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bProf\.)(?<!\bSt\.)(?<!\bSr\.)"
    r"(?<!\bSra\.)"
)
_SENTENCE_END = re.compile(
    rf"(?<=[.!?])(?<!\d\.){_TITLE_DOT}\s+{_NEXT_SENTENCE}"
    rf"|(?<=\d\.)\s+(?!(?i:{_MONTH_NAMES})\b){_NEXT_SENTENCE}"
)
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
    """The sentence that carries the request (``statement``: one without a request word).

    ``deadline``: a fragment apart from the sentence that gives its deadline ("Grace owns
    this. Revised quote Friday 13 Aug."), read for a date without a cue word.
    """

    sentence: str
    statement: bool = False
    deadline: str = ""


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
    # Emoji and pictographs ("... Thursday without fail 🙏", as phones write) carry no words.
    text = "".join(" " if _is_pictograph(char) else char for char in text)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if lines and _GREETING_LINE.match(lines[0]):
        lines = lines[1:]
    for index in range(len(lines) - 1, max(-1, len(lines) - 5), -1):
        if _SIGN_OFF_LINE.match(lines[index]):
            lines = lines[:index]
            break
    return lines


def _is_pictograph(char: str) -> bool:
    """An emoji, a pictograph or a joiner of them (not a letter, digit or punctuation)."""
    return (
        unicodedata.category(char) == "So"
        or char in "\u200d\ufe0f"
        or _SKIN_TONE <= char <= "\U0001f3ff"
    )


_SKIN_TONE = "\U0001f3fb"


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
    sentence = without_courtesy(sentence).strip()
    if _BOILERPLATE.search(sentence) and not _REQUEST_CUE.search(_BOILERPLATE.sub("", sentence)):
        return False
    if RETRACTION.search(sentence) and not _REQUEST_CUE.search(RETRACTION.sub("", sentence)):
        # "Ignore my last email please": the "please" belongs to the retraction.
        return False
    if _REQUEST_CUE.search(sentence) or _CONDITIONAL_ASK.search(sentence):
        return True
    if _FREE_TO.search(sentence):
        return True
    news = _NEWS_MARK.match(sentence)
    if news:
        # What is marked as news asks only in words that ask (checked above) or by an
        # imperative with its object ("FYI: send me the deck"); "FYI: review meetings move to
        # Friday" opens with a noun that could be read as a verb.
        rest = sentence[news.end() :].strip()
        verb = _IMPERATIVE.match(rest)
        return verb is not None and takes_an_object(_ATTACHED_PRONOUN.sub("", rest[verb.end() :]))
    body = _LEADING_FILLER.sub("", _strip_addressing(sentence, names))
    clause = clause_after_label(body)
    if clause:
        # "Sam, update on the tender pack: Omar has said ...": the noun labels the topic,
        # and the clause after it says whether anything is asked.
        return is_ask(clause, names)
    after = after_lead_in(body)
    verb = _IMPERATIVE.match(after) if after else None
    if verb is not None and takes_an_object(after[verb.end() :]):
        # "Sam, passing this on: handle the reply by Tuesday": the imperative after the
        # lead-in asks; one without its object ("FYI: review meetings move") does not.
        return True
    # A verb alone is no ask: "Great launch." is praise, not "launch".
    return bool(_IMPERATIVE.match(body)) and len(body.split()) > 1


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


def is_statement_ask(sentence: str, names: list[str], due: DueParse, *, bare: bool = False) -> bool:
    """Tell whether a sentence without a request word still hands over work.

    Three forms, each only with a deadline (``due``, read from the sentence): a named person
    given the work ("Omar is taking over the rollout plan, due the 9th"), a shared ask ("let's
    get the write-up done by Tuesday", see :func:`_is_shared_ask`), and a deliverable named
    with its deadline and nothing else ("Quick one: the vendor shortlist, Thursday COB";
    "Nadia, the audit evidence pack, Fri 4 Dec latest"; "Sam, the proposal is due on the
    9th"): a short noun phrase, set off from the date by a comma or dash or joined by a
    deadline word, with no finite verb, and whose head is not an occasion ("the offsite,
    Thursday"; but "the budget for the offsite, Thursday" is work).

    Args:
        sentence: one sentence.
        names: the recipients' first names, lower-cased.
        due: the deadline read from the sentence.
        bare: also accept a noun phrase without a determiner, as subjects are written
            ("Grace: Tailspin QBR deck - Tue 2/9"); only when addressed to a recipient.

    Returns:
        True for a delegation, a shared ask or a bare deliverable with its deadline.
    """
    plain = without_courtesy(sentence).strip()
    if len(plain.split()) > _MAX_STATEMENT_WORDS:
        return False
    body = _LEADING_FILLER.sub("", _strip_addressing(plain, names))
    if reports_someone_else(clause_after_label(body) or body):
        # "Sam, Omar has said he'll have the pricing done by Friday": news about Omar.
        return False
    if delegation(body) is not None:
        return True
    if named_duty(body, names):
        # "Il faut que Sam dépose le dossier d'ici vendredi": a recipient's duty, by name.
        return due.strength >= _STRONG
    if _is_shared_ask(body, due) or _proposes_date(body, due):
        return True
    if _COORDINATED.match(body) is not None:
        # "Grace, go with option B and get the signed form back by Monday": two
        # imperatives, the second a work verb; said to someone, with a firm deadline.
        return body != plain and due.strength >= _STRONG
    if instructs_in_second_person(body) or _YOU_DO.search(body):
        # "Alex, du planst den Testlauf und schickst mir den Ablauf bis Freitag": the present
        # said to someone by name, with a firm deadline, tells them what to do.
        return body != plain and due.strength >= _STRONG
    if obligation(body) is not None:
        # "Dev, the staging database needs to be refreshed by Friday": said to someone by
        # name, a duty on a thing hands them the work; said to no one, it is news.
        return body != plain and not TALK_VERBS.search(obligation_work(body))
    assignee = ASSIGNEE.match(body)
    if assignee is not None and due.strength >= _STRONG:
        # "Priya to send the deck by Friday", as minutes write it: only a recipient or a
        # person the sender knows is a doer ("Thanks to Omar ..." is not).
        return assignee["name"].split()[0].lower() in names
    labelled, after_label = person_label(body, names)
    if labelled:
        # "Track for Priya: reconciliation of the petty cash by 15 July": addressed by label.
        body, bare = after_label, True
    addressed = body != plain
    if addressed:
        # "Nina, kurz: die Kostenaufstellung, Donnerstag": a short label before the thing.
        body = _LABEL.sub("", body, count=1)
    elif bare:
        return False
    at = body.lower().find(due.text.lower()) if due.text else -1
    if at <= 0:
        return False
    phrase, rest = body[:at], body[at + len(due.text) :]
    # "the report, at the latest Friday": the cue before the date is no part of the thing.
    phrase = _TRAILING_CUE.sub("", phrase)
    last = _INFINITIVE_LAST.match(rest)
    if last is not None and addressed and due.strength >= _STRONG and _GERMAN_THING.match(phrase):
        # "Nina, die Hotelliste bis Freitag klären, sonst ...": German puts the infinitive
        # last, and an infinitive said to someone instructs; what follows is another clause.
        rest = ""
    if not _AFTER_DEADLINE.fullmatch(rest) or len(phrase.split()) > _MAX_PHRASE_WORDS:
        return False
    set_off = phrase.rstrip().endswith((",", ":", "-", "\u2013", "\u2014", ";"))
    if not set_off and (due.strength < 2 or not addressed):
        # "Sam — the Q3 deck by Friday" hands it to Sam; "The office closes before Christmas
        # Eve" (no one addressed, no comma) is news.
        return False
    praise = _PRAISE.match(phrase) or _PRAISE.match(_strip_addressing(plain, names))
    if addressed and set_off and _FIRM_AFTER.search(rest) and not praise:
        # "Dev — load test results, Wednesday noon at the latest": a limit said to someone
        # makes a noun phrase without its article a deliverable too (not "great job, ...").
        bare = True
    if (
        addressed
        and not praise
        and not _CLAUSE_WORDS.intersection(phrase.lower().split())
        and not SHARED_ASK.match(phrase)
        and not TALK_VERBS.search(phrase)
    ):
        # "Grace — Q4 headcount plan, Friday EOD", "Nina: Schichtplan KW 43 bis morgen":
        # said to someone by name, a thing and its deadline ask even without an article
        # (terse mail drops it); a subject pronoun or a conjunction makes it a clause.
        bare = True
    if _STATE_LAST.search(phrase.rstrip(" ,:;-\u2013\u2014")) or _UNTIL.match(due.text):
        # "Sam, the parking garage closed until Friday", "Sam, die Kantine zu bis Freitag":
        # a state, and how long it lasts, not a thing to deliver.
        return False
    if _OBJECT_ARTICLE.search(phrase):
        # "Sam, the payroll team fixes the overtime by Friday": a verb and its object.
        return False
    return _is_deliverable(phrase, due, bare=bare)


# A participle closing the phrase says a state ("parking garage closed until Friday",
# "Kantine geschlossen", "bureau fermé", "oficina cerrada"): news, not a thing to deliver.
# A predicate of state closes it too ("zu", "out of service", "en panne", "fuera de servicio").
_STATE_LAST = re.compile(
    # Only lower-case German participles: "Geschäftsbericht" is a noun. French and Spanish
    # participles are named, as "le relevé" and "el pedido" are things.
    r"(?:\w{2,}(?<!e)ed|(?-i:\bge[a-zäöüß]{2,}(?:t|en))|\b(?:cerrad[oa]s?"
    r"|zu|offen|auf|aus|weg|kaputt|defekt|gesperrt|down|offline|open|shut|out\s+of\s+\w+"
    r"|au[ßs]er\s+\w+|en\s+panne|hors\s+(?:service|ligne)|ferm[ée]e?s?|ouverte?s?"
    r"|fuera\s+de\s+\w+|abiert[oa]s?|averiad[oa]s?|en\s+obras|in\s+service))$",
    re.IGNORECASE,
)
# A limit that says how long something lasts, not by when it is due ("until Friday").
_UNTIL = re.compile(r"(?:until|till|jusqu['\u2019]|hasta)\b", re.IGNORECASE)
# An article inside a phrase after a word that is no preposition or conjunction: a verb and
# its object ("l'équipe traite le dossier"), so a clause; in a noun phrase an article
# follows a preposition ("Zählliste für die Inventur", "budget for the offsite").
_OBJECT_ARTICLE = re.compile(
    r"(?<=[^\W\d_])\s+(?<!\bfor\s)(?<!\bof\s)(?<!\bfrom\s)(?<!\babout\s)(?<!\bon\s)"
    r"(?<!\bwith\s)(?<!\bto\s)(?<!\bin\s)(?<!\bat\s)(?<!\bby\s)(?<!\band\s)(?<!\bor\s)"
    r"(?<!\bfür\s)(?<!\bzum\s)(?<!\bvon\s)(?<!\bmit\s)(?<!\bbei\s)(?<!\bauf\s)(?<!\bnach\s)"
    r"(?<!\bund\s)(?<!\boder\s)(?<!\bpour\s)(?<!\bde\s)(?<!\bsur\s)(?<!\bavec\s)(?<!\bdans\s)"
    r"(?<!\bpar\s)(?<!\bet\s)(?<!\bou\s)(?<!\bpara\s)(?<!\bsobre\s)(?<!\bcon\s)(?<!\ben\s)"
    r"(?<!\bpor\s)(?<!\by\s)(?<!\bo\s)(?<!\ba\s)(?<!\bdu\s)(?<!\bdes\s)"
    r"(?:the|a|an|der|die|das|den|dem|le|la|les|un|une|el|los|las|una)\b",
    re.IGNORECASE,
)
# Words that make a phrase a clause rather than a bare noun phrase: subject pronouns,
# conjunctions, negation, auxiliaries and modals, in the four languages.
_CLAUSE_WORDS = frozenset(
    re.findall(
        r"\S+",
        "i we you he she they it i'm we're you're it's there if when because but not no never"
        " is are was were will would can could should must may might has have had do does did"
        " ich wir du er sie es ihr man wenn weil aber nicht kein keine nie"
        " ist sind war waren wird werden hat haben muss müssen kann können soll sollen"
        " je j' nous tu il elle on vous ils elles si quand parce mais ne pas jamais"
        " est sont était va vont doit doivent peut peuvent ont sera seront"
        " yo nosotros tú él ella ellos ellas usted ustedes cuando porque pero nunca"
        " son está están van debe deben puede pueden tiene tienen hay han será",
    )
)


_TAKE_ON = re.compile(TAKE_ON + r"\b", re.IGNORECASE)
# Words of praise, thanks or greeting that open a phrase about no deliverable.
_PRAISE = re.compile(
    r"(?:great|good|nice|well|congrats|congratulations|thanks|thank|happy|welcome|amazing"
    r"|excellent|brilliant|super|bravo|toll|gut|danke|gl[üu]ckwunsch|merci|bien|f[ée]licitations"
    r"|bon|bonne|gracias|buen|buena|enhorabuena|felicidades|genial"
    # Wishes: "schönes Wochenende", "frohe Feiertage", "joyeuses fêtes", "feliz Navidad".
    r"|sch[öo]ne[nsmr]?|frohe[nsmr]?|erholsame[nsmr]?|joyeux|joyeuses|feliz|felices)\b",
    re.IGNORECASE,
)
# Words after a date that make it a limit ("at the latest", "spätestens", "sin falta").
_FIRM_AFTER = re.compile(
    r"\b(?:at\s+the\s+latest|latest|without\s+fail|sp[äa]testens|unbedingt|au\s+plus\s+tard"
    r"|imp[ée]rativement|sans\s+faute|a\s+m[áa]s\s+tardar|como\s+(?:muy\s+)?tarde|sin\s+falta)\b",
    re.IGNORECASE,
)


def is_unhurried_ask(sentence: str, names: list[str]) -> bool:
    """Tell whether a bare deliverable is asked for without a date.

    "Alex, the NDA redlines, when you can": the same noun phrase as a deliverable with its
    deadline (see :func:`is_statement_ask`), addressed to a recipient, with an unhurried time
    instead of a date: an ask whose due date is missing.

    Args:
        sentence: one sentence.
        names: the recipients' first names, lower-cased.

    Returns:
        True for such an ask.
    """
    plain = without_courtesy(sentence).strip()
    if len(plain.split()) > _MAX_STATEMENT_WORDS:
        return False
    body = _LEADING_FILLER.sub("", _strip_addressing(plain, names))
    if body == plain or reports_someone_else(body):
        return False
    body = _LABEL.sub("", body, count=1)
    timing = _UNHURRIED.search(body)
    if timing is None or not _AFTER_DEADLINE.fullmatch(body[timing.end() :]):
        return False
    phrase = body[: timing.start()]
    return len(phrase.split()) <= _MAX_PHRASE_WORDS and _is_deliverable(phrase, None)


def _is_deliverable(phrase: str, due: DueParse | None, *, bare: bool = False) -> bool:
    """A short noun phrase naming a thing to deliver, not an occasion or a statement."""
    phrase = phrase.rstrip(" ,:;-\u2013\u2014")
    if due is not None and _DUE_WORD.match(due.text):
        # "the renewal proposal is due on the 9th": the copula belongs to "due".
        phrase = _TRAILING_COPULA.sub("", phrase)
    head = _HEAD_END.split(phrase, maxsplit=1)[0]
    if FINITE_VERBS.search(phrase) or EVENT_NOUNS.search(head) or _BOILERPLATE.search(phrase):
        return False
    return bool(_DELIVERABLE.fullmatch(phrase) or (bare and _BARE_DELIVERABLE.fullmatch(phrase)))


_MAX_STATEMENT_WORDS = 30
# An imperative, then "and" with a work verb on a thing: "go with option B and get the form
# back". The first word is lower-case and no pronoun, article or courtesy, so "we met and
# reviewed" or "thanks and send my best" do not start one.
_COORDINATED = re.compile(
    r"^(?!(?:i|we|you|they|he|she|it|the|a|an|this|that|there|here|thanks|thank|great|good"
    r"|nice|well|so|and|but|or|just|also|still|all|both|everyone|nobody|not|no|yes|ok|okay"
    r"|sorry|happy|hope|glad|welcome|congrats|congratulations|enjoy|have|take|let|don't|do"
    r"|did|was|were|is|are|will|would|could|should|can|may|might)\b)"
    r"(?-i:[a-z]+)\s[^.?!;]{0,60}?\band\s+(?:then\s+)?(?P<work>(?:" + _WORK_VERBS + r")\s+"
    r"(?:the|a|an|your|our|this|that|these|those|it|them|all|back)\b.*)$",
    re.IGNORECASE,
)
# A German infinitive closing its clause ("... bis Freitag klären, sonst ...").
_INFINITIVE_LAST = re.compile(r"\s+(?-i:[a-zäöüß]{2,}(?:en|ern|eln))(?=\s*(?:[,.;!]|$))")
_GERMAN_THING = re.compile(r"(?:der|die|das|den|dem|unser\w*|eur\w*)\s+\w", re.IGNORECASE)
_TRAILING_CUE = re.compile(
    r"(?<=[\s,:;\u2013\u2014-])(?:at\s+the\s+latest|no\s+later\s+than|a\s+m[áa]s\s+tardar"
    r"|como\s+(?:muy\s+)?tarde|sp[äa]testens|au\s+plus\s+tard|d['\u2019]ici|hasta|para)\s*$",
    re.IGNORECASE,
)
_STRONG = 2
"""A deadline cue's strength ("by", "due", "bis"...), as :class:`DueParse` gives it."""
# Up to two words, then a deadline word: "Due Friday", "Plan due 18 Dec", "Deadline: ...".
_DEADLINE_LINE = re.compile(
    r"^(?:[\w-]+\s+){0,2}(?:due|deadline|by|f[äa]llig|frist|bis|[àa]\s+rendre|d['\u2019]ici"
    r"|[ée]ch[ée]ance|vence|plazo|para)\b[^.!?]{0,40}[.!]?$",
    re.IGNORECASE,
)
# A label before the thing ("kurz:", "quick one:", "rápido:"), but not one that announces
# news ("Reminder:", "FYI:", "Agenda:").
_LABEL = re.compile(
    r"^(?!(?:fyi|reminder|agenda|note|news|update|heads\s+up|info|hinweis|erinnerung|rappel"
    r"|recordatorio|aviso|nota)\b)[^\W\d_]+(?:\s+[^\W\d_]+){0,2}\s*:\s+",
    re.IGNORECASE,
)
_DUE_WORD = re.compile(r"(?:due|f[äa]llig|[àa]\s+rendre|vence|para\s+entregar)\b", re.IGNORECASE)
_TRAILING_COPULA = re.compile(r"\s+(?:is|are|ist|sind|est|sont|es|son)$", re.IGNORECASE)
# Where a noun phrase's head ends: the first preposition ("the budget | for the offsite").
_HEAD_END = re.compile(
    r"\s(?:for|of|from|about|on|with|to|für|fürs|zum|zur|vom|von|über|pour|de|du|des|sur"
    r"|para|del|sobre|con)\s",
    re.IGNORECASE,
)
_BARE_DELIVERABLE = re.compile(r"[\w'\u2019&/-]+(?:\s+[\w'\u2019&/-]+){0,7}")
# Time given without a date: "when you can", "whenever", "asap", "wenn du dazu kommst".
_UNHURRIED = re.compile(
    # Only from the start of a run of separators, so a long run is not tried at each place.
    r"(?<![\s,;:\u2013\u2014-])[\s,;:\u2013\u2014-]+(?:when(?:ever)?\s+you\s+(?:can|get\s+(?:a\s+)?(?:chance|moment"
    r"|minute)|have\s+(?:a\s+)?(?:moment|minute|time))|whenever|at\s+your\s+convenience|asap"
    r"|as\s+soon\s+as\s+(?:possible|you\s+can)|no\s+rush|when\s+possible"
    r"|wenn\s+du\s+(?:kannst|zeit\s+hast|dazu\s+kommst)|sobald\s+(?:du\s+kannst|m[öo]glich)"
    r"|d[èe]s\s+que\s+(?:possible|tu\s+peux)|quand\s+tu\s+(?:peux|as\s+le\s+temps)"
    r"|cuando\s+puedas|lo\s+antes\s+posible|en\s+cuanto\s+puedas)\b",
    re.IGNORECASE,
)


def _is_shared_ask(body: str, due: DueParse) -> bool:
    """Tell whether "let's" ("lass uns", "faisons", "vamos a") asks for a thing by a deadline.

    Only a strong deadline ("by Tuesday", "bis Dienstag") counts, the verb must not plan a
    meeting or a talk ("let's meet before Friday"), and a determiner must name the work
    within the next few words ("... get the write-up done").
    """
    shared = SHARED_ASK.match(body)
    if shared is None or due.strength < 2:
        return False
    rest = body[shared.end() :]
    if SOCIAL_VERBS.match(rest) or TALK_VERBS.search(rest) or EVENT_NOUNS.search(rest):
        return False
    # The work must be named outside the date: in "vamos a cenar el viernes" the article
    # belongs to the day, and nothing is named.
    at = rest.lower().find(due.text.lower()) if due.text else -1
    work = rest[:at] if at >= 0 else rest
    return bool(_WORK_NAMED.match(work))


def _proposes_date(body: str, due: DueParse) -> bool:
    """Tell whether the sentence settles a date for a thing.

    "Let's say Wednesday 13 Jan at 11:00 for the first draft"; "Sagen wir Freitag für den
    Entwurf": any date counts (the sentence itself makes it the deadline).
    """
    work = _proposed_work(body, due.text)
    return bool(work) and _is_deliverable(work, None)


def _proposed_work(body: str, due_text: str) -> str:
    """The thing a date proposal is for ("the first draft"), or ""."""
    proposal = _DATE_PROPOSAL.match(body)
    if proposal is None or not due_text:
        return ""
    rest = body[proposal.end() :]
    if not rest.lower().startswith(due_text.lower()):
        return ""
    thing = _FOR_THING.fullmatch(rest[len(due_text) :])
    return thing["thing"] if thing is not None else ""


_DATE_PROPOSAL = re.compile(
    r"^(?:let['\u2019]?s\s+say|say|shall\s+we\s+say|sagen\s+wir|disons|digamos)\s+",
    re.IGNORECASE,
)
# "for the first draft, Sam.": the thing, then perhaps the name of the one it is for.
_FOR_THING = re.compile(
    r"[\s,]*(?:for|für|pour|para)\s+(?P<thing>[^,.!?;]{1,80}?)"
    r"(?:\s*,\s*[A-Z][\w'-]*)?[\s.!]*",
)


# Up to three words, then a determiner: "get the", "en sorte que le", "dejar cerrado el".
_WORK_NAMED = re.compile(
    r"(?:[\w'\u2019-]+\s+){0,3}(?:the|our|your|a|an|this|that|der|die|das|den|dem|unser\w*"
    r"|le|la|les|l['\u2019]|notre|nos|el|los|las|un|una|nuestr[oa]s?)\b",
    re.IGNORECASE,
)
_MAX_PHRASE_WORDS = 8
# What may follow the date in such a sentence ("Fri 4 Dec latest", "Thursday COB, thanks").
_AFTER_DEADLINE = re.compile(
    r"(?:[\s,;.!?]*(?:at\s+the\s+latest|latest|sharp|please|pls|if\s+possible|thanks"
    r"|thank\s+you|sp[äa]testens|au\s+plus\s+tard|a\s+m[áa]s\s+tardar|como\s+(?:muy\s+)?tarde"
    r"|dernier\s+d[ée]lai|bitte|merci|gracias|por\s+favor|please"
    # Adverbs that make the deadline firm: "impérativement", "sin falta", "without fail".
    r"|without\s+fail|no\s+excuses|imp[ée]rativement|sans\s+faute|sin\s+falta"
    r"|unbedingt|auf\s+jeden\s+fall|obligatoirement|s[íi]\s+o\s+s[íi]))*"
    r"[\s,;.!?]*"
    # A clause saying what happens otherwise ("…, sonst ist der Rabatt weg") adds a reason,
    # not another statement.
    r"(?:(?<=[,;\u2013\u2014-])\s*(?:otherwise|or\s+else|sonst|ansonsten|sinon|autrement"
    r"|si\s+no|de\s+lo\s+contrario)\b[^.!?]*[.!]?\s*)?",
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
    *,
    dated: Callable[[str], DueParse | None] | None = None,
) -> Ask | None:
    """Return the first ask among the lines.

    Args:
        lines: content lines (greeting and sign-off removed).
        names: the recipients' first names, lower-cased.
        deadline: reads the deadline a sentence sets (``None``: none); when given, a statement
            that hands over work with a deadline (see :func:`is_statement_ask`) is an ask too.
        dated: reads any date a fragment names, cue or not; when given, a delegation followed
            by a verbless dated fragment ("Grace owns this. Revised quote Friday 13 Aug.") is
            an ask too (see :func:`handover_deadline`).

    Returns:
        The ask, or ``None`` when the text requests nothing.
    """
    found = sentences(lines)
    for index, sentence in enumerate(found):
        if not readable(sentence):
            continue
        if is_ask(sentence, names):
            return Ask(sentence=sentence)
        if deadline is None or not _could_be_statement(sentence, names):
            continue
        due = deadline(without_courtesy(sentence))
        if due is None and dated is not None and _awaits_act(sentence, names):
            # "Sam, the statements need your sign-off next Monday": the wait sets the deadline.
            due = dated(without_courtesy(sentence))
        if due is None and dated is not None and _FIRM_AFTER.search(sentence):
            # "Priya, the budget Thursday without fail": a word of limit after the date
            # makes it a deadline, as a cue word before it would.
            due = dated(without_courtesy(sentence))
        if due is not None and is_statement_ask(sentence, names, due):
            return Ask(sentence=sentence, statement=True)
        if due is None and is_unhurried_ask(sentence, names):
            return Ask(sentence=sentence, statement=True)
        following = found[index + 1] if index + 1 < len(found) else ""
        if due is None and _is_deadline_line(following, deadline):
            # "Sam owns the cut-over plan. Plan due 18 Dec.": the deadline has a sentence of
            # its own, right after the delegation.
            body = _LEADING_FILLER.sub("", _strip_addressing(sentence.strip(), names))
            if delegation(body) is not None:
                return Ask(sentence=sentence, statement=True)
        if due is None and dated is not None:
            body = _LEADING_FILLER.sub("", _strip_addressing(sentence.strip(), names))
            if (
                delegation(body) is not None
                and not is_ask(following, names)
                and handover_deadline(body, following, dated)
            ):
                # The fragment is no ask of its own ("Omar, please finish it by Friday" is
                # read as the next sentence, with its own addressee).
                return Ask(sentence=sentence, statement=True, deadline=following)
        if due is None and _obligation_dated_after(sentence, following, names, deadline):
            return Ask(sentence=sentence, statement=True, deadline=following)
    return None


def _obligation_dated_after(
    sentence: str, following: str, names: list[str], deadline: Callable[[str], DueParse | None]
) -> bool:
    """An obligation said to someone whose firm deadline is the next sentence's.

    "Omar, hay que renovar el seguro. Déjalo listo para el viernes." and "Sam, the onboarding
    guide needs to be updated. Due Friday.": the work is named first, its deadline follows
    (often on a pronoun for it), with no one else addressed.
    """
    plain = without_courtesy(sentence).strip()
    body = _LEADING_FILLER.sub("", _strip_addressing(plain, names))
    if body == plain or obligation(body) is None or TALK_VERBS.search(obligation_work(body)):
        return False
    if not following or addressees(following):
        return False
    due = deadline(without_courtesy(following))
    return due is not None and due.strength >= _STRONG


def find_team_handover(
    lines: list[str],
    names: list[str],
    deadline: Callable[[str], DueParse | None],
    *,
    duty_only: bool = False,
) -> Ask | None:
    """The first sentence that hands work to a team with a firm deadline, if any.

    "FW: ... The facilities team will sort this out by Friday": a team is no person, so the
    manager is asked who owns it. Said to a person, a team's future ("the payroll team will
    look into it") is news; a team's duty ("the data team needs to deliver the churn model
    by Friday") still needs someone to own it, so the manager is asked who. Without a firm
    deadline it is news.

    Args:
        lines: content lines.
        names: the recipients' first names, lower-cased.
        deadline: reads the deadline a sentence sets.
        duty_only: only a duty counts ("needs to", "muss", "doit", "tiene que"), as in mail
            to a person.

    Returns:
        The ask, or ``None``.
    """
    for sentence in sentences(lines):
        body = _LEADING_FILLER.sub("", _strip_addressing(without_courtesy(sentence).strip(), names))
        # "Heads up: the data team needs to deliver ...": a label before the statement.
        body = _ANY_LABEL.sub("", body, count=1)
        if not team_handover(body) or TALK_VERBS.search(body) or reports_someone_else(body):
            continue
        if duty_only and not team_duty(body):
            continue
        due = deadline(sentence)
        if due is not None and due.strength >= _STRONG:
            return Ask(sentence=sentence, statement=True)
    return None


_ANY_LABEL = re.compile(r"^[^\W\d_]+(?:\s+[^\W\d_]+){0,2}\s*:\s+")


def _awaits_act(sentence: str, names: list[str]) -> bool:
    """A thing waiting for the reader's act ("the deck needs your sign-off"), said by name."""
    plain = without_courtesy(sentence).strip()
    body = _LEADING_FILLER.sub("", _strip_addressing(plain, names))
    return body != plain and awaits_act(body)


def _is_deadline_line(sentence: str, deadline: Callable[[str], DueParse | None]) -> bool:
    """A short sentence that only sets a deadline ("Due Friday.", "Plan due 18 Dec.")."""
    if not _DEADLINE_LINE.match(sentence) or FINITE_VERBS.search(sentence):
        return False
    due = deadline(sentence)
    return due is not None and due.strength >= _STRONG


def _could_be_statement(sentence: str, names: list[str]) -> bool:
    """A cheap first look before reading dates: a delegation, or a determiner up front."""
    body = _LEADING_FILLER.sub("", _strip_addressing(sentence.strip(), names))
    if delegation(body) or SHARED_ASK.match(body) or _DATE_PROPOSAL.match(body):
        return True
    if ASSIGNEE.match(body) or obligation(body) or _COORDINATED.match(body):
        return True
    if named_duty(body, names):
        return True
    if person_label(body, names)[0] or body != sentence.strip():
        # Said to someone by name: a bare thing may follow ("Grace — Q4 plan, Friday").
        return True
    if instructs_in_second_person(body) or _YOU_DO.search(body):
        return True
    return bool(_DELIVERABLE_START.match(body) or _DELIVERABLE_START.match(_LABEL.sub("", body)))


def delegation(text: str) -> re.Match[str] | None:
    """The delegation a statement makes ("Omar is taking over the plan"), after any lead-in.

    Args:
        text: a sentence without addressing.

    Returns:
        The match (its ``name``... groups name the person), or ``None``.
    """
    stripped = text
    for _ in range(2):
        # "Désormais, c'est Omar qui ...": a time, then the cleft.
        stripped = DELEGATION_LEAD_IN.sub("", stripped, count=1)
    match = DELEGATION.match(stripped)
    if match is not None and match["inverted"] and stripped == text:
        # "Übernimmt Omar den Plan?" asks; only "Ab sofort übernimmt Omar ..." states.
        return None
    return match


def delegate_of(sentence: str, names: list[str]) -> str:
    """The person a sentence hands the work to by name, if it does.

    "Omar is taking over the rollout plan" and "ACTION: Sam to circulate the roadmap" name
    their doer; an ask addressed to people ("Sam, please ...") does not say that by itself.

    Args:
        sentence: the ask.
        names: the recipients' first names, lower-cased.

    Returns:
        The name as written ("Omar", "Grace Liu"), or "".
    """
    body = _LEADING_FILLER.sub("", _strip_addressing(without_courtesy(sentence).strip(), names))
    match = delegation(body)
    if match is not None:
        return next(match[group] for group in _NAME_GROUPS if match[group])
    duty_of = named_duty(body, names)
    if duty_of:
        return duty_of
    labelled = person_label(body, names)[0]
    if labelled:
        return labelled
    body = _REQUEST_PREFIX.sub("", body)
    assignee = ASSIGNEE.match(body)
    return assignee["name"] if assignee is not None else ""


_NAME_GROUPS = ("name", "name2", "name3", "name4", "name5", "name6", "name7")


def addressees(sentence: str) -> list[str]:
    """The names a sentence opens by addressing ("Omar, please ..." gives ["Omar"]).

    Args:
        sentence: one sentence.

    Returns:
        The names as written, or [] when the sentence addresses no one by name.
    """
    match = _ADDRESSING.match(without_courtesy(sentence).strip())
    if match is None:
        return []
    parts = re.split(r"\s*(?:,|\band\b|&)\s*", match["names"])
    return [part for part in parts if part and part.lower() not in _ADDRESSED]


def asks_to_track(sentence: str, names: list[str]) -> bool:
    """Whether an ask only asks Accord to keep track of something ("Please track this one").

    Args:
        sentence: the ask.
        names: the recipients' first names, lower-cased.

    Returns:
        True when the ask's work is "track this" and nothing more named.
    """
    core = _core_request(without_courtesy(sentence).strip(), names)
    for _ in range(3):
        core = _REQUEST_PREFIX.sub("", _LEADING_FILLER.sub("", core))
    return bool(TRACKING_ASK.match(core))


def tracked_statement(sentence: str, names: list[str]) -> tuple[str, str]:
    """The statement a "track this" ask goes on to make, and the person it names as doer.

    "Please track this one: Sam is sending the rebate figures to finance by Thursday" gives
    ("Sam is sending ...", "Sam"): the work and its doer are in the words after the colon.

    Args:
        sentence: an ask that asks Accord to keep track (see :func:`asks_to_track`).
        names: the recipients' first names, lower-cased.

    Returns:
        The statement and the doer's name as written, or ("", "") when it names no doer
        doing work.
    """
    core = _core_request(without_courtesy(sentence).strip(), names)
    for _ in range(3):
        core = _REQUEST_PREFIX.sub("", _LEADING_FILLER.sub("", core))
    tracking = TRACKING_ASK.match(core)
    if tracking is None:
        return "", ""
    stated = core[tracking.end() :].lstrip(" :,;\u2013\u2014-")
    working = _WORKING.match(stated)
    if working is None or not _IMPERATIVE.match(_working_as_imperative(working)):
        return "", ""
    return stated, working["name"]


def _working_as_imperative(working: re.Match[str]) -> str:
    """The gerund's work as an imperative ("is sending the figures" -> "send the figures")."""
    return _base_verb(working["gerund"].lower() + working.string[working.end("gerund") :])


_WORKING = re.compile(
    r"^(?P<name>" + PERSON + r")\s+(?:is|will\s+be|['\u2019]s)\s+(?P<gerund>[a-z]{3,}ing)\b"
    r"(?=\s+(?:over\s+|up\s+|out\s+)?(?:the|our|a|an|this|that|these|those|his|her|their)\b)",
)


def leaves_owner_open(sentence: str) -> bool:
    """Whether an ask leaves open which of its recipients does it ("could one of you ...").

    Args:
        sentence: the ask.

    Returns:
        True when the sender lets the recipients choose among themselves.
    """
    return bool(OPEN_ADDRESSEE.search(sentence))


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
    text = person_label(_strip_addressing(text, names), names)[1]
    if _starts_with_ask(text):
        return text
    for clause in _CLAUSE_BREAK.finditer(text):
        rest = _strip_addressing(text[clause.end() :], names)
        if _starts_with_ask(rest):
            return rest
    request = _REQUEST_ANYWHERE.search(text)
    return text[request.start() :] if request and request.start() > 0 else text


def title_from(
    sentence: str, *, due_text: str, subject: str, names: list[str], before: str = ""
) -> str:
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
        before: the sentence before the ask; the thing it names is what a pronoun right
            after the ask's verb means ("Omar takes the audit file. Omar, have it done by
            Friday" -> "Have the audit file done").

    Returns:
        The title (at most :data:`TITLE_MAX_CHARS` characters), or "" when none is readable.
    """
    if before and _TAKE_ON.match(_strip_addressing(sentence.strip(), names).lstrip("¿¡ ")):
        # "Il faut renvoyer le formulaire avant vendredi. Tu t'en occupes ?": the work is
        # what the sentence before names.
        return title_from(before, due_text=due_text, subject=subject, names=names)
    if hands_over_nothing_named(_strip_addressing(sentence.strip(), names)):
        # "The rota needs updating by Friday. Omar, that's with you": the work is what the
        # sentence before names, or else what the subject says.
        if before:
            return title_from(before, due_text=due_text, subject=subject, names=names)
        return _shorten(_capitalise(clean_subject(subject)), TITLE_MAX_CHARS)
    text = without_courtesy(sentence).strip()
    proposed = _proposed_work(_LEADING_FILLER.sub("", _strip_addressing(text, names)), due_text)
    if proposed:
        # "Let's say Wednesday at 11:00 for the first draft" with subject "Vendor review":
        # "First draft: Vendor review".
        named = _DELIVERABLE_START.sub(lambda found: found[0][-1], proposed, count=1)
        topic = clean_subject(subject)
        return _shorten(_capitalise(f"{named}: {topic}" if topic else named), TITLE_MAX_CHARS)
    if due_text:
        text = re.sub(re.escape(due_text), " ", text, flags=re.IGNORECASE)
    text = _UNHURRIED.sub(" ", text).lstrip("¿¡ ")
    # "Die Zählliste brauche ich", "Vous me préparez l'inventaire ?": the work of the form.
    spoken = _strip_addressing(" ".join(text.split()), names)
    if work_of_form(spoken) != spoken:
        text = work_of_form(spoken).lstrip("¿¡ ")
    # "¿me preparas la tabla?" -> "preparar la tabla": the second person of an -ar verb.
    text = _SECOND_PERSON_AR.sub(r"\g<stem>ar", text)
    worked = _delegated_work(" ".join(text.split()), names)
    # A thing named without a verb ("die Kostenaufstellung, Donnerstag") may be one word.
    thing = worked != " ".join(text.split())
    text = _core_request(worked, names)
    for _ in range(6):
        shorter = _REQUEST_PREFIX.sub("", _LEADING_FILLER.sub("", text))
        shorter = _strip_addressing(shorter, names).lstrip("¿¡ ")
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
    if not _LEADING_FILLER.sub("", topic + " ").strip():
        # A subject of filler words ("Quick one", "Kurze Frage") names no work.
        topic = ""
    words = text.lower().split()
    referent = _referent(before)
    if len(words) >= 3 and words[1] in _OBJECT_PRONOUNS and (topic or referent):
        # "Clear it and post the all-clear" with subject "Status page": say what "it" is,
        # as the sentence before names it, or else as the subject does.
        first, _, rest = text.partition(" ")
        named = (referent[0].lower() + referent[1:]) if referent else _topic_phrase(topic)
        rest = rest.partition(" ")[2]
        if rest.lower() == "one" or rest.lower().startswith("one "):
            # "Can you own that one?": "one" stands for the thing too.
            rest = rest[4:]
        text = f"{first} {named} {rest}".strip()
    elif _VAGUE_END.search(text) and len(words) > 1:
        text = (_VAGUE_END.sub("", text).rstrip() + " " + _topic_phrase(topic)) if topic else ""
    elif (
        words
        and all(word in _VAGUE_WORDS | _DONE_WORDS for word in words[1:])
        and len(words) <= 4
        and not (thing and len(words) == 1 and words[0] not in _VAGUE_WORDS)
    ):
        # "Take this one", "Pick this up": the subject says what "this" is (a thing named
        # in one word, "Quartalsbericht", needs no help).
        text = f"{text}: {topic}" if topic else ""
    if len(text.split()) < 2 and not (thing and text):
        text = topic if len(topic.split()) >= 2 else ""
    if names_by_stand_in(text) and not _OBJECT_PRONOUNS.intersection(text.lower().split()[1:2]):
        # "T'en charger", "Übernimm das", "Subirla": the subject says what the pronoun is.
        text = with_thing(text, topic)
    return _shorten(_capitalise(text), TITLE_MAX_CHARS)


# The thing a sentence names after its verb: a determiner, then up to six words, ending at a
# particle, a preposition of time or place, a conjunction or punctuation.
_REFERENT = re.compile(
    r"\b(?:the|this|that|these|those|our|your)\s+(?:[\w'\u2019-]+\s+){0,5}?[\w'\u2019-]+"
    r"(?=\s+(?:off|from|to|for|by|on|at|with|over|before|after|until|and|so|because|this|next"
    r"|today|tomorrow)\b|\s*[,.;:!?]|\s*$)",
    re.IGNORECASE,
)

_NEEDS = re.compile(r"\b(?:needs?|wants?|takes?|goes|runs?)\b", re.IGNORECASE)


def _referent(sentence: str) -> str:
    """The thing a sentence names with a definite determiner, or "".

    Its object first ("Omar takes the audit file"), else its subject ("The on-call rota for
    the holidays needs to be agreed"); "a new owner" names no particular thing.
    """
    opening = _REFERENT.match(sentence.strip())
    needs = _NEEDS.search(opening[0]) if opening else None
    if opening and needs:
        # "The inspection certificates need to be uploaded to the portal": the subject of
        # a duty is the thing, up to its verb (the portal is only where it goes).
        subject = opening[0][: needs.start()].rstrip()
        if len(subject.split()) > 1 and not FINITE_VERBS.search(subject):
            return subject
    found = [
        match
        for match in _REFERENT.finditer(sentence)
        if not FINITE_VERBS.search(match[0])
        and not _NEEDS.search(match[0])
        and not match[0].lower().endswith("ed")
    ]
    objects = [match for match in found if sentence[: match.start()].strip()]
    chosen = (objects or found)[:1]
    return chosen[0][0] if chosen else ""


def _delegated_work(text: str, names: list[str]) -> str:
    """The work a delegation or a bare deliverable names, as a title would say it.

    "Omar is taking over the rollout plan" gives "take over the rollout plan"; a bare
    deliverable ("the vendor shortlist") loses its article.
    """
    body = _LEADING_FILLER.sub("", _strip_addressing(text, names))
    match = delegation(body)
    if match is not None:
        rest = match.string[match.end() :]
        # "owns the plan, Priya is reviewing it": the work ends where another clause starts.
        rest = _NEXT_CLAUSE.split(rest, maxsplit=1)[0]
        if match["gerund"]:
            return _base_verb(match["gerund"].lower() + rest)
        if match["verb"]:
            return match["verb"].lower() + rest
        if match["present"]:
            present = " ".join(match["present"].lower().split())
            return _PRESENT_AS_IMPERATIVE.get(present, "own") + rest
        if match["handed"]:
            # "Passing this to Dev, he'll own the evidence" -> "own the evidence"
            handed = _HANDED_WORK.sub("", rest, count=1)
            return handed if _IMPERATIVE.match(handed) else text
        if match["inverted_es"]:
            return _foreign_infinitive(f"{match['inverted_es']} {match['preposition']}", rest)
        if match["inverted"]:
            verb = match["inverted"] + (" um" if match[0].rstrip().endswith(" um") else "")
            return _foreign_infinitive(verb, rest)
        return _foreign_infinitive(match["foreign"], rest)
    coordinated = None
    if not _IMPERATIVE.match(body) and not _REQUEST_CUE.search(body):
        # Only for the statement form: a plain ask keeps both of its verbs.
        coordinated = _COORDINATED.match(body)
    work = (
        obligation_work(body)
        or team_handover(_ANY_LABEL.sub("", body, count=1))
        or (coordinated and coordinated["work"])
    )
    if work:
        # "the staging database needs to be refreshed" -> "refresh the staging database"
        return work
    working = _WORKING.match(body)
    if working is not None and _IMPERATIVE.match(_working_as_imperative(working)):
        # A doer named in a tracked statement: "Sam is sending the figures" -> "send ...".
        return _working_as_imperative(working)
    action = _REQUEST_PREFIX.sub("", body)
    assignee = ASSIGNEE.match(action)
    if assignee is not None and assignee["name"].split()[0].lower() in names:
        # "ACTION: Sam to circulate the roadmap": the work is what follows "to".
        return action[assignee.end() :]
    body = _LABEL.sub("", body, count=1) if body != text else body
    shared = SHARED_ASK.match(body)
    if shared is not None and not _IMPERATIVE.match(body):
        # "Lass uns das Protokoll fertig machen" -> "das Protokoll fertig machen"
        return body[shared.end() :]
    if not _REQUEST_CUE.search(body) and not _IMPERATIVE.match(body):
        article = _DELIVERABLE_START.match(body)
        if article is not None:
            # "the renewal proposal is (due on the 9th)" -> "renewal proposal"
            thing = body[article.end() - 1 :]
            last = _INFINITIVE_LAST.search(thing)
            if last is not None and _GERMAN_THING.match(body[article.start() :]):
                # "Hotelliste für die Messe klären, sonst ...": the clause ends with its verb.
                thing = thing[: last.end()]
            return _TRAILING_COPULA.sub("", thing.rstrip(" ,;:.!"))
    return text


_HANDED_WORK = re.compile(
    r"^[\s,;:\u2013\u2014-]*(?:(?:he|she|they)(?:['\u2019]ll|\s+will|\s+is\s+going\s+to"
    r"|\s+are\s+going\s+to)\s+|to\s+)?",
    re.IGNORECASE,
)
_SECOND_PERSON_AR = re.compile(
    r"(?:(?<=^)|(?<=[\s,:¿]))(?:me|nos)\s+(?P<stem>[^\W\d_]{2,}?)(?:as|ás)\b(?=\s+(?:el|la|los|las|un|una|lo)\b)",
    re.IGNORECASE,
)
_NEXT_CLAUSE = re.compile(
    r"[,;]\s+(?=[A-Z][\w'-]*\s+(?:is|are|was|will|has|ist|wird|est|sera|es|está)\b)"
)
_PRESENT_AS_IMPERATIVE = {
    "is on it": "handle it",
    "is on this": "handle this",
    "is on that": "handle that",
    "owns": "own",
    "leads": "lead",
    "handles": "handle",
    "drives": "drive",
    "takes over": "take over",
    "takes on": "take on",
    "picks up": "pick up",
}


def _foreign_infinitive(verb: str, rest: str) -> str:
    """The work as an infinitive ("übernimmt den Plan" -> "den Plan übernehmen")."""
    key = " ".join(verb.lower().replace("\u2019", "'").split())
    head, _, preposition = key.rpartition(" ")
    if key not in FOREIGN_DELEGATION_VERBS and preposition in _PREPOSITIONS:
        # "se encarga del plan" -> "encargarse del plan": the preposition stays as written.
        key, rest = head, f"{preposition} {rest.strip()}"
    infinitive, last = FOREIGN_DELEGATION_VERBS.get(key, (key, False))
    rest = rest.strip()
    if last:
        clause, comma, tail = rest.partition(",")
        return f"{clause.strip()} {infinitive}{comma}{tail}"
    return f"{infinitive} {rest}"


_PREPOSITIONS = frozenset({"de", "del", "du", "des"})


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

"""Which language a request is written in: English, German, French or Spanish.

The text decides, by its share of very common words in each language; the sender's mailbox
language (``de-DE``) is only a hint, used when the text is too short or too mixed to tell.
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "de", "fr", "es")
"""The languages intake reads, English first (the default)."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COMMON_WORDS = {
    "en": _words(
        "the a an and or to of in on for by with is are be it this that you your we our i me my"
        " can could would will please need send draft get have has do does at from if as so"
        " what when who let make sure thanks thank hi hello team all next week friday monday"
        " today tomorrow tuesday wednesday thursday saturday sunday pls asap eod cob"
    ),
    "de": _words(
        "der die das den dem des ein eine einen und oder zu zum zur von mit ist sind bitte du"
        " sie ihr wir ich mich mir dich dir dein deine ihre unser kannst könntest können"
        " könnten würdest würden bis für auf nicht noch schon danke hallo liebe lieber"
        " grüße gruß bericht woche nächste morgen heute freitag montag auch wie was wann"
        " bei nach dienstag mittwoch donnerstag samstag sonntag bzw asap"
    ),
    "fr": _words(
        "le la les un une des et ou à au aux de du pour par avec est sont il elle nous vous"
        " je tu ton ta tes votre vos notre merci bonjour salut peux pouvez pourrais pourriez"
        " d'ici avant semaine prochaine demain aujourd'hui vendredi lundi s'il plaît svp"
        " que qui quand ce cette sur dans pas mardi mercredi jeudi samedi dimanche stp me te"
        " moi toi"
    ),
    "es": _words(
        "el la los las un una unos y o a al de del para por con es son está él ella nosotros"
        " usted tú te tu su nuestro gracias hola puedes podrías puede podría favor antes"
        " semana próxima mañana hoy viernes lunes que quien cuando este esta en no me lo"
        " necesito martes miércoles jueves sábado domingo porfa"
    ),
}
# Languages intake does not read, so that Dutch, Italian or Portuguese mail is not taken for
# French or Spanish because of the words they share.
_OTHER_WORDS = {
    "nl": _words(
        "de het een en van ik je jij u is zijn voor met op te dat niet maar kun kunt wil graag"
        " bedankt groetjes hoi dag morgen vandaag vrijdag maandag afronden alsjeblieft"
    ),
    "it": _words(
        "il lo la i gli le un una e di da per con è sono che non ciao grazie puoi potresti"
        " entro venerdì lunedì favore mi ti"
    ),
    "pt": _words(
        "o a os as um uma e de do da para com é são que não olá obrigado obrigada pode podes"
        " poderia até sexta-feira segunda-feira favor enviar"
    ),
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_MIN_SHARE = 0.12
_MIN_WORDS = 6
_SCAN_CHARS = 4_000


def hinted_language(locale: str) -> str:
    """The language of a mailbox locale ("de-DE" -> "de"), or "" when intake does not read it.

    Args:
        locale: a BCP 47 tag such as ``fr-FR`` or ``es``.

    Returns:
        One of :data:`LANGUAGES`, or "".
    """
    code = locale.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else ""


def language_shares(text: str) -> dict[str, float]:
    """Each language's share of the text's words that are among its very common words.

    Args:
        text: any text (only its first few thousand characters are looked at).

    Returns:
        The share per language, 0.0 for a text without words.
    """
    words = [word.lower() for word in _WORD.findall(text[:_SCAN_CHARS])]
    if not words:
        return dict.fromkeys(LANGUAGES, 0.0)
    return {
        language: sum(1 for word in words if word in common) / len(words)
        for language, common in _COMMON_WORDS.items()
    }


def detect_language(text: str, hint: str = "") -> str:
    """The language a text is written in, with the mailbox language as a tie-breaker.

    Args:
        text: the text (a sentence or a whole body).
        hint: the sender's mailbox locale (``de-DE``) or "".

    Returns:
        One of :data:`LANGUAGES`: the clearest language of the text; when the text is too
        short to tell, the hint's language, else English.
    """
    hinted = hinted_language(hint)
    shares = language_shares(text)
    word_count = len(_WORD.findall(text[:_SCAN_CHARS]))
    best = max(LANGUAGES, key=lambda language: (shares[language], language == hinted))
    if word_count < _MIN_WORDS or shares[best] < _MIN_SHARE:
        # Too little to tell: the hint decides, unless the text clearly leans elsewhere.
        if hinted and (shares[hinted] >= shares[best] or shares[best] == 0.0):
            return hinted
        return best if shares[best] > 0.0 else (hinted or "en")
    if hinted and shares[hinted] >= shares[best] - 0.02:
        return hinted
    return best


def is_read_language(text: str) -> bool:
    """Whether a text is in a language intake reads, or too short to tell.

    Args:
        text: any text.

    Returns:
        True when the language it looks most like is English, German, French or Spanish.
    """
    words = [word.lower() for word in _WORD.findall(text[:_SCAN_CHARS])]
    if len(words) < _MIN_WORDS:
        return True
    tables = {**_COMMON_WORDS, **_OTHER_WORDS}
    shares = {
        language: sum(1 for word in words if word in common) / len(words)
        for language, common in tables.items()
    }
    best = max(shares, key=lambda language: (shares[language], language in LANGUAGES))
    return best in LANGUAGES and shares[best] >= _MIN_SHARE


def looks_like(text: str, language: str) -> bool:
    """Whether a text could be in ``language``: it is, or it is too short to tell.

    Args:
        text: any text.
        language: one of :data:`LANGUAGES`.

    Returns:
        True when enough of its words are common words of that language, or it has few words.
    """
    words = _WORD.findall(text[:_SCAN_CHARS])
    if len(words) < _MIN_WORDS:
        return True
    return language_shares(text)[language] >= _MIN_SHARE

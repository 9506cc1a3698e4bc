"""More forms of asking in German, French and Spanish, by their grammar.

``ask_words`` holds the first tables (request words, imperatives, delegation); this module
adds forms that ask without those words, each built from a word class and a grammatical
frame rather than from phrases:

* the courtesy formulas of Spanish ("porfa", "favor enviar ...", "¿me haría el favor de
  ...?"), which ask as "please" does;
* the need said with the verb second ("Den Plan brauche ich bis Freitag"), as German puts a
  fronted object or time first;
* questions in the second person present with the writer as the one served ("Vous me
  préparez l'inventaire ?", "¿Me confirmas hoy las cifras?"), on a verb of work;
* questions whether a thing can be ready ("est-ce que la traduction pourrait être prête
  ...?", "¿Podría estar lista la cotización ...?", "Könnte der Plan bis Freitag fertig
  sein?"), as English "could the deck be ready by ..." asks;
* asking whether someone is free or has time for a piece of work ("Sam dispo pour valider
  la commande ?", "¿Tienes tiempo para revisar el contrato?", "Hast du Zeit, den Vertrag zu
  prüfen?"; English "are you free to ..." is in ``ask``);
* a German question opening with the second person of a verb of work ("Schickst du mir die
  Liste bis Freitag?");
* Spanish imperatives with their object pronoun attached ("déjalo listo", "envíamelo") and in
  the plural ("preparad", "preparen");
* the second person present as an instruction with a deadline ("du planst den Testlauf und
  schickst mir den Ablauf bis Freitag", "tu prépares la liste pour jeudi"; English "you
  check the invoices ..." is in ``ask``).

Each pattern repeats only within fixed bounds, never an unbounded repetition inside
another, so it runs in time linear in the sentence.
"""

from __future__ import annotations

import re

_ACCENTS = {"a": "[aá]", "e": "[eé]", "i": "[ií]", "o": "[oó]", "u": "[uúü]"}


def _any_accent(stem: str) -> str:
    """A Spanish stem that matches with or without its written accent ("envia", "envía")."""
    return "".join(_ACCENTS.get(letter, letter) for letter in stem)


# Spanish verbs of work, as the stem their forms share ("prepar-" of "preparar").
_SPANISH_AR_STEMS = (
    "prepar",
    "envi",
    "mand",
    "revis",
    "actualiz",
    "organiz",
    "termin",
    "finaliz",
    "redact",
    "dej",
    "guard",
    "confirm",
    "valid",
    "calcul",
    "entreg",
    "gestion",
    "renov",
    "program",
    "agend",
    "firm",
    "aprob",
    "complet",
    "cerr",
    "arregl",
    "cotiz",
    "solicit",
    "averigu",
    "coordin",
    "carg",
    "sub",
    "pas",
    "busc",
    "tramit",
    "reserv",
)
# The tú imperative of each stem, with the object pronoun attached ("déjalo", "envíamelo").
# The accent falls on the stem, so any vowel may carry one.
_SPANISH_TU_IMPERATIVE = (
    r"(?:"
    + "|".join(_any_accent(stem) + "a" for stem in _SPANISH_AR_STEMS)
    + r"|h[áa]z|p[óo]n|tr[áa]e|trad[úu]ce|corr[íi]ge|escr[íi]be|s[úu]be)"
)
# "déjalo", "envíamelo", "mándale"; not "déjame" alone, which opens "déjame saber si ...".
_ENCLITIC = r"(?:me|nos|te)?(?:lo|la|los|las|le|les)"
SPANISH_ENCLITIC_IMPERATIVE = r"\b" + _SPANISH_TU_IMPERATIVE + r"(?:" + _ENCLITIC + r")\b"


def _before_e(stem: str) -> str:
    """The stem as spelled before an "e" ("actualiz" -> "actualic", "entreg" -> "entregu")."""
    for end, spelled in (("gu", "gü"), ("z", "c"), ("c", "qu"), ("g", "gu")):
        if stem.endswith(end):
            return stem[: -len(end)] + spelled
    return stem


# Stems whose plural imperative is also a courtesy ("pasen un buen fin de semana").
_NOT_PLURAL = frozenset({"pas", "sub", "carg"})
# The plural imperative: vosotros ("preparad", "haced") and ustedes ("preparen", "hagan").
# For ustedes only the -en of -ar verbs, since "preparan" is the present tense.
SPANISH_PLURAL_IMPERATIVE = (
    r"(?:"
    + "|".join(_any_accent(stem) + "ad" for stem in _SPANISH_AR_STEMS if stem not in _NOT_PLURAL)
    + "|"
    + "|".join(
        _any_accent(_before_e(stem)) + "en" for stem in _SPANISH_AR_STEMS if stem not in _NOT_PLURAL
    )
    + r")|(?:hac|escrib|traduc|corrig)(?:ed|id)|hagan|traduzcan|escriban"
)
# French verbs of work, as the stem their present forms share.
FRENCH_WORK_STEMS = (
    r"(?:pr[ée]par|envo[iy]|r[ée]dig|v[ée]rifi|organis|reli|finalis|termin|planifi|transm"
    r"|valid|confirm|calcul|fourni|rend|boucl|compl[èée]t|corrig|relanc|compil|chiffr|mont"
    r"|[ée]cri|tradui|r[ée]cup[èée]r|rassembl|consolid|dress|remont|sign|mett|met|command"
    r"|r[ée]serv|factur|livr|trait|regroup|pass)"
)
# German verbs of work, as the stem of their second person present ("planst", "schickst").
_GERMAN_STEMS = (
    r"(?:plan|schick|send|bereit|erstell|pr[üu]f|schreib|[üu]berarbeit|aktualisier|organisier"
    r"|kl[äa]r|entwirf|liefer|stell|fass|reich|trag|erledig|kümmer|k[üu]mmer|besorg|bestell"
    r"|buch|koordinier|sammel|samml|[üu]bernimm|mach|fertig|check|kontrollier|aktualisier"
    r"|[üu]bersetz|berechn|rechn|unterschreib|zeichn|pfleg|setz|leg|hol|beantrag|verschick)"
)
_QUESTION = r"(?=[^.!?\n]{0,200}\?)"

FORMS_OF_ASKING = (
    # Spanish courtesy formulas that ask as "please" does: "porfa", "porfis", "porfavor",
    # "favor (de) enviar ..." opening a clause, "hazme / ¿me haría el favor de ...?".
    r"\bporf(?:a|is|avor)\b"
    r"|(?:^|(?<=[¿¡,:;])|(?<=[¿¡,:;]\s))favor\s+(?:de\s+)?[^\W\d_]+(?:ar|er|ir)(?:me|nos|lo|la|los|las)?\b"
    r"|\b(?:h[áa]z(?:me|nos)|h[áa]ga(?:me|nos)|h[áa]gan(?:me|nos)|(?:me|nos)\s+(?:har[ií]as?"
    r"|har[ií]an|haces|hace|hac[ée]s|hacen))\s+el\s+(?:gran\s+)?favor\s+de\b"
    # German need with the verb second: "Die Liste brauche ich bis Freitag", "nächsten
    # Mittwoch brauch ich ...". Only after a fronted word (a question opens with the verb),
    # and not negated ("das brauche ich nicht mehr").
    r"|(?<=[^\W\d_]\s)(?:brauch(?:e)?\s+ich|brauchen\s+wir|ben[öo]tige\s+ich"
    r"|ben[öo]tigen\s+wir)\b(?!\s+(?:nicht|nichts|kein\w*)\b)"
    r"|\bich\s+(?:brauch|ben[öo]tige)\b(?!\s+(?:nicht|nichts|kein\w*)\b)"
    # The second person present with the writer served, in a question: "Vous me préparez
    # l'inventaire ?", "Tu m'envoies le fichier ?".
    r"|\b(?:tu|vous)\s+(?:me\s+|nous\s+|m['\u2019])"
    + FRENCH_WORK_STEMS
    + r"[^\W\d_]*?(?:es|ez|is|ds|ts)\b"
    + _QUESTION
    # The same in Spanish (tú, vos and usted): "¿Me confirmas hoy las cifras?", "¿nos
    # prepara el informe?"; a few words (a time) may come before the thing.
    + r"|\b(?:me|nos)\s+(?:"
    + "|".join(_any_accent(stem) for stem in _SPANISH_AR_STEMS)
    + r")(?:as|a|[áa]s)\s+(?:[^\W\d_]+\s+){0,5}?(?:el|la|los|las|un|una|tu|tus|su|sus|lo)\b"
    + _QUESTION
    # Whether a thing can be ready: "est-ce que la traduction pourrait être prête ...?".
    + r"|\b(?:pourrai(?:t|ent)|peu(?:t|vent)|pourra(?:it|ient)?|sera(?:it|ient)?|seront)"
    r"(?:[\s-]+(?:t-)?(?:il|elle|ils|elles|ce))?\s+(?:[êe]tre\s+)?(?:pr[êe]te?s?|finie?s?"
    r"|termin[ée]e?s?|boucl[ée]e?s?|envoy[ée]e?s?|valid[ée]e?s?|sign[ée]e?s?|livr[ée]e?s?"
    r"|pr[ée]par[ée]e?s?)\b"
    + _QUESTION
    # "¿Podría estar lista la cotización ...?", "¿Estará listo el informe el lunes?".
    + r"|\b(?:podr[ií]an?|puede[n]?|estar[áa]n?|estar[ií]an?)\s+(?:estar\s+)?(?:list[oa]s?"
    r"|terminad[oa]s?|hech[oa]s?|enviad[oa]s?|firmad[oa]s?|aprobad[oa]s?|preparad[oa]s?)\b"
    + _QUESTION
    # "Könnte der Plan bis Freitag fertig sein?", "Wird die Liste bis Montag fertig?".
    + r"|\b(?:k[öo]nnte|kann|wird|w[üu]rde)\s+(?:der|die|das|dein|deine|unser|unsere)\s+"
    r"[^.!?\n]{0,80}?\b(?:fertig|erledigt|abgeschlossen|verschickt|freigegeben|unterschrieben"
    r"|bereit)\b"
    + _QUESTION
    # Free for a piece of work: "Sam dispo pour valider la commande ?", "¿Estás disponible
    # para revisar el contrato?".
    + r"|\bdispo(?:nible)?s?\s+pour\s+"
    + FRENCH_WORK_STEMS
    + r"[^\W\d_]*(?:er|ir|re)\b"
    + _QUESTION
    + r"|\bdisponibles?\s+para\s+(?:"
    + "|".join(_any_accent(stem) for stem in _SPANISH_AR_STEMS)
    + r")ar(?:me|nos|lo|la|los|las)?\b"
    + _QUESTION
    # Time for a piece of work: "Tu as le temps de relire la convention ?", "¿Tienes tiempo
    # para revisar el contrato?", "Hast du Zeit, den Vertrag bis Freitag zu prüfen?".
    + r"|\b(?:tu\s+as|as-tu|vous\s+avez|avez-vous)\s+(?:le\s+)?temps\s+(?:de\s+|d['\u2019])"
    + FRENCH_WORK_STEMS
    + r"[^\W\d_]*(?:er|ir|re)\b"
    + _QUESTION
    + r"|\b(?:tienes|tiene|ten[ée]s)\s+tiempo\s+(?:para|de)\s+(?:"
    + "|".join(_any_accent(stem) for stem in _SPANISH_AR_STEMS)
    + r")ar(?:me|nos|lo|la|los|las)?\b"
    + _QUESTION
    + r"|\bhast\s+du\s+(?:noch\s+)?zeit\b[^.!?\n]{0,80}?\bzu\s+"
    + _GERMAN_STEMS
    + r"[a-zäöüß]*en\b"
    + _QUESTION
    # A German question opening with the second person of a verb of work, about a thing or
    # for the writer: "Schickst du mir die Liste bis Freitag?", "Sam, prüfst du den Vertrag?".
    + r"|(?:^|(?<=[,:;]\s)|(?<=[¿:]))"
    + _GERMAN_STEMS
    + r"[a-zäöüß]*st\s+du\s+(?:mir|uns|bitte|noch|bis|die|den|das|dem|der|eine?n?)\b"
    + _QUESTION
    # Spanish imperatives with the object pronoun attached, anywhere in the sentence: "así
    # que déjalo listo para el viernes".
    + r"|"
    + SPANISH_ENCLITIC_IMPERATIVE
)
"""Forms that ask wherever they stand in a sentence (joined into the request cue)."""

# Verbs that make a second person present no instruction: auxiliaries and modals.
_NOT_INSTRUCTING = (
    r"(?!(?:hast|bist|warst|hattest|wirst|willst|kannst|musst|sollst|darfst|magst|wei(?:ß|ss)t"
    r"|as|es|étais|avais|avez|êtes|étiez|aviez|has|eres|estás|estas|tienes|sabes)\b)"
)
SECOND_PERSON_INSTRUCTION = re.compile(
    r"(?:^|[:;]\s*|\bund\s+|\bet\s+|\by\s+)"
    r"(?:du\s+" + _NOT_INSTRUCTING + _GERMAN_STEMS + r"[a-zäöüß]*st"
    r"|tu\s+(?:me\s+|nous\s+|m['\u2019])?" + _NOT_INSTRUCTING + FRENCH_WORK_STEMS + r"[^\W\d_]*es"
    r"|vous\s+(?:me\s+|nous\s+|m['\u2019])?" + _NOT_INSTRUCTING + FRENCH_WORK_STEMS + r"[^\W\d_]*ez"
    r"|t[úu]\s+(?:me\s+|nos\s+)?(?:"
    + "|".join(_any_accent(stem) for stem in _SPANISH_AR_STEMS)
    + r")as)\s+(?:mir\s+|uns\s+)?"
    r"(?:den|die|das|dem|der|eine?n?|deine?n?|unsere?n?|alle|le|la|les|l['\u2019]|un|une|des"
    r"|ton|ta|tes|notre|nos|el|los|las|una?|tus?)\b",
    re.IGNORECASE,
)
"""The second person present as an instruction: "du planst den Testlauf", "tu prépares la
liste", "vous me préparez l'inventaire", "tú preparas el informe". With a deadline and said
to someone, it hands them the work (as "Sam to send the deck by Friday" does)."""


def instructs_in_second_person(text: str) -> bool:
    """Tell whether a sentence tells the reader, in the present, what they will do.

    Args:
        text: a sentence without addressing.

    Returns:
        True when a clause opens with "du ...st", "tu ...es", "vous ...ez" or "tú ...as" on a
        verb of work with its object.
    """
    return SECOND_PERSON_INSTRUCTION.search(text) is not None

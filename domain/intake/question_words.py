"""The words of the question to a manager, in English, German, French and Spanish.

The question goes out in the language the manager's email was read in (``Reading.language``),
so that someone who wrote "bis Freitag" is not answered in English. Every language says the
same kind, direct things: what Accord understood, what it needs, and the one step that
completes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.intake.models import Missing


@dataclass(frozen=True)
class QuestionWords:
    """One language's sentences for the question (``{title}``, ``{owners}`` filled in)."""

    greeting: str
    intro: str
    intro_title: str
    intro_owners: str
    asks: dict[Missing, str]
    reply_with_date: str
    fresh_email: str
    nothing_sent: str
    footer: str
    your_email: str
    joiner: str


WORDS = {
    "en": QuestionWords(
        greeting="Hi {name},",
        intro="Thanks for copying me in{title}. Before I share it{owners}, I need a little more:",
        intro_title=" on \u201c{title}\u201d",
        intro_owners=" with {owners}",
        asks={
            Missing.OWNER: "who it's for: I couldn't tell who should take it on",
            Missing.DUE_DATE: "when it's due: I didn't find a date",
            Missing.DUE_IN_PAST: "when it's due: the date I found has already passed",
            Missing.DUE_AMBIGUOUS: "when it's due: the date could be read more than one way",
            Missing.TITLE: "what the ask is: I couldn't find a clear request to share",
        },
        reply_with_date=(
            'Just reply to this email with the date (for example "Friday 3pm" or '
            '"by 12 December"), and I\'ll take it from there.'
        ),
        fresh_email=(
            "The simplest way is a fresh email with the person in To, Accord in Cc, the ask "
            'and a date (for example "Could you draft the budget by Friday?").'
        ),
        nothing_sent="Nothing has been sent to anyone yet.",
        footer="You're receiving this because you copied Accord into an email.",
        your_email="your email",
        joiner=" and ",
    ),
    "de": QuestionWords(
        greeting="Hallo {name},",
        intro=(
            "Danke, dass du mich in Kopie gesetzt hast{title}. Bevor ich es{owners} "
            "weitergebe, brauche ich noch etwas:"
        ),
        intro_title=" (\u201e{title}\u201c)",
        intro_owners=" an {owners}",
        asks={
            Missing.OWNER: "für wen es ist: Ich konnte nicht erkennen, wer es übernehmen soll",
            Missing.DUE_DATE: "bis wann es fällig ist: Ich habe kein Datum gefunden",
            Missing.DUE_IN_PAST: "bis wann es fällig ist: Das gefundene Datum ist schon vorbei",
            Missing.DUE_AMBIGUOUS: (
                "bis wann es fällig ist: Das Datum lässt sich auf mehr als eine Art lesen"
            ),
            Missing.TITLE: "worum es geht: Ich habe keine klare Bitte zum Weitergeben gefunden",
        },
        reply_with_date=(
            "Antworte einfach auf diese E-Mail mit dem Datum (zum Beispiel \u201eFreitag "
            "15 Uhr\u201c oder \u201ebis 12. Dezember\u201c), den Rest übernehme ich."
        ),
        fresh_email=(
            "Am einfachsten ist eine neue E-Mail mit der Person in An, Accord in Cc, der Bitte "
            "und einem Datum (zum Beispiel \u201eKannst du bitte bis Freitag das Budget "
            "entwerfen?\u201c)."
        ),
        nothing_sent="Bisher wurde noch nichts an jemanden gesendet.",
        footer="Du erhältst diese Nachricht, weil du Accord in eine E-Mail kopiert hast.",
        your_email="deine E-Mail",
        joiner=" und ",
    ),
    "fr": QuestionWords(
        greeting="Bonjour {name},",
        intro=(
            "Merci de m'avoir mis en copie{title}. Avant de le transmettre{owners}, "
            "il me manque un petit élément :"
        ),
        intro_title=" pour \u00ab\u00a0{title}\u00a0\u00bb",
        intro_owners=" à {owners}",
        asks={
            Missing.OWNER: "à qui c'est destiné : je n'ai pas pu savoir qui doit s'en charger",
            Missing.DUE_DATE: "pour quand : je n'ai pas trouvé de date",
            Missing.DUE_IN_PAST: "pour quand : la date trouvée est déjà passée",
            Missing.DUE_AMBIGUOUS: "pour quand : la date peut se lire de plusieurs façons",
            Missing.TITLE: (
                "ce qui est demandé : je n'ai pas trouvé de demande claire à transmettre"
            ),
        },
        reply_with_date=(
            "Il suffit de répondre à cet e-mail avec la date (par exemple \u00ab\u00a0vendredi "
            "15h\u00a0\u00bb ou \u00ab\u00a0d'ici le 12 décembre\u00a0\u00bb), et je m'occupe "
            "du reste."
        ),
        fresh_email=(
            "Le plus simple : un nouvel e-mail avec la personne en À, Accord en Cc, la demande "
            "et une date (par exemple \u00ab\u00a0Pouvez-vous préparer le budget d'ici "
            "vendredi\u00a0?\u00a0\u00bb)."
        ),
        nothing_sent="Rien n'a encore été envoyé à personne.",
        footer="Vous recevez ce message parce que vous avez mis Accord en copie d'un e-mail.",
        your_email="votre e-mail",
        joiner=" et ",
    ),
    "es": QuestionWords(
        greeting="Hola {name}:",
        intro=(
            "Gracias por ponerme en copia{title}. Antes de compartirlo{owners}, "
            "necesito un poco más:"
        ),
        intro_title=" en \u00ab{title}\u00bb",
        intro_owners=" con {owners}",
        asks={
            Missing.OWNER: "para quién es: no he podido saber quién debe encargarse",
            Missing.DUE_DATE: "para cuándo es: no he encontrado una fecha",
            Missing.DUE_IN_PAST: "para cuándo es: la fecha que encontré ya pasó",
            Missing.DUE_AMBIGUOUS: "para cuándo es: la fecha se puede leer de más de una forma",
            Missing.TITLE: "qué se pide: no he encontrado una petición clara para compartir",
        },
        reply_with_date=(
            "Solo responde a este correo con la fecha (por ejemplo \u00abviernes a las "
            "15:00\u00bb o \u00abpara el 12 de diciembre\u00bb) y yo me encargo del resto."
        ),
        fresh_email=(
            "Lo más sencillo es un correo nuevo con la persona en Para, Accord en CC, la "
            "petición y una fecha (por ejemplo \u00ab¿Puedes preparar el presupuesto para el "
            "viernes?\u00bb)."
        ),
        nothing_sent="Todavía no se ha enviado nada a nadie.",
        footer="Recibes este mensaje porque pusiste a Accord en copia de un correo.",
        your_email="tu correo",
        joiner=" y ",
    ),
}


def words_for(language: str) -> QuestionWords:
    """The question's words in a language, English for any other.

    Args:
        language: ``en``, ``de``, ``fr`` or ``es`` (anything else reads as English).

    Returns:
        The sentences to use.
    """
    return WORDS.get(language, WORDS["en"])

"""Questions back to the sender in the language their email was read in (issue 18), with
the same kind words in each."""

import re

import pytest

from domain.intake.models import Mailbox, Missing, Reading
from domain.intake.question import IntakeQuestion, render_question
from domain.intake.question_words import WORDS
from domain.messages.email import email_body
from domain.models import Person
from tests.support.message_samples import BLAME_PATTERNS

MAYA = Person(email="maya@example.com", display_name="Maya Chen")


def _text(language: str, *missing: Missing) -> str:
    reading = Reading(
        missing=list(missing),
        owners=[Mailbox(address="sam@example.com", name="Sam Okafor")],
        title="Den Bericht fertigstellen",
        language=language,
    )
    question = IntakeQuestion(
        manager=MAYA,
        recipient_time_zone="Europe/Berlin",
        original_subject="Bericht",
        reading=reading,
    )
    return email_body(render_question(question)).text


@pytest.mark.parametrize(
    ("language", "greeting", "due_fix", "nothing_sent"),
    [
        ("de", "Hallo Maya Chen,", "Antworte einfach auf diese E-Mail", "Bisher wurde noch nichts"),
        ("fr", "Bonjour Maya Chen,", "Il suffit de répondre", "Rien n'a encore été envoyé"),
        ("es", "Hola Maya Chen:", "Solo responde a este correo", "Todavía no se ha enviado"),
        ("en", "Hi Maya Chen,", "Just reply to this email", "Nothing has been sent"),
    ],
)
def test_the_question_speaks_the_senders_language(
    language: str, greeting: str, due_fix: str, nothing_sent: str
) -> None:
    text = _text(language, Missing.DUE_DATE)
    assert greeting in text
    assert due_fix in text
    assert nothing_sent in text
    assert WORDS[language].asks[Missing.DUE_DATE] in text
    assert "Sam Okafor" in text


@pytest.mark.parametrize("language", sorted(WORDS))
def test_every_kind_is_asked_in_every_language(language: str) -> None:
    for missing in Missing:
        assert WORDS[language].asks[missing] in _text(language, missing)
    assert WORDS[language].fresh_email in _text(language, Missing.OWNER)


def test_an_unknown_language_is_asked_in_english() -> None:
    assert "Just reply to this email" in _text("nl", Missing.DUE_DATE)


@pytest.mark.parametrize("pattern", BLAME_PATTERNS)
def test_no_blame_words_in_any_language(pattern: str) -> None:
    for language in WORDS:
        for missing in Missing:
            assert re.search(pattern, _text(language, missing), flags=re.IGNORECASE) is None

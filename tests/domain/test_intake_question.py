"""The question to a manager whose email left something out: kind, direct, one clear fix."""

from __future__ import annotations

import re

import pytest

from domain.intake.models import Mailbox, Missing, Reading
from domain.intake.question import IntakeQuestion, render_question
from domain.messages.email import email_body
from domain.models import Person
from tests.support.message_samples import BLAME_PATTERNS

MAYA = Person(email="maya@example.com", display_name="Maya Chen")


def question(*missing: Missing, notes: list[str] | None = None) -> IntakeQuestion:
    return IntakeQuestion(
        manager=MAYA,
        recipient_time_zone="Europe/London",
        original_subject="Q1 budget <draft>",
        reading=Reading(
            missing=list(missing),
            owners=[Mailbox(address="sam@example.com", name="Sam Okafor")],
            title="Draft the Q1 budget",
            notes=notes or [],
        ),
    )


def test_a_missing_date_asks_for_a_reply_with_the_date() -> None:
    rendered = render_question(question(Missing.DUE_DATE))

    assert rendered.subject == "RE: Q1 budget <draft>"
    assert "when it's due: I didn't find a date" in email_body(rendered).text
    assert "reply to this email with the date" in email_body(rendered).text
    assert "with Sam Okafor" in email_body(rendered).text
    assert "Nothing has been sent to anyone yet." in email_body(rendered).text
    assert "Q1 budget &lt;draft&gt;" in email_body(rendered).html


def test_a_missing_owner_asks_for_a_fresh_email() -> None:
    rendered = render_question(question(Missing.OWNER, Missing.DUE_IN_PAST))

    assert "who it's for" in email_body(rendered).text
    assert "has already passed" in email_body(rendered).text
    assert "a fresh email with the person in To" in email_body(rendered).text


@pytest.mark.parametrize("pattern", BLAME_PATTERNS)
def test_no_blame_words(pattern: str) -> None:
    for missing in Missing:
        rendered = render_question(
            question(missing, notes=["The date 3/4 could be read two ways."])
        )
        for part in (rendered.subject, email_body(rendered).text, email_body(rendered).html):
            assert re.search(pattern, part, flags=re.IGNORECASE) is None, (missing, pattern)

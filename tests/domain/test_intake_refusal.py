"""The reply to a sender who may not set the owner an expectation: kind, and names who can."""

from __future__ import annotations

from domain.intake.refusal import IntakeRefusal, render_refusal
from domain.messages.email import email_body
from domain.models import Person

JUN = Person(email="jun.park@northwind.example", display_name="Jun Park")
SAM = Person(email="sam.okafor@northwind.example", display_name="Sam Okafor")
MAYA = Person(email="maya.chen@northwind.example", display_name="Maya Chen")


def test_the_reply_names_the_owners_manager_and_starts_nothing() -> None:
    rendered = render_refusal(
        IntakeRefusal(
            sender=JUN,
            recipient_time_zone="Europe/Berlin",
            original_subject="RE: Q1 budget",
            owner=SAM,
            owner_manager=MAYA,
        )
    )
    text = email_body(rendered).text

    assert rendered.subject == "RE: Q1 budget"
    assert "Hi Jun" in text
    assert "Maya Chen, Sam Okafor's manager, can set this one" in text
    assert "Nothing has been sent to anyone." in text
    assert "http" not in text  # no links: there is nothing to act on


def test_without_a_manager_in_the_directory_it_says_who_in_general() -> None:
    rendered = render_refusal(
        IntakeRefusal(sender=JUN, recipient_time_zone="UTC", original_subject="", owner=SAM)
    )
    text = email_body(rendered).text

    assert rendered.subject == "RE: your email"
    assert "Anyone above Sam Okafor in the organisation can set this one" in text

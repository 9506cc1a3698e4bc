import re
from pathlib import Path

import pytest
from pydantic import ValidationError

import domain.messages.rendering
from domain.agenda import AGENDA_TEMPLATE, OFFER_TEMPLATE
from domain.intake.question import INTAKE_QUESTION
from domain.intake.refusal import INTAKE_REFUSAL
from domain.messages.email import EmailBody, email_body
from domain.messages.intake_no_request import (
    INTAKE_NO_REQUEST,
    IntakeNoRequest,
    render_no_request,
)
from domain.messages.kinds import (
    CONTEXT_TYPES,
    DigestContext,
    ExpectationContext,
    ManagerHeadsUpContext,
    MessageContext,
    MessageKind,
    ReleasedContext,
    RevisionProposedContext,
)
from domain.messages.rendering import TEMPLATE_SUFFIX, TEMPLATES, render_message
from domain.models import (
    Actor,
    CheckInAnswer,
    Person,
)
from tests.support.message_samples import (
    BLAME_PATTERNS,
    LINK,
    MANAGER_ZONE,
    OWNER_ZONE,
    SAMPLES,
    commitment,
    proposal,
)


def email(kind: MessageKind, context: MessageContext | DigestContext) -> EmailBody:
    return email_body(render_message(kind, context))


def render_all(title: str = "Quarterly revenue report") -> list[tuple[MessageKind, str, str, str]]:
    rendered = []
    for kind, build in SAMPLES.items():
        message = render_message(kind, build(commitment(title)))
        body = email_body(message)
        rendered.append((kind, message.subject, body.html, body.text))
    return rendered


def test_samples_cover_every_kind() -> None:
    assert set(SAMPLES) == set(MessageKind) == set(CONTEXT_TYPES)


def test_one_template_per_kind() -> None:
    # Each message has exactly one template (both channels render from it); the rest of the
    # folder is shared parts, named with a leading underscore.
    templates = sorted(path.name for path in TEMPLATES.iterdir())
    messages = [name for name in templates if not name.startswith("_")]
    names = [*MessageKind, INTAKE_QUESTION, INTAKE_REFUSAL, INTAKE_NO_REQUEST]
    names += [AGENDA_TEMPLATE, OFFER_TEMPLATE]
    expected = sorted(f"{name}{TEMPLATE_SUFFIX}" for name in names)
    assert messages == expected
    assert all(name.endswith(TEMPLATE_SUFFIX) for name in templates)
    assert Path(domain.messages.rendering.__file__).with_name("templates") == TEMPLATES


def test_every_kind_renders_a_subject_html_and_text() -> None:
    for kind, subject, html, text in render_all():
        assert subject.strip(), kind
        assert "\n" not in subject, kind
        assert html.startswith("<!DOCTYPE html>"), kind
        assert "</html>" in html, kind
        assert text.strip(), kind
        assert not re.search(r"<[a-z/!]", text), kind
        assert "Quarterly revenue report" in subject + text, kind


@pytest.mark.parametrize("pattern", BLAME_PATTERNS)
def test_no_blame_or_shaming_words(pattern: str) -> None:
    for kind, subject, html, text in render_all():
        for part in (subject, html, text):
            match = re.search(pattern, part, flags=re.IGNORECASE)
            assert match is None, f"{kind}: {match.group(0) if match else ''!r}"


def test_html_escapes_user_content() -> None:
    title = 'Fix <script>alert("x")</script> & tidy'
    for kind, subject, html, text in render_all(title):
        assert "<script>" not in html, kind
        assert "&lt;script&gt;" in html, kind
        assert "<script>" in subject + text, kind  # plain text is not HTML


def test_html_escapes_names_and_notes() -> None:
    manager = Person(email="sam@example.com", display_name="Sam <b>Lee</b>")
    context = ManagerHeadsUpContext(
        commitment=commitment().model_copy(update={"manager": manager}),
        recipient_time_zone=MANAGER_ZONE,
        answer=CheckInAnswer.AT_RISK,
        owner_note="<img src=x onerror=alert(1)>\nsecond line",
        conversation_url=LINK + "talk",
    )
    html = email(MessageKind.MANAGER_HEADS_UP, context).html
    assert "<b>" not in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<br>" in html


def test_action_links_are_rendered_and_attribute_escaped() -> None:
    message = email(MessageKind.EXPECTATION, SAMPLES[MessageKind.EXPECTATION](commitment()))
    assert 'href="https://accord.example/act?token=abc&amp;kind=a"' in message.html
    assert "https://accord.example/act?token=abc&kind=a" in message.text


def test_times_are_in_the_recipients_zone_with_its_name() -> None:
    owner_copy = email(MessageKind.CHECK_IN, SAMPLES[MessageKind.CHECK_IN](commitment()))
    assert "Friday 27 November 2026, 09:00 (PST, America/Los_Angeles)" in owner_copy.text
    assert "Friday 27 November 2026, 09:00 (PST, America/Los_Angeles)" in owner_copy.html
    manager_copy = email(
        MessageKind.ABSENCE_NOTICE, SAMPLES[MessageKind.ABSENCE_NOTICE](commitment())
    )
    assert "Friday 27 November 2026, 17:00 (GMT, Europe/London)" in manager_copy.text


def test_meeting_times_show_start_and_end() -> None:
    message = email(
        MessageKind.DEADLINE_PASSED_OWNER, SAMPLES[MessageKind.DEADLINE_PASSED_OWNER](commitment())
    )
    assert "Monday 30 November 2026, 09:00-09:30 (PST, America/Los_Angeles)" in message.text


def test_the_wrong_context_for_a_kind_is_refused() -> None:
    context = SAMPLES[MessageKind.EXPECTATION](commitment())
    with pytest.raises(TypeError, match="CheckInContext"):
        render_message(MessageKind.CHECK_IN, context)


def test_messages_go_to_the_right_person() -> None:
    with pytest.raises(ValidationError, match="goes to manager"):
        ManagerHeadsUpContext(
            commitment=commitment(),
            recipient_time_zone=OWNER_ZONE,
            recipient_role=Actor.OWNER,
            answer=CheckInAnswer.AT_RISK,
            conversation_url=LINK,
        )
    with pytest.raises(ValidationError, match="did not make it"):
        RevisionProposedContext(
            commitment=commitment(),
            recipient_time_zone=OWNER_ZONE,
            recipient_role=Actor.OWNER,
            proposal=proposal(Actor.OWNER),
            accept_url=LINK,
            talk_url=LINK,
        )


def test_heads_up_only_for_risks_and_blockers() -> None:
    with pytest.raises(ValidationError):
        ManagerHeadsUpContext(
            commitment=commitment(),
            recipient_time_zone=MANAGER_ZONE,
            answer=CheckInAnswer.ON_TRACK,
            conversation_url=LINK,
        )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "accord.example/a", "https://", "https://a.example/x y"]
)
def test_action_links_must_be_web_urls(url: str) -> None:
    with pytest.raises(ValidationError, match="http"):
        ExpectationContext(
            commitment=commitment(), recipient_time_zone=OWNER_ZONE, accept_url=url, talk_url=LINK
        )


def test_unknown_recipient_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        ReleasedContext(commitment=commitment(), recipient_time_zone="Atlantis Standard Time")


def test_templates_can_be_preloaded() -> None:
    domain.messages.rendering.preload_templates()
    message = render_message(MessageKind.RELEASED, SAMPLES[MessageKind.RELEASED](commitment()))
    assert message.subject == "No longer needed: Quarterly revenue report"


def _no_request(subject: str = "Vendor shortlist", people: list[str] | None = None) -> EmailBody:
    return email_body(
        render_no_request(
            IntakeNoRequest(
                sender=Person(email="maya@example.com", display_name="Maya Chen"),
                recipient_time_zone=MANAGER_ZONE,
                original_subject=subject,
                people=people if people is not None else ["Sam Okafor", "Platform team"],
                noticed_due=commitment().due,
                track_url=LINK + "track",
            )
        )
    )


@pytest.mark.parametrize("pattern", BLAME_PATTERNS)
def test_the_no_request_answer_has_no_blame_words(pattern: str) -> None:
    body = _no_request()
    for part in (body.html, body.text):
        match = re.search(pattern, part, flags=re.IGNORECASE)
        assert match is None, match.group(0) if match else ""


def test_the_no_request_answer_shows_what_was_seen_and_track_this() -> None:
    body = _no_request(subject='Fix <script>alert("x")</script>')
    assert "Sam Okafor, Platform team" in body.text
    assert "Date I noticed" in body.text
    assert "Track this" in body.text and LINK + "track" in body.text
    assert "<script>" not in body.html
    assert (
        "Date I noticed"
        not in email_body(
            render_no_request(
                IntakeNoRequest(
                    sender=Person(email="maya@example.com", display_name="Maya Chen"),
                    recipient_time_zone=MANAGER_ZONE,
                    original_subject="",
                    people=[],
                    track_url=LINK + "track",
                )
            )
        ).text
    )

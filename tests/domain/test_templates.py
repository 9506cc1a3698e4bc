import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

import domain.messages
from domain.messages import (
    CONTEXT_TYPES,
    AbsenceNoticeContext,
    CheckInContext,
    ClarificationInviteContext,
    CoachingNoteContext,
    ConversationAgendaContext,
    DeadlinePassedOwnerContext,
    DigestContext,
    DoneNoticeContext,
    DoneThanksContext,
    ExpectationContext,
    ExpectationReminderContext,
    ExpectationRevisedContext,
    IntakeConfirmationContext,
    ManagerHeadsUpContext,
    MessageContext,
    MessageKind,
    ReleasedContext,
    RevisionAgreedContext,
    RevisionProposedContext,
    TeamsFallbackContext,
    render_message,
)
from domain.models import (
    Actor,
    CheckIn,
    CheckInAnswer,
    CommitmentSpec,
    Person,
    RevisionProposal,
    TimeSlot,
)
from tests.domain.digest_samples import digest_context

OWNER = Person(email="alex@example.com", display_name="Alex Doe")
MANAGER = Person(email="sam@example.com", display_name="Sam Lee")
DUE = datetime(2026, 11, 27, 17, tzinfo=UTC)
OWNER_ZONE = "Pacific Standard Time"
MANAGER_ZONE = "Europe/London"
LINK = "https://accord.example/act?token=abc&kind="


def commitment(title: str = "Quarterly revenue report") -> CommitmentSpec:
    return CommitmentSpec(
        title=title,
        description="Pull the numbers for all regions.\nInclude the new EMEA accounts.",
        success_criteria="Numbers reconciled with finance and shared with the leadership team",
        owner=OWNER,
        manager=MANAGER,
        due=DUE,
        cadence=timedelta(days=2),
        support="Kim can pair with you on the EMEA data",
    )


def proposal(by: Actor = Actor.OWNER) -> RevisionProposal:
    return RevisionProposal(
        old_due=DUE,
        new_due=DUE + timedelta(days=7),
        old_scope="All regions",
        new_scope="All regions except APAC, which follows next month",
        reason="The EMEA data arrives a week later than planned",
        proposed_by=by,
        at=datetime(2026, 11, 30, 10, tzinfo=UTC),
    )


MEETING = TimeSlot(
    start=datetime(2026, 11, 30, 17, tzinfo=UTC), end=datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
)
LAST_CHECK_IN = CheckIn(
    at=datetime(2026, 11, 25, 17, tzinfo=UTC), answer=CheckInAnswer.AT_RISK, note="Waiting on data"
)
SAMPLES: dict[MessageKind, Callable[[CommitmentSpec], MessageContext | DigestContext]] = {
    MessageKind.EXPECTATION: lambda c: ExpectationContext(
        commitment=c, recipient_time_zone=OWNER_ZONE, accept_url=LINK + "a", talk_url=LINK + "t"
    ),
    MessageKind.EXPECTATION_REMINDER: lambda c: ExpectationReminderContext(
        commitment=c,
        recipient_time_zone=OWNER_ZONE,
        sent_at=datetime(2026, 11, 20, 17, tzinfo=UTC),
        accept_url=LINK + "a",
        talk_url=LINK + "t",
    ),
    MessageKind.CLARIFICATION_INVITE: lambda c: ClarificationInviteContext(
        commitment=c, recipient_time_zone=OWNER_ZONE, owner_question="Which regions are in scope?"
    ),
    MessageKind.EXPECTATION_REVISED: lambda c: ExpectationRevisedContext(
        commitment=c.model_copy(update={"due": DUE + timedelta(days=7)}),
        recipient_time_zone=OWNER_ZONE,
        changes=proposal(Actor.MANAGER),
        accept_url=LINK + "a",
        talk_url=LINK + "t",
    ),
    MessageKind.CHECK_IN: lambda c: CheckInContext(
        commitment=c,
        recipient_time_zone=OWNER_ZONE,
        on_track_url=LINK + "on_track",
        at_risk_url=LINK + "at_risk",
        blocked_url=LINK + "blocked",
        done_url=LINK + "done",
        note="Thanks for jumping on this so quickly.",
    ),
    MessageKind.MANAGER_HEADS_UP: lambda c: ManagerHeadsUpContext(
        commitment=c,
        recipient_time_zone=MANAGER_ZONE,
        answer=CheckInAnswer.BLOCKED,
        owner_note="The EMEA export is broken",
        conversation_url=LINK + "talk",
    ),
    MessageKind.DEADLINE_PASSED_OWNER: lambda c: DeadlinePassedOwnerContext(
        commitment=c, recipient_time_zone=OWNER_ZONE, proposed_meeting=MEETING, done_url=LINK + "d"
    ),
    MessageKind.CONVERSATION_AGENDA: lambda c: ConversationAgendaContext(
        commitment=c, recipient_time_zone=OWNER_ZONE, last_check_in=LAST_CHECK_IN
    ),
    MessageKind.COACHING_NOTE: lambda c: CoachingNoteContext(
        commitment=c, recipient_time_zone=MANAGER_ZONE, meeting=MEETING, last_check_in=LAST_CHECK_IN
    ),
    MessageKind.REVISION_PROPOSED: lambda c: RevisionProposedContext(
        commitment=c,
        recipient_time_zone=MANAGER_ZONE,
        recipient_role=Actor.MANAGER,
        proposal=proposal(Actor.OWNER),
        accept_url=LINK + "a",
        talk_url=LINK + "t",
    ),
    MessageKind.REVISION_AGREED: lambda c: RevisionAgreedContext(
        commitment=c.model_copy(update={"due": DUE + timedelta(days=7)}),
        recipient_time_zone=OWNER_ZONE,
        revision=proposal(Actor.OWNER).accept(Actor.MANAGER, datetime(2026, 12, 1, tzinfo=UTC)),
    ),
    MessageKind.DONE_THANKS: lambda c: DoneThanksContext(
        commitment=c, recipient_time_zone=OWNER_ZONE, completed_at=DUE - timedelta(days=1)
    ),
    MessageKind.DONE_NOTICE: lambda c: DoneNoticeContext(
        commitment=c,
        recipient_time_zone=MANAGER_ZONE,
        completed_at=DUE + timedelta(days=2),
        owner_note="Shared in the leadership channel",
    ),
    MessageKind.RELEASED: lambda c: ReleasedContext(
        commitment=c, recipient_time_zone=OWNER_ZONE, reason="The board meeting moved to Q1"
    ),
    MessageKind.ABSENCE_NOTICE: lambda c: AbsenceNoticeContext(
        commitment=c, recipient_time_zone=MANAGER_ZONE, back_on=datetime(2026, 12, 7, 9, tzinfo=UTC)
    ),
    MessageKind.DIGEST: digest_context,
    MessageKind.INTAKE_CONFIRMATION: lambda c: IntakeConfirmationContext(
        commitment=c,
        recipient_time_zone=MANAGER_ZONE,
        grace_ends_at=DUE - timedelta(days=5),
        due_text="by Friday 27 November",
        criteria_derived=True,
        confirm_url=LINK + "confirm",
        correct_url=LINK + "correct",
        cancel_url=LINK + "cancel",
    ),
    MessageKind.TEAMS_FALLBACK: lambda c: TeamsFallbackContext(
        commitment=c, recipient_time_zone=MANAGER_ZONE
    ),
}

BLAME_PATTERNS = [
    r"\bfail(s|ed|ing|ure|ures)?\b",
    r"\bfault\b",
    r"\bblam(e|ed|ing)\b",
    r"\blazy\b",
    r"\bunacceptable\b",
    r"\bdisappoint\w*",
    r"\bnegligen\w*",
    r"\bcareless\w*",
    r"\bexcuses?\b",
    r"\bshould have\b",
    r"\bshould've\b",
    r"\bwhy didn'?t you\b",
    r"\bwhy haven'?t you\b",
    r"\bbehind schedule\b",
    r"\boverdue\b",
    r"\byou missed\b",
    r"\bdropped the ball\b",
    r"\blet (us|me|the team|everyone) down\b",
    r"\bpoor performance\b",
    r"\bunderperform\w*",
    r"\bshame\w*",
    r"\birresponsible\b",
    r"\bagain\?",
]


def render_all(title: str = "Quarterly revenue report") -> list[tuple[MessageKind, str, str, str]]:
    rendered = []
    for kind, build in SAMPLES.items():
        message = render_message(kind, build(commitment(title)))
        rendered.append((kind, message.subject, message.html, message.text))
    return rendered


def test_samples_cover_every_kind() -> None:
    assert set(SAMPLES) == set(MessageKind) == set(CONTEXT_TYPES)


def test_every_kind_has_html_and_text_templates() -> None:
    templates = Path(domain.messages.__file__).with_name("templates")
    for kind in MessageKind:
        assert (templates / f"{kind}.html").is_file(), kind
        assert (templates / f"{kind}.txt").is_file(), kind


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
    html = render_message(MessageKind.MANAGER_HEADS_UP, context).html
    assert "<b>" not in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<br>" in html


def test_action_links_are_rendered_and_attribute_escaped() -> None:
    message = render_message(
        MessageKind.EXPECTATION, SAMPLES[MessageKind.EXPECTATION](commitment())
    )
    assert 'href="https://accord.example/act?token=abc&amp;kind=a"' in message.html
    assert "https://accord.example/act?token=abc&kind=a" in message.text


def test_times_are_in_the_recipients_zone_with_its_name() -> None:
    owner_copy = render_message(MessageKind.CHECK_IN, SAMPLES[MessageKind.CHECK_IN](commitment()))
    assert "Friday 27 November 2026, 09:00 (PST, America/Los_Angeles)" in owner_copy.text
    assert "Friday 27 November 2026, 09:00 (PST, America/Los_Angeles)" in owner_copy.html
    manager_copy = render_message(
        MessageKind.ABSENCE_NOTICE, SAMPLES[MessageKind.ABSENCE_NOTICE](commitment())
    )
    assert "Friday 27 November 2026, 17:00 (GMT, Europe/London)" in manager_copy.text


def test_meeting_times_show_start_and_end() -> None:
    message = render_message(
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
    domain.messages.preload_templates()
    message = render_message(MessageKind.RELEASED, SAMPLES[MessageKind.RELEASED](commitment()))
    assert message.subject == "No longer needed: Quarterly revenue report"

"""Samples for the message tests: a context for every kind, and words no message may hold.

The digest's sample has something in every section.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from domain.digest import (
    DigestItem,
    LeaderMirror,
    Promise,
    Standing,
    SupportAsk,
    SupportSuggestion,
    TeamDigest,
)
from domain.messages.kinds import (
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
    MeetingOutsideHoursContext,
    MessageContext,
    MessageKind,
    ReleasedContext,
    RevisionAgreedContext,
    RevisionProposedContext,
    SupportDeclinedContext,
    SupportEndedContext,
    SupportKeptContext,
    SupportPromisedContext,
    SupportReminderContext,
    SupportRequestContext,
    SupportSlippedContext,
    TeamsFallbackContext,
    WrittenConversationContext,
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
from domain.reliability import RevisionNote, Trend, WeekFigures
from domain.support import SupportAnswer, support_spec

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
PRIYA = Person(email="priya@example.com", display_name="Priya Raman")


def _promise(commitment: CommitmentSpec, what: str, *, days: int, late: bool = False) -> Promise:
    due = NOW + timedelta(days=days)
    return Promise(
        commitment_id=f"s-{what}",
        what=what,
        person=commitment.owner,
        due=due,
        completed_at=due + timedelta(days=1) if late else None,
    )


def digest_context(commitment: CommitmentSpec) -> DigestContext:
    """Build a digest about ``commitment`` (at risk, revised) and another person's work."""
    at_risk = DigestItem(
        commitment_id="c1",
        title=commitment.title,
        owner=commitment.owner,
        due=commitment.due,
        standing=Standing.AT_RISK,
        blocked=True,
    )
    on_track = DigestItem(
        commitment_id="c2",
        title="Onboarding guide",
        owner=PRIYA,
        due=NOW + timedelta(days=10),
        standing=Standing.ON_TRACK,
    )
    digest = TeamDigest(
        manager=commitment.manager,
        time_zone="Europe/London",
        week="2026-W48",
        generated_at=NOW,
        on_track=[on_track],
        at_risk=[at_risk],
        missed=[at_risk.model_copy(update={"standing": Standing.MISSED, "blocked": False})],
        done=[on_track.model_copy(update={"standing": Standing.DONE})],
        being_agreed=[on_track.model_copy(update={"standing": Standing.BEING_AGREED})],
        revised=[
            RevisionNote(
                commitment_id="c1",
                title=commitment.title,
                agreed_at=NOW - timedelta(days=2),
                old_due=commitment.due,
                new_due=commitment.due + timedelta(days=7),
                scope_changed=True,
                reason="The EMEA data arrives later",
            )
        ],
        # What the manager promised the team: every part filled in, so the lint reads it all.
        promised=LeaderMirror(
            kept=[_promise(commitment, "Time with finance", days=-3)],
            kept_late=[_promise(commitment, "A budget decision", days=-4, late=True)],
            open=[_promise(commitment, "Access to the finance data", days=2)],
            asked=[
                SupportAsk(
                    person=commitment.owner,
                    title=commitment.title,
                    at=NOW - timedelta(days=1),
                    note="A finance sign-off on the EMEA numbers",
                ),
                SupportAsk(
                    person=PRIYA,
                    title="Onboarding guide",
                    at=NOW - timedelta(days=2),
                    answer=SupportAnswer.NOT_POSSIBLE,
                ),
            ],
            trend=Trend.DIPPING,
        ),
        support=[
            SupportSuggestion(
                person=commitment.owner,
                reasons=[f"said they are blocked on \u201c{commitment.title}\u201d"],
                question=f"What is standing in the way on \u201c{commitment.title}\u201d?",
            )
        ],
        weeks=[WeekFigures(week_start=date(2026, 11, 16), on_time=1, slips=1)],
    )
    return DigestContext(
        digest=digest,
        recipient_time_zone="Europe/London",
        chart_content_id="digest-chart@accord",
        chart_alt_text="On-time rate and slips per week over the last 1 weeks.",
    )


OWNER = Person(email="alex@example.com", display_name="Alex Doe")
MANAGER = Person(email="sam@example.com", display_name="Sam Lee")
DUE = datetime(2026, 11, 27, 17, tzinfo=UTC)
OWNER_ZONE = "Pacific Standard Time"
MANAGER_ZONE = "Europe/London"
LINK = "https://accord.example/act?token=abc&kind="


def commitment(title: str = "Quarterly revenue report") -> CommitmentSpec:
    """Alex's commitment to Sam, with every field filled in."""
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


def support_sample(owners: CommitmentSpec) -> CommitmentSpec:
    """The manager's promise of support to the owner of ``owners``."""
    return support_spec(owners, "Get you access to the finance data", DUE - timedelta(days=3))


def proposal(by: Actor = Actor.OWNER) -> RevisionProposal:
    """A week more and a smaller scope, proposed ``by`` someone."""
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
# A context for every kind of message, built around a commitment.
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
        ask_support_url=LINK + "ask_support",
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
    MessageKind.MEETING_OUTSIDE_HOURS: lambda c: MeetingOutsideHoursContext(
        commitment=c,
        recipient_time_zone=OWNER_ZONE,
        meeting=TimeSlot(
            start=datetime(2026, 12, 8, 12, 30, tzinfo=UTC),
            end=datetime(2026, 12, 8, 13, tzinfo=UTC),
        ),
        outside_for=Actor.MANAGER,
    ),
    MessageKind.WRITTEN_CONVERSATION: lambda c: WrittenConversationContext(
        commitment=c, recipient_time_zone=OWNER_ZONE, done_url=LINK + "done"
    ),
    # Support the other way up: on a promise of support, the spec's owner is the manager who
    # promised and its manager the person it is for (domain/support.py).
    MessageKind.SUPPORT_PROMISED: lambda c: SupportPromisedContext(
        commitment=c,
        recipient_time_zone=OWNER_ZONE,
        what="Access to the finance data",
        support_due=DUE - timedelta(days=3),
    ),
    MessageKind.SUPPORT_REQUEST: lambda c: SupportRequestContext(
        commitment=c,
        recipient_time_zone=MANAGER_ZONE,
        owner_note="The EMEA numbers need a finance sign-off I can't get.",
        promise_url=LINK + "promise",
        talk_url=LINK + "talk",
        not_possible_url=LINK + "not-possible",
    ),
    MessageKind.SUPPORT_DECLINED: lambda c: SupportDeclinedContext(
        commitment=c,
        recipient_time_zone=OWNER_ZONE,
        reason="Finance is closing the quarter this week.",
        move_date_url=LINK + "move",
    ),
    MessageKind.SUPPORT_REMINDER: lambda c: SupportReminderContext(
        commitment=support_sample(c), recipient_time_zone=MANAGER_ZONE, done_url=LINK + "done"
    ),
    MessageKind.SUPPORT_SLIPPED: lambda c: SupportSlippedContext(
        commitment=support_sample(c), recipient_time_zone=OWNER_ZONE, move_date_url=LINK + "move"
    ),
    MessageKind.SUPPORT_ENDED: lambda c: SupportEndedContext(
        commitment=support_sample(c), recipient_time_zone=MANAGER_ZONE, supported_title=c.title
    ),
    MessageKind.SUPPORT_KEPT: lambda c: SupportKeptContext(
        commitment=support_sample(c),
        recipient_time_zone=OWNER_ZONE,
        completed_at=DUE - timedelta(days=2),
    ),
}

# Words that blame or shame: no message Accord writes may contain them.
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

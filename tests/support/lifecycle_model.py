"""The lifecycle's core driven in every order: a Hypothesis state machine and its invariants.

:class:`LifecycleMachine` plays every action by every actor (owner, manager, admin, a
stranger) against :func:`domain.lifecycle.decide`, with time moving, absences starting and
ending, and check-in answers arriving late and twice, and checks after each step what must
always hold. Its ``core_rules`` attribute picks the generation of the rules; pointed at
``LEGACY_RULES`` it finds the faults the core fixed.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.lifecycle import (
    ALLOWED_TRANSITIONS,
    CURRENT_RULES,
    CommitmentState,
    Decision,
    Rejection,
    Rules,
    SendMessage,
    StatusChanged,
    decide,
)
from domain.lifecycle import actions as act
from domain.lifecycle.checking_in import note_action_id
from domain.lifecycle.supporting import AGREED_AND_OPEN
from domain.messages.kinds import MessageKind
from domain.models import Actor, CheckInAnswer, CommitmentSpec, CommitmentStatus, Person
from domain.support import CommitmentKind, SupportAnswer, support_spec

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
OWNER = "sam.okafor@northwind.example"
MANAGER = "maya.chen@northwind.example"
ADMIN = "ines.alvarez@northwind.example"
STRANGER = "someone@elsewhere.example"
PEOPLE = (OWNER, MANAGER, ADMIN, STRANGER)
COMMITMENT = "c0ffee"
_ANSWER_FIELDS = {
    CheckInAnswer.ON_TRACK: "on_track_url",
    CheckInAnswer.AT_RISK: "at_risk_url",
    CheckInAnswer.BLOCKED: "blocked_url",
}


CORE_KINDS = frozenset(
    {
        "expectation_set",
        "accepted",
        "asked_to_talk",
        "conversation_requested",
        "expectation_revised",
        "check_in:on_track",
        "check_in:at_risk",
        "check_in:blocked",
        "check_in_note",
        "done_on_time",
        "done_late",
        "revision_proposed",
        "revision_agreed",
        "released",
        "deadline_passed",
        "deadline_in_absence",
        "owner_returned",
        "conversation_planned",
        "support_promised",
        "support_requested",
        "support_request_note",
        "support_answered:talk",
        "support_answered:not_possible",
        "support_slipped",
        "supported_work_ended",
    }
)
"""The history entries the core writes (the workflow adds its own: messages sent, meetings)."""


def first_state(due_in: timedelta = timedelta(days=10)) -> CommitmentState:
    """A commitment from Maya to Sam, just set, due ``due_in`` after :data:`START`."""
    return CommitmentState(
        spec=CommitmentSpec(
            title="Draft the Q1 budget",
            success_criteria="A reviewed spreadsheet shared with finance.",
            owner=Person(email=OWNER, display_name="Sam Okafor"),
            manager=Person(email=MANAGER, display_name="Maya Chen"),
            due=START + due_in,
        )
    )


def first_support_state(due_in: timedelta = timedelta(days=3)) -> CommitmentState:
    """Maya's promise of support to Sam, just made (agreed as it starts), due ``due_in`` on."""
    owners = first_state().spec
    return CommitmentState(
        spec=support_spec(owners, "Get you access to the finance data", START + due_in),
        kind=CommitmentKind.SUPPORT,
        supports=COMMITMENT,
        status=CommitmentStatus.ACTIVE,
    )


SUPPORT_ACTION_KINDS = ("promise", "request", "request", "talk", "not_possible", "promised_answer")
# The two people act far more often than anyone else, so sequences get somewhere.
SUPPORT_ACTORS = (OWNER, OWNER, OWNER, MANAGER, MANAGER, ADMIN, STRANGER)


def support_action(kind: str, due: datetime, note: str | None, number: int) -> act.Action:
    """Build one support action of ``kind`` (a promise's id is new each time)."""
    match kind:
        case "promise":
            return act.PromiseSupport(f"support-{number}", "Time with finance", due)
        case "request":
            return act.RequestSupport(note)
        case "talk":
            return act.AnswerSupportRequest(SupportAnswer.TALK)
        case "not_possible":
            return act.AnswerSupportRequest(SupportAnswer.NOT_POSSIBLE, "Finance is closing.")
    return act.AnswerSupportRequest(SupportAnswer.PROMISED)


def check_in_link(sequence: int, answer: CheckInAnswer) -> str:
    """The id of an answer link in the commitment's check-in message number ``sequence``."""
    return f"{COMMITMENT}:{sequence}:{MessageKind.CHECK_IN.value}:{_ANSWER_FIELDS[answer]}"


@dataclass(frozen=True)
class Step:
    """One action by one person, as both the core and the real workflow take it."""

    actor: str
    action: act.PersonAction


def person_action(
    kind: str,
    due: datetime | None,
    scope: str | None,
    note: str | None,
    reason: str | None,
    action_id: str | None,
) -> act.PersonAction:
    """Build one person action of ``kind`` from drawn parts (each action takes what it needs)."""
    match kind:
        case "accept":
            return act.Accept(action_id)
        case "lets_talk":
            return act.LetsTalk(action_id)
        case "revise_expectation":
            return act.ReviseExpectation(
                due=due, success_criteria=scope, reason=reason, action_id=action_id
            )
        case "complete":
            return act.Complete(note, action_id)
        case "propose_revision":
            return act.ProposeRevision(due, scope, reason, action_id)
        case "accept_revision":
            return act.AcceptRevision(action_id)
        case "request_conversation":
            return act.RequestConversation(action_id)
    return act.Release(reason, action_id)


PERSON_ACTION_KINDS = (
    "accept",
    "lets_talk",
    "revise_expectation",
    "complete",
    "propose_revision",
    "accept_revision",
    "request_conversation",
    "release",
)


class LifecycleMachine(RuleBasedStateMachine):
    """The core, every action in every order, with the invariants the lifecycle promises."""

    core_rules: ClassVar[Rules] = CURRENT_RULES

    def fresh_state(self) -> CommitmentState:
        """The commitment the machine starts from."""
        return first_state()

    def __init__(self) -> None:
        super().__init__()
        self.state = self.fresh_state()
        self.now = START
        self.owner_away = False
        self.prompts = 0
        self.statuses = [self.state.status]
        self.messages: list[SendMessage] = []
        self.applied_ids: set[str] = set()
        self.answered_prompts: Counter[int] = Counter()

    # ----- deciding, and what every decision must respect --------------------------------

    def decide(self, action: act.Action, actor: str) -> Decision | Rejection:
        """Decide with the machine's rules and apply the outcome as the workflow does."""
        before = self.state
        # The records inside are immutable: copies of the lists show any change in place.
        snapshot = before.draft()
        outcome = decide(before, action, actor, self.now, rules=self.core_rules)
        assert before == snapshot, "decide changed the state it was given"
        if isinstance(outcome, Rejection):
            after = outcome.leaves or before
            assert after == snapshot, (
                f"a rejected action changed the state: {type(action).__name__} by "
                f"{_who(actor)} in {before.status.value}: {outcome.reason!r}"
            )
            return outcome
        self._follow(outcome, action)
        return outcome

    def _follow(self, decision: Decision, action: act.Action) -> None:
        before = self.state
        for effect in decision.effects:
            if isinstance(effect, StatusChanged):
                assert effect.source is self.statuses[-1]
                assert effect.target in ALLOWED_TRANSITIONS[effect.source], effect
                self.statuses.append(effect.target)
            elif isinstance(effect, SendMessage):
                self.messages.append(effect)
        assert decision.state.status is self.statuses[-1]
        if before.status.is_closed:
            assert decision.state == before, "a closed commitment changed"
        action_id = getattr(action, "action_id", None)
        if action_id is not None and action_id in self.applied_ids:
            assert decision.state == before and not decision.effects, "an id applied twice"
        self.state = decision.state
        self.applied_ids.update(self.state.applied_action_ids)

    # ----- people ------------------------------------------------------------------------

    @rule(
        actor=st.sampled_from(PEOPLE),
        kind=st.sampled_from(PERSON_ACTION_KINDS),
        days=st.none() | st.integers(min_value=-2, max_value=30),
        scope=st.none() | st.sampled_from(["A shorter spreadsheet.", "Only the first quarter."]),
        note=st.none() | st.just("Finance data is late."),
        reason=st.none() | st.just("The finance data arrived late."),
        reuse=st.integers(min_value=0, max_value=4),
    )
    def someone_acts(
        self,
        actor: str,
        kind: str,
        days: int | None,
        scope: str | None,
        note: str | None,
        reason: str | None,
        reuse: int,
    ) -> None:
        """Anyone does anything, now; some reuse an id already used (a link, a key)."""
        used = sorted(self.applied_ids)
        action_id = used[(reuse - 1) % len(used)] if reuse and used else None
        due = None if days is None else self.now + timedelta(days=days, hours=1)
        self.decide_and_agree(person_action(kind, due, scope, note, reason, action_id), actor)

    def decide_and_agree(self, action: act.PersonAction, actor: str) -> None:
        """Decide an action; the other person can agree to a proposal there and then."""
        outcome = self.decide(action, actor)
        # A proposal that was made (not an id used again, which changes nothing).
        if (
            isinstance(action, act.ProposeRevision)
            and isinstance(outcome, Decision)
            and (outcome.effects)
        ):
            other = MANAGER if _who(actor) == "owner" else OWNER
            agreed = decide(
                self.state, act.AcceptRevision(), other, self.now, rules=self.core_rules
            )
            assert isinstance(agreed, Decision), (
                f"proposed by the {_who(actor)} in {self.state.status.value}, the other person "
                f"cannot agree: {agreed.reason!r}"
            )

    @rule(
        answer=st.sampled_from(list(_ANSWER_FIELDS)),
        age=st.integers(min_value=0, max_value=2),
        with_note=st.booleans(),
        note_first=st.booleans(),
    )
    @precondition(lambda self: self.prompts > 0)
    def owner_answers_a_check_in(
        self, answer: CheckInAnswer, age: int, with_note: bool, note_first: bool
    ) -> None:
        """The owner answers a check-in link (maybe an older one), with a note before or after."""
        prompt = max(1, self.prompts - age)
        link = check_in_link(prompt, answer)
        note = "Finance data is late." if with_note else None
        first = note_action_id(link) if with_note and note_first else link
        count = len(self.state.check_ins)
        outcome = self.decide(act.AnswerCheckIn(answer, note if note_first else None, first), OWNER)
        if with_note and not note_first and isinstance(outcome, Decision):
            self.decide(act.AnswerCheckIn(answer, note, note_action_id(link)), OWNER)
        # The same link again, without a note: it is answered already.
        self.decide(act.AnswerCheckIn(answer, None, link), OWNER)
        added = len(self.state.check_ins) - count
        assert added <= 1, f"one check-in link recorded {added} check-ins"
        if added:
            newer = [seen for seen in self.answered_prompts if seen >= prompt]
            assert not newer, f"check-in {prompt} was recorded after the answer to {newer}"
            self.answered_prompts[prompt] += 1

    @rule(data=st.data())
    @precondition(lambda self: bool(self.state.check_in_ids))
    def a_note_arrives_late(self, data: st.DataObject) -> None:
        """The owner's note for a check-in they answered a while ago (maybe once more)."""
        link = data.draw(st.sampled_from(sorted(self.state.check_in_ids)), label="link")
        index = self.state.check_in_ids[link]
        answer = self.state.check_ins[index].answer
        count = len(self.state.check_ins)
        self.decide(act.AnswerCheckIn(answer, "It took longer.", note_action_id(link)), OWNER)
        assert len(self.state.check_ins) == count, "a late note recorded a check-in"

    @rule()
    def accord_sends_a_check_in(self) -> None:
        """A check-in message goes out; its links name it."""
        if self.state.status is CommitmentStatus.ACTIVE:
            self.prompts += 1

    @rule(hours=st.integers(min_value=1, max_value=24 * 5))
    def time_passes(self, hours: int) -> None:
        """Time moves on; the deadline may pass, with the owner here or away."""
        self.now += timedelta(hours=hours)
        if self.state.status is CommitmentStatus.ACTIVE and self.now >= self.state.spec.due:
            back = self.now + timedelta(days=2) if self.owner_away else None
            self.decide(act.DeadlineReached(owner_away=self.owner_away, back_on=back), Actor.SYSTEM)
        if self.state.status is CommitmentStatus.MISSED:
            self.decide(act.PlanConversation(), Actor.SYSTEM)

    @rule()
    def absence_starts_or_ends(self) -> None:
        """The owner leaves, or comes back (and a deadline that passed meanwhile is missed)."""
        self.owner_away = not self.owner_away
        if not self.owner_away and self.state.status is CommitmentStatus.AWAITING_RETURN:
            self.decide(act.OwnerReturned(), Actor.SYSTEM)

    # ----- what always holds -------------------------------------------------------------

    @invariant()
    def closed_states_are_final(self) -> None:
        """Once done or released, always done or released (the same one)."""
        closed = [status for status in self.statuses if status.is_closed]
        assert len(closed) <= 1 and (not closed or self.statuses[-1] is closed[0])

    @invariant()
    def every_revision_keeps_its_story(self) -> None:
        """Old and new date and scope, reason, proposer and agreer: in the record and history."""
        agreed = [entry for entry in self.state.history if entry.kind == "revision_agreed"]
        assert len(agreed) == len(self.state.revisions)
        for revision, entry in zip(self.state.revisions, agreed, strict=True):
            assert revision.proposed_by in (Actor.OWNER, Actor.MANAGER)
            assert revision.accepted_by in (Actor.OWNER, Actor.MANAGER)
            assert revision.proposed_by is not revision.accepted_by
            assert entry.actor is revision.accepted_by
            told = (
                revision.old_due.isoformat(),
                revision.new_due.isoformat(),
                revision.reason,
                f"proposed by the {revision.proposed_by.value}",
                f"agreed by the {revision.accepted_by.value}",
            )
            for part in told:
                assert part in entry.detail, f"the revision's history does not say {part!r}"

    @invariant()
    def view_history_and_messages_agree(self) -> None:
        """What the view shows, the history tells and the messages said are one story."""
        kinds = Counter(entry.kind for entry in self.state.history)
        sent = Counter(message.kind for message in self.messages)
        assert sent[MessageKind.REVISION_AGREED] == 2 * len(self.state.revisions)
        assert sent[MessageKind.REVISION_PROPOSED] == kinds["revision_proposed"]
        assert sent[MessageKind.EXPECTATION_REVISED] == kinds["expectation_revised"]
        worried = sum(
            kinds[f"check_in:{answer.value}"]
            for answer in (CheckInAnswer.AT_RISK, CheckInAnswer.BLOCKED)
        )
        assert sent[MessageKind.MANAGER_HEADS_UP] == worried
        answers = sum(count for kind, count in kinds.items() if kind.startswith("check_in:"))
        done_by_answer = sum(1 for c in self.state.check_ins if c.answer is CheckInAnswer.DONE)
        assert len(self.state.check_ins) == answers + done_by_answer
        done = self.state.status is CommitmentStatus.DONE
        if self.state.is_support:
            assert sent[MessageKind.SUPPORT_KEPT] == int(done)
            assert sent[MessageKind.DONE_THANKS] == sent[MessageKind.DONE_NOTICE] == 0
        else:
            assert sent[MessageKind.DONE_THANKS] == sent[MessageKind.DONE_NOTICE] == int(done)
        released = int(self.state.status is CommitmentStatus.RELEASED)
        # A promise whose work ended is released by Accord, with its own thank-you.
        assert sent[MessageKind.SUPPORT_ENDED] == kinds["supported_work_ended"]
        assert sent[MessageKind.RELEASED] + sent[MessageKind.SUPPORT_ENDED] == released
        assert (self.state.completed_at is not None) == done

    @invariant()
    def support_keeps_its_story(self) -> None:
        """Requests, answers and promises: each told once, one request waiting at a time."""
        state = self.state
        kinds = Counter(entry.kind for entry in state.history)
        sent = Counter(message.kind for message in self.messages)
        assert sent[MessageKind.SUPPORT_REQUEST] == kinds["support_requested"]
        assert len(state.support_requests) == kinds["support_requested"]
        assert sent[MessageKind.SUPPORT_DECLINED] == kinds["support_answered:not_possible"]
        assert sum(1 for request in state.support_requests if request.answer is None) <= 1
        promised = [entry for entry in state.history if entry.kind == "support_promised"]
        assert all(entry.actor is Actor.MANAGER for entry in promised)
        assert len({promise.support_id for promise in state.support}) == len(state.support)
        if not state.is_support:
            assert len(state.support) == len(promised)
            return
        # A promise of support: agreed as it starts, no check-ins, no conversation of its own.
        never = {
            CommitmentStatus.AWAITING_ACCEPTANCE,
            CommitmentStatus.CLARIFYING,
            CommitmentStatus.IN_CONVERSATION,
            CommitmentStatus.AWAITING_RETURN,
        }
        assert not never & set(self.statuses), self.statuses
        assert not state.check_ins and not state.support and not state.support_requests
        assert sent[MessageKind.SUPPORT_SLIPPED] == kinds["support_slipped"] <= 1
        assert sent[MessageKind.MANAGER_HEADS_UP] == 0

    @invariant()
    def a_link_answers_once(self) -> None:
        """Each check-in message is answered at most once, whichever of its links is used."""
        assert all(count <= 1 for count in self.answered_prompts.values()), self.answered_prompts
        assert sorted(self.state.applied_action_ids) == self.state.applied_action_ids


class SupportRequestMachine(LifecycleMachine):
    """The machine with support too: requests, answers and promises on the owner's commitment.

    A class of its own, so the plain machine keeps its pace on the rest of the lifecycle. It
    starts accepted: support is asked for, and promised, once the expectation is agreed.
    """

    def fresh_state(self) -> CommitmentState:
        """Sam's commitment to Maya, accepted."""
        accepted = decide(first_state(), act.Accept(), OWNER, START, rules=self.core_rules)
        assert isinstance(accepted, Decision)
        return accepted.state

    def __init__(self) -> None:
        super().__init__()
        # The start was accepted before the machine ran: its status is part of the story.
        if not self.state.is_support:
            self.statuses = [CommitmentStatus.AWAITING_ACCEPTANCE, self.state.status]

    @rule(
        actor=st.sampled_from(SUPPORT_ACTORS),
        kind=st.sampled_from(SUPPORT_ACTION_KINDS),
        days=st.integers(min_value=-1, max_value=10),
        note=st.none() | st.just("Time with finance."),
    )
    def someone_asks_or_promises_support(
        self, actor: str, kind: str, days: int, note: str | None
    ) -> None:
        """Anyone asks for support, promises it or answers a request, now."""
        number = len(self.state.history)
        action = support_action(kind, self.now + timedelta(days=days, hours=1), note, number)
        before = self.state
        self.decide(action, actor)
        if self.state == before:
            return
        # Whatever went through came from the one it belongs to: a promise or an answer from
        # the manager, a request from the owner; never a report setting their manager anything.
        expected = "owner" if isinstance(action, act.RequestSupport) else "manager"
        assert _who(actor) == expected, (kind, _who(actor))

    @rule(note=st.none() | st.just("Time with finance."), again=st.booleans())
    @precondition(lambda self: self.state.status in AGREED_AND_OPEN)
    def owner_asks_what_would_help(self, note: str | None, again: bool) -> None:
        """The owner asks for support once agreed (maybe twice before any answer)."""
        self.decide(act.RequestSupport(note), OWNER)
        if again:
            self.decide(act.RequestSupport("Still stuck on the finance data."), OWNER)

    @rule(kind=st.sampled_from(("promise", "talk", "not_possible")), days=st.integers(1, 10))
    @precondition(lambda self: any(r.answer is None for r in self.state.support_requests))
    def manager_answers_the_request(self, kind: str, days: int) -> None:
        """The manager answers the waiting request, one of the three ways."""
        due = self.now + timedelta(days=days)
        self.decide(support_action(kind, due, None, len(self.state.history)), MANAGER)
        assert all(r.answer is not None for r in self.state.support_requests) or (
            self.state.status.is_closed
        )

    @rule(actor=st.sampled_from((Actor.SYSTEM, *PEOPLE)), done=st.booleans())
    # Late in a sequence, so a promise has had time to live first.
    @precondition(lambda self: len(self.state.history) >= 6)
    def the_supported_work_ends(self, actor: str, done: bool) -> None:
        """The commitment a promise was for ends (Accord says so; no person can)."""
        before = self.state
        self.decide(act.SupportedWorkEnded("Draft the Q1 budget", done), actor)
        if self.state == before:
            return
        assert actor == Actor.SYSTEM and before.is_support and not before.status.is_closed
        assert self.state.status is CommitmentStatus.RELEASED


class SupportLifecycleMachine(SupportRequestMachine):
    """The same machine on a manager's promise of support: the lifecycle the other way up."""

    def fresh_state(self) -> CommitmentState:
        """Maya's promise of support to Sam."""
        return first_support_state()


def _who(actor: str) -> str:
    return {OWNER: "owner", MANAGER: "manager", ADMIN: "admin"}.get(actor, "stranger")


def describe_state(state: CommitmentState) -> dict[str, Any]:
    """What the view of a commitment shows, for comparing the core with the workflow."""
    return {
        "status": state.status,
        "due": state.spec.due,
        "scope": state.spec.success_criteria,
        "check_ins": [(c.answer, c.note) for c in state.check_ins],
        "revisions": [r.model_dump(exclude={"at"}) for r in state.revisions],
        "pending_revision": (
            state.pending_revision.model_dump(exclude={"at"}) if state.pending_revision else None
        ),
        "history": [
            (entry.actor, entry.kind, entry.detail)
            for entry in state.history
            if entry.kind in CORE_KINDS
        ],
    }


def random_steps(seed: int, now: datetime, commitment_id: str, count: int = 10) -> list[Step]:
    """A repeatable sequence of people's actions (check-in links named as the messages name them).

    Args:
        seed: picks the sequence; the same seed gives the same steps.
        now: the commitment's creation; dates are whole days after it.
        commitment_id: the commitment the check-in links belong to.
        count: how many steps.

    Returns:
        The steps, most of them by the owner or the manager, some by the admin or a stranger.
    """
    rng = random.Random(seed)
    steps: list[Step] = []
    people = (OWNER, OWNER, OWNER, MANAGER, MANAGER, MANAGER, ADMIN, STRANGER)
    # Most sequences begin with the owner accepting: there is more to do after.
    if seed % 3:
        steps.append(Step(OWNER, act.Accept()))
    for number in range(count - len(steps)):
        due = now + timedelta(days=rng.randint(3, 30))
        link_id = (
            f"{commitment_id}:{rng.randint(1, 4)}:{MessageKind.CHECK_IN.value}:"
            f"{_ANSWER_FIELDS[CheckInAnswer.AT_RISK]}"
        )
        choices: list[act.PersonAction] = [
            act.Accept(),
            act.LetsTalk(),
            act.ReviseExpectation(due=due, reason="Finance moved the review."),
            act.AnswerCheckIn(CheckInAnswer.AT_RISK, None, link_id),
            act.AnswerCheckIn(
                CheckInAnswer.AT_RISK, "Finance data is late.", note_action_id(link_id)
            ),
            act.AnswerCheckIn(CheckInAnswer.ON_TRACK, None, f"api-{number}"),
            act.ProposeRevision(new_due=due, reason="The finance data arrived late."),
            act.ProposeRevision(new_scope="Only the first quarter."),
            act.AcceptRevision(),
            act.AcceptRevision(),
            act.RequestConversation(),
            act.Complete(note="Shared."),
            act.Release(reason="Priorities changed."),
        ]
        # Endings are rare, so most sequences go on long enough to say something.
        weights = [3, 1, 1, 3, 2, 2, 3, 1, 4, 4, 1, 0.3, 0.3]
        action = rng.choices(choices, weights=weights)[0]
        steps.append(Step(rng.choice(people), action))
    return steps

"""What the web app's pages show: commitments grouped by what needs attention, and a story.

Pure functions of views and rows: no I/O here, so the words and the grouping are tested
without a server. The words follow the messages' voice: a date that passed is "past the
agreed date", with the offer of a conversation, never a red wall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.attention import Attention, attention_of
from domain.cadence import check_in_times
from domain.models import (
    Actor,
    CheckInAnswer,
    CommitmentStatus,
    HistoryEntry,
)
from domain.support import CommitmentKind, SupportAnswer
from domain.working_time import PersonSchedule, next_reachable
from workflows.commitment.client import CommitmentRow
from workflows.commitment.contracts import CommitmentView

DONE_RECENTLY = timedelta(days=7)

STATUS_WORDS: dict[CommitmentStatus, str] = {
    CommitmentStatus.AWAITING_ACCEPTANCE: "Waiting for an answer",
    CommitmentStatus.CLARIFYING: "Talking the expectation through",
    CommitmentStatus.ACTIVE: "Under way",
    CommitmentStatus.MISSED: "Past the agreed date",
    CommitmentStatus.AWAITING_RETURN: "Past the agreed date, waiting until they are back",
    CommitmentStatus.IN_CONVERSATION: "In conversation",
    CommitmentStatus.DONE: "Done",
    CommitmentStatus.RELEASED: "Released",
}
ANSWER_WORDS: dict[CheckInAnswer, str] = {
    CheckInAnswer.ON_TRACK: "On track",
    CheckInAnswer.AT_RISK: "At risk",
    CheckInAnswer.BLOCKED: "Blocked",
    CheckInAnswer.DONE: "Done",
}
_EVENT_WORDS: dict[str, str] = {
    "accepted": "accepted the expectation",
    "lets_talk": "asked to talk it through",
    "expectation_revised": "changed the expectation",
    "check_in": "checked in",
    "done": "marked it done",
    "done_on_time": "marked it done",
    "released": "released it",
    "revision_proposed": "proposed a change",
    "revision_agreed": "agreed the change",
    "conversation_requested": "offered a conversation",
    "support_promised": "promised support",
    "support_requested": "asked for support",
    "support_answered:talk": "answered the request for support: let's talk",
    "support_answered:not_possible": "answered the request for support: not possible",
}
# Support's history details carry ids and machine dates; the support section says it better.
_QUIET_DETAILS = frozenset({"support_promised"})


Group = Attention
"""The sections of a list (:class:`domain.attention.Attention`, the workflow's index too)."""


GROUP_HEADINGS: dict[Group, str] = {
    Group.NEEDS_A_HAND: "Blocked or at risk",
    Group.WAITING: "Waiting for an answer",
    Group.TALKING: "Past the agreed date, or in conversation",
    Group.UNDER_WAY: "Under way",
    Group.DONE: "Done this week",
}


def first_name(name: str) -> str:
    """Return the first word of a display name (``Sam`` of ``Sam Okafor``)."""
    return name.split()[0] if name.strip() else name


def when(at: datetime, zone: ZoneInfo) -> str:
    """Return an instant as a person reads it in their zone: ``Tue 10 Mar, 17:00``.

    Args:
        at: an aware instant.
        zone: the reader's zone.

    Returns:
        The words.
    """
    local = at.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


@dataclass(frozen=True)
class Card:
    """One commitment in a list."""

    commitment_id: str
    title: str
    owner: str
    owner_email: str
    status: CommitmentStatus
    status_words: str
    due: str
    past_due: bool
    last_answer: str | None = None
    last_note: str | None = None
    group: Group = Group.UNDER_WAY
    promised: str | None = None
    """On an owner's work: the latest open promise of support ("Maya promised: …")."""


def last_check_in_answer(view: CommitmentView | None) -> CheckInAnswer | None:
    """Return the latest check-in's answer, if any."""
    if view is None or not view.check_ins:
        return None
    return view.check_ins[-1].answer


def group_of(status: CommitmentStatus, answer: CheckInAnswer | None) -> Group:
    """Return the section a commitment belongs in (the rule of :func:`attention_of`).

    Args:
        status: where it stands.
        answer: its latest check-in answer, if any.

    Returns:
        The group.
    """
    return attention_of(status, answer)


def card(
    row: CommitmentRow,
    view: CommitmentView | None,
    *,
    zone: ZoneInfo,
    now: datetime,
    names: dict[str, str],
    viewer: str = "",
    support_status: dict[str, CommitmentStatus] | None = None,
) -> Card:
    """Build a list's card from visibility's row and, when it could be read, the view.

    A promise of support is labelled as one ("You promised Sam: …"); an owner's work shows
    the latest promise made to it that is still open ("Maya promised: …").

    Args:
        row: the commitment as visibility knows it.
        view: its view (for the latest answer and note), or ``None``.
        zone: the reader's zone.
        now: the current instant.
        names: display names by email, where known.
        viewer: the reader's email.
        support_status: where each promise of support stands, by its commitment's id.

    Returns:
        The card.
    """
    status = view.status if view is not None else row.status
    answer = last_check_in_answer(view)
    title = view.spec.title if view is not None else (row.title or "A commitment")
    # Without a view, the owner's name comes from the directory (``names``).
    owner = view.spec.owner.display_name if view is not None else names.get(row.owner, row.owner)
    note = view.check_ins[-1].note if view is not None and view.check_ins else None
    due = view.spec.due if view is not None else row.due
    promised = None
    if view is not None and view.kind is CommitmentKind.SUPPORT:
        title = promise_title(view, viewer, title)
    elif view is not None:
        promised = open_promise_words(view, zone, support_status or {})
    return Card(
        commitment_id=row.commitment_id,
        title=title,
        owner=owner,
        owner_email=row.owner,
        status=status,
        status_words=STATUS_WORDS[status],
        due=when(due, zone),
        past_due=due <= now and not status.is_closed,
        last_answer=ANSWER_WORDS[answer] if answer is not None else None,
        last_note=note,
        group=group_of(status, answer),
        promised=promised,
    )


def promise_title(view: CommitmentView, viewer: str, title: str) -> str:
    """Label a promise of support: "You promised Sam: …" (or "Maya promised Sam: …").

    Args:
        view: the promise's own commitment (owned by who promised, for its ``manager``).
        viewer: the reader's email.
        title: what was promised.

    Returns:
        The card's title.
    """
    for_whom = first_name(view.spec.manager.display_name)
    if viewer == view.spec.owner.email:
        return f"You promised {for_whom}: {title}"
    return f"{first_name(view.spec.owner.display_name)} promised {for_whom}: {title}"


def open_promise_words(
    view: CommitmentView, zone: ZoneInfo, support_status: dict[str, CommitmentStatus]
) -> str | None:
    """Say the latest promise of support still open on an owner's work, if any.

    Args:
        view: the owner's commitment.
        zone: the reader's zone.
        support_status: where each promise stands; an unread one counts as open.

    Returns:
        "Maya promised: … (by Tue 10 Mar, 17:00)", or ``None``.
    """
    for promise in reversed(view.support):
        status = support_status.get(promise.support_id)
        if status is None or not status.is_closed:
            manager = first_name(view.spec.manager.display_name)
            return f"{manager} promised: {promise.what} (by {when(promise.due, zone)})"
    return None


PROMISE_STATE_WORDS = {
    "promised": "promised",
    "kept": "kept",
    "kept_late": "kept, a little after the date",
    "past": "not yet done, past the date",
    "ended": "no longer needed: the work it was for has ended",
}


def promise_state(
    due: datetime, now: datetime, status: CommitmentStatus | None, completed_at: datetime | None
) -> str:
    """Return where a promise of support stands, in kind words.

    Args:
        due: when it was promised by.
        now: the current instant.
        status: its own commitment's status; ``None`` when it could not be read.
        completed_at: when it was done, if it was.

    Returns:
        "promised", "kept", "kept, a little after the date", "not yet done, past the date",
        or that it is no longer needed.
    """
    if status is CommitmentStatus.DONE:
        after = completed_at is not None and completed_at > due
        return PROMISE_STATE_WORDS["kept_late" if after else "kept"]
    if status is CommitmentStatus.RELEASED:
        return PROMISE_STATE_WORDS["ended"]
    return PROMISE_STATE_WORDS["past" if due <= now else "promised"]


@dataclass(frozen=True)
class PromiseLine:
    """One promise of support on an owner's commitment, as its story shows it."""

    commitment_id: str
    what: str
    by: str
    state: str


def promise_lines(
    view: CommitmentView, promises: dict[str, CommitmentView], zone: ZoneInfo, now: datetime
) -> list[PromiseLine]:
    """Describe each promise of support made to this commitment, oldest first.

    Args:
        view: the owner's commitment.
        promises: the promises' own views, by id (a missing one is read as still promised).
        zone: the reader's zone.
        now: the current instant.

    Returns:
        One line per promise.
    """
    lines = []
    for promise in view.support:
        own = promises.get(promise.support_id)
        state = promise_state(
            promise.due,
            now,
            own.status if own is not None else None,
            own.completed_at if own is not None else None,
        )
        lines.append(
            PromiseLine(
                commitment_id=promise.support_id,
                what=promise.what,
                by=when(promise.due, zone),
                state=state,
            )
        )
    return lines


_ANSWER_WORDS: dict[SupportAnswer, str] = {
    SupportAnswer.PROMISED: "promised (see above)",
    SupportAnswer.TALK: "let's talk: a conversation is offered",
    SupportAnswer.NOT_POSSIBLE: "not possible",
}


@dataclass(frozen=True)
class RequestLine:
    """One request for support, and its answer."""

    at: str
    note: str | None
    answer: str


def request_lines(view: CommitmentView, zone: ZoneInfo) -> list[RequestLine]:
    """Describe each request for support: what was asked, when, and the answer.

    Args:
        view: the owner's commitment.
        zone: the reader's zone.

    Returns:
        One line per request, oldest first.
    """
    lines = []
    for request in view.support_requests:
        if request.answer is None:
            answer = "waiting for an answer"
        else:
            answer = (
                f"{when(request.answered_at or request.at, zone)}: " + _ANSWER_WORDS[request.answer]
            )
            if request.answer is SupportAnswer.NOT_POSSIBLE and request.reason:
                answer += f", because “{request.reason}”"
        lines.append(RequestLine(at=when(request.at, zone), note=request.note, answer=answer))
    return lines


def has_open_request(view: CommitmentView) -> bool:
    """Whether the owner's latest request for support waits for an answer."""
    return any(request.answer is None for request in view.support_requests)


@dataclass(frozen=True)
class Section:
    """One group of cards under its heading."""

    group: Group
    heading: str
    cards: list[Card] = field(default_factory=list)


def sections(cards: list[Card], headings: dict[Group, str] | None = None) -> list[Section]:
    """Sort cards into the groups, in order, leaving out empty ones.

    Args:
        cards: the page's cards.
        headings: headings to use instead of :data:`GROUP_HEADINGS` for some groups.

    Returns:
        The non-empty sections, blocked and at risk first.
    """
    words = {**GROUP_HEADINGS, **(headings or {})}
    result = []
    for group in Group:
        members = [item for item in cards if item.group is group]
        if members:
            result.append(Section(group=group, heading=words[group], cards=members))
    return result


def version_of(view: CommitmentView) -> str:
    """Return what a page was rendered from, so an action on a changed commitment is refused.

    Messages Accord sends also enter the history, so only what people decide counts: the
    status, the answers, the revisions and whether one is pending.

    Args:
        view: the commitment.

    Returns:
        A short token, the same while nothing a person decided has changed.
    """
    pending = "p" if view.pending_revision is not None else "-"
    answered = sum(1 for request in view.support_requests if request.answer is not None)
    support = f"{len(view.support)}.{len(view.support_requests)}.{answered}"
    return f"{view.status.value}.{len(view.check_ins)}.{len(view.revisions)}.{pending}.{support}"


@dataclass(frozen=True)
class StoryEvent:
    """One line of a commitment's story."""

    at: str
    words: str
    note: str | None = None


def _who(actor: Actor, view: CommitmentView) -> str:
    if actor is Actor.SYSTEM:
        return "Accord"
    return first_name(view.spec.person(actor).display_name)


def _event(entry: HistoryEntry, view: CommitmentView, zone: ZoneInfo) -> StoryEvent | None:
    words = _EVENT_WORDS.get(entry.kind)
    if words is None:
        return None
    return StoryEvent(
        at=when(entry.at, zone),
        words=f"{_who(entry.actor, view)} {words}",
        note=None if entry.kind in _QUIET_DETAILS else (entry.detail or None),
    )


def story_events(view: CommitmentView, zone: ZoneInfo) -> list[StoryEvent]:
    """Return what people did, oldest first (Accord's own messages left out).

    Args:
        view: the commitment.
        zone: the reader's zone.

    Returns:
        The events.
    """
    opening = f"{first_name(view.spec.manager.display_name)} set the expectation"
    if view.kind is CommitmentKind.SUPPORT:
        # A promise of support is made by its owner, for the person named its manager.
        opening = f"{first_name(view.spec.owner.display_name)} promised it"
    events = [StoryEvent(at=when(view.created_at, zone), words=opening)]
    for entry in view.history:
        if entry.kind in ("check_in",):
            continue
        event = _event(entry, view, zone)
        if event is not None:
            events.append(event)
    return events


def activated_at(view: CommitmentView) -> datetime | None:
    """When the expectation (or its latest revision) was last agreed, if ever."""
    for entry in reversed(view.history):
        if entry.kind in ("accepted", "revision_agreed"):
            return entry.at
    return None


def next_step(
    view: CommitmentView,
    *,
    viewer: str,
    zone: ZoneInfo,
    now: datetime,
    owner_schedule: PersonSchedule | None = None,
) -> str:
    """Say what Accord will do next, and when, in the reader's zone.

    Check-ins follow the commitment's cadence from its agreement, and the courier waits for
    the owner's working hours and their return from an absence: with the owner's schedule the
    time shown is when the check-in can reach them, without it the cadence's own time.

    Args:
        view: the commitment.
        viewer: the reader's email.
        zone: the reader's zone.
        now: the current instant.
        owner_schedule: the owner's working hours and absences, when they could be read.

    Returns:
        One sentence.
    """
    owner = first_name(view.spec.owner.display_name)
    owner_is_viewer = viewer == view.spec.owner.email
    status = view.status
    if status.is_closed:
        return "Nothing more: this commitment has ended."
    if status is CommitmentStatus.AWAITING_ACCEPTANCE:
        return (
            "Accord is waiting for your answer, and will remind you kindly in your working hours."
            if owner_is_viewer
            else f"Accord is waiting for {owner}'s answer, and will remind them kindly."
        )
    if status is CommitmentStatus.CLARIFYING:
        return "Accord waits while you talk the expectation through."
    if status is CommitmentStatus.IN_CONVERSATION:
        return "Accord has looked for a time for the two of you to talk."
    if status in (CommitmentStatus.MISSED, CommitmentStatus.AWAITING_RETURN):
        return "The agreed date has passed: Accord offers a conversation to agree what's next."
    if view.pending_revision is not None:
        return "A change is proposed: Accord waits for the other person to agree."
    start = activated_at(view)
    if start is None or start >= view.spec.due:
        return f"The agreed date is {when(view.spec.due, zone)} your time."
    upcoming = [at for at in check_in_times(start, view.spec.due, view.spec.cadence) if at > now]
    if not upcoming:
        return f"No more check-ins: the agreed date is {when(view.spec.due, zone)} your time."
    due_at = upcoming[0]
    if owner_schedule is not None:
        reachable = next_reachable(due_at, owner_schedule)
        if reachable is None:
            back = "you're" if owner_is_viewer else f"{owner} is"
            return f"The next check-in waits until {back} back."
        due_at = reachable
    return f"Next check-in {when(due_at, zone)} your time."


def revision_words(view: CommitmentView, zone: ZoneInfo) -> list[str]:
    """Describe each agreed revision: old and new date, scope, reason, who proposed and agreed.

    Args:
        view: the commitment.
        zone: the reader's zone.

    Returns:
        One sentence per revision, oldest first.
    """
    lines = []
    for revision in view.revisions:
        parts = [f"{when(revision.at, zone)}: {_who(revision.proposed_by, view)} proposed"]
        if revision.changes_due:
            old, new = when(revision.old_due, zone), when(revision.new_due, zone)
            parts.append(f"moving the date from {old} to {new}")
        if revision.old_scope != revision.new_scope:
            parts.append(f"the scope “{revision.new_scope}” (was “{revision.old_scope}”)")
        sentence = " ".join(parts)
        if revision.reason:
            sentence += f", because “{revision.reason}”"
        lines.append(f"{sentence}; {_who(revision.accepted_by, view)} agreed.")
    return lines


def pending_words(view: CommitmentView, zone: ZoneInfo) -> str:
    """Describe the proposed change waiting for agreement (empty when there is none)."""
    proposal = view.pending_revision
    if proposal is None:
        return ""
    parts = [f"{_who(proposal.proposed_by, view)} proposed"]
    if proposal.changes_due:
        parts.append(f"the date {when(proposal.new_due, zone)}")
    if proposal.old_scope != proposal.new_scope:
        parts.append(f"the scope “{proposal.new_scope}”")
    sentence = " ".join(parts)
    return f"{sentence}, because “{proposal.reason}”." if proposal.reason else f"{sentence}."


def meeting_words(view: CommitmentView, zone: ZoneInfo) -> str:
    """Describe the 1:1 Accord planned, if any (empty when there is none)."""
    if view.meeting is None:
        return ""
    start = when(view.meeting.slot.start, zone)
    return f"A conversation on {start} your time ({view.meeting.purpose})."


_OPEN_TALKS = (
    CommitmentStatus.ACTIVE,
    CommitmentStatus.MISSED,
    CommitmentStatus.AWAITING_RETURN,
    CommitmentStatus.IN_CONVERSATION,
)


def actions_for(view: CommitmentView, viewer: str) -> list[str]:
    """Return the actions the page offers this reader (the workflow still decides).

    Args:
        view: the commitment.
        viewer: the reader's email.

    Returns:
        Action names, as the story template knows them.
    """
    status = view.status
    if status.is_closed:
        return []
    is_owner = viewer == view.spec.owner.email
    is_manager = viewer == view.spec.manager.email
    actions: list[str] = []
    pending = view.pending_revision
    if pending is not None and (
        (is_owner and pending.proposed_by is Actor.MANAGER)
        or (is_manager and pending.proposed_by is Actor.OWNER)
    ):
        actions.append("agree_revision")
    if is_owner:
        if status is CommitmentStatus.AWAITING_ACCEPTANCE:
            actions += ["accept", "lets_talk"]
        elif status is CommitmentStatus.CLARIFYING:
            actions.append("accept")
        elif status is CommitmentStatus.ACTIVE:
            actions += ["check_in", "propose_revision", "complete"]
        elif status in _OPEN_TALKS:
            actions += ["propose_revision", "complete"]
    if is_manager:
        if status in _OPEN_TALKS:
            actions += ["conversation", "propose_revision"]
        actions.append("release")
    if view.kind is CommitmentKind.COMMITMENT:
        # Support runs the other way up: the owner asks, only the manager promises.
        if is_owner and status in _OPEN_TALKS:
            actions.append("ask_support")
        if is_manager:
            actions.append("promise_support")
            if has_open_request(view):
                actions.append("answer_support")
    return actions

"""Revisions once the expectation is agreed: either person proposes, the other one agrees.

A revision can be proposed in every open, agreed status (active, missed, awaiting the owner's
return, in conversation) and agreed by the other person in that same status; agreeing makes
the commitment active again (an active one stays active) with the new date and scope, and
its history keeps the old and new date and scope, the reason, who proposed and who agreed.
"""

from __future__ import annotations

from domain.action_links import LinkAction
from domain.lifecycle.actions import AcceptRevision, ProposeRevision
from domain.lifecycle.effects import Replan, SendMessage
from domain.lifecycle.rules import Draft, Refusal, require_future, require_open
from domain.lifecycle.transitions import NOT_YET_AGREED, OPEN
from domain.messages.kinds import MessageKind
from domain.models import Actor, CommitmentStatus, Revision, RevisionProposal


def propose_revision(draft: Draft, proposal: ProposeRevision) -> None:
    """Either person proposes a new due date or scope; it waits for the other one."""
    require_open(draft)
    state = draft.state
    if state.status in NOT_YET_AGREED:
        raise Refusal(
            "The expectation is not agreed yet; the manager can revise it directly.",
            "wrong-status",
        )
    if proposal.new_due is None and not proposal.new_scope:
        raise Refusal("A revision needs a new due date or a new scope.", "invalid-input")
    if proposal.new_due is not None:
        require_future(proposal.new_due, draft.now)
    if proposal.new_due in (None, state.spec.due) and proposal.new_scope in (
        None,
        state.spec.success_criteria,
    ):
        raise Refusal("The revision must change the due date or the scope.", "invalid-input")
    assert draft.role is not None  # noqa: S101 - require_role let only the two people through
    pending = RevisionProposal(
        old_due=state.spec.due,
        new_due=proposal.new_due or state.spec.due,
        old_scope=state.spec.success_criteria,
        new_scope=proposal.new_scope or state.spec.success_criteria,
        reason=proposal.reason or "",
        proposed_by=draft.role,
        at=draft.now,
    )
    state.pending_revision = pending
    draft.record("revision_proposed", proposal.reason or "")
    other = Actor.MANAGER if draft.role is Actor.OWNER else Actor.OWNER
    draft.effects.append(
        SendMessage(
            MessageKind.REVISION_PROPOSED,
            other,
            details={"proposal": pending.model_dump(mode="json")},
            actions=_revision_links(state.is_support, other),
            valid_in=OPEN,
        )
    )
    draft.effects.append(Replan())


def _revision_links(support: bool, reader: Actor) -> dict[str, LinkAction]:
    links = {"accept_url": LinkAction.ACCEPT_REVISION}
    if not support:
        # A promise of support has no conversation of its own: it is talked about on the
        # commitment it supports.
        links["talk_url"] = (
            LinkAction.REQUEST_CONVERSATION if reader is Actor.MANAGER else LinkAction.TALK
        )
    return links


def accept_revision(draft: Draft, action: AcceptRevision) -> None:
    """The other person agrees; the commitment is active again with the new date and scope."""
    del action
    require_open(draft)
    state = draft.state
    pending = state.pending_revision
    if pending is None:
        raise Refusal("There is no proposed revision to accept.", "nothing-to-agree")
    if pending.proposed_by is draft.role:
        raise Refusal(
            "A revision is agreed by the other person, not by whoever proposed it.", "not-yours"
        )
    assert draft.role is not None  # noqa: S101 - require_role let only the two people through
    revision = pending.accept(draft.role, draft.now)
    state.revisions.append(revision)
    state.pending_revision = None
    state.spec = state.spec.model_copy(
        update={"due": revision.new_due, "success_criteria": revision.new_scope}
    )
    state.after_deadline = False
    # The legacy rules wrote no detail; replaying their runs must write none either.
    detail = describe(revision) if draft.rules.agreeing_keeps_status else ""
    draft.move_to(CommitmentStatus.ACTIVE, "revision_agreed", detail=detail)
    for role in (Actor.OWNER, Actor.MANAGER):
        draft.effects.append(
            SendMessage(
                MessageKind.REVISION_AGREED,
                role,
                details={"revision": revision.model_dump(mode="json")},
            )
        )


def describe(revision: Revision) -> str:
    """Say in one line what a revision changed, why, and who proposed and agreed it."""
    due = (
        f"due {revision.old_due.isoformat()} -> {revision.new_due.isoformat()}"
        if revision.changes_due
        else f"due {revision.new_due.isoformat()} (unchanged)"
    )
    scope = (
        f"scope {revision.old_scope!r} -> {revision.new_scope!r}"
        if revision.changes_scope
        else "scope unchanged"
    )
    reason = f"reason: {revision.reason}" if revision.reason else "no reason given"
    return (
        f"{due}; {scope}; {reason}; proposed by the {revision.proposed_by.value}, "
        f"agreed by the {revision.accepted_by.value}."
    )

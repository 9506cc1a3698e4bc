"""The lifecycle as one function: ``decide(state, action, actor, now)``.

It never changes the state it is given and reads no clock: it returns a
:class:`~domain.lifecycle.effects.Decision` (the new state and its effects, in order) or a
:class:`~domain.lifecycle.effects.Rejection` (why not, for the person), so whatever is
refused has changed nothing. An action whose id was applied already is a decision with
nothing in it: a link used twice, a retried request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.lifecycle import actions, agreeing, checking_in, closing, revising
from domain.lifecycle.effects import Decision, Outcome, Rejection
from domain.lifecycle.rules import CURRENT_RULES, Draft, Refusal, Rules, require_role, role_of
from domain.lifecycle.state import CommitmentState
from domain.models import Actor

_PERSON = (Actor.OWNER, Actor.MANAGER)
# Who may take each action: checked before anything else, a reused id included.
_WHO: dict[type[Any], tuple[Actor, ...]] = {
    actions.Accept: (Actor.OWNER,),
    actions.LetsTalk: (Actor.OWNER,),
    actions.ReviseExpectation: (Actor.MANAGER,),
    actions.AnswerCheckIn: (Actor.OWNER,),
    actions.Complete: (Actor.OWNER,),
    actions.ProposeRevision: _PERSON,
    actions.AcceptRevision: _PERSON,
    actions.RequestConversation: (Actor.MANAGER,),
    actions.Release: (Actor.MANAGER,),
    actions.DeadlineReached: (Actor.SYSTEM,),
    actions.OwnerReturned: (Actor.SYSTEM,),
    actions.PlanConversation: (Actor.SYSTEM,),
}
_RULES: dict[type[Any], Callable[[Draft, Any], None]] = {
    actions.Accept: agreeing.accept,
    actions.LetsTalk: agreeing.lets_talk,
    actions.ReviseExpectation: agreeing.revise_expectation,
    actions.AnswerCheckIn: checking_in.check_in,
    actions.Complete: checking_in.complete,
    actions.ProposeRevision: revising.propose_revision,
    actions.AcceptRevision: revising.accept_revision,
    actions.RequestConversation: closing.request_conversation,
    actions.Release: closing.release,
    actions.DeadlineReached: closing.deadline_reached,
    actions.OwnerReturned: closing.owner_returned,
    actions.PlanConversation: closing.plan_conversation,
}


def decide(
    state: CommitmentState,
    action: actions.Action,
    actor: str,
    now: datetime,
    *,
    rules: Rules = CURRENT_RULES,
) -> Outcome:
    """Decide what an action does to a commitment.

    Args:
        state: the commitment's state; never changed.
        action: what is being done.
        actor: the acting person's email address, or ``Actor.SYSTEM`` for Accord itself.
        now: the current instant (the workflow's clock).
        rules: the generation of the rules; only replays of old runs pass another.

    Returns:
        The decision (new state and effects), or the rejection with its reason.
    """
    action_id = getattr(action, "action_id", None)
    draft = Draft(
        state=state.draft(), role=role_of(state, actor), now=now, rules=rules, action_id=action_id
    )
    try:
        require_role(draft, *_WHO[type(action)])
        if state.has_applied(action_id):
            return Decision(state)
        _RULES[type(action)](draft, action)
    except Refusal as refusal:
        return Rejection(refusal.reason, refusal.problem, refusal.leaves)
    if not draft.effects and draft.state == state:
        return Decision(state)
    return Decision(draft.state, tuple(draft.effects))

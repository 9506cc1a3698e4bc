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

from domain.authorization import WHO_MAY, Party
from domain.authorization import Action as PolicyAction
from domain.lifecycle import actions, agreeing, checking_in, closing, revising, supporting
from domain.lifecycle.effects import Decision, Outcome, Rejection
from domain.lifecycle.rules import CURRENT_RULES, Draft, Refusal, Rules, require_role, role_of
from domain.lifecycle.state import CommitmentState
from domain.models import Actor

# Each person's action, as the one policy names it: who may take it is decided there
# (domain/authorization.py's WHO_MAY), for the API, links, Teams cards and intake alike.
POLICY_ACTION: dict[type[Any], PolicyAction] = {
    actions.Accept: PolicyAction.ACCEPT,
    actions.LetsTalk: PolicyAction.LETS_TALK,
    actions.ReviseExpectation: PolicyAction.REVISE,
    actions.AnswerCheckIn: PolicyAction.CHECK_IN,
    actions.Complete: PolicyAction.MARK_DONE,
    actions.ProposeRevision: PolicyAction.PROPOSE_REVISION,
    actions.AcceptRevision: PolicyAction.AGREE_REVISION,
    actions.RequestConversation: PolicyAction.BOOK_CONVERSATION,
    actions.Release: PolicyAction.RELEASE,
    actions.PromiseSupport: PolicyAction.PROMISE_SUPPORT,
    # The owner asks; never sets their manager an expectation (domain/support.py).
    actions.RequestSupport: PolicyAction.REQUEST_SUPPORT,
    actions.AnswerSupportRequest: PolicyAction.ANSWER_SUPPORT_REQUEST,
}
# Who may take each action: checked before anything else, a reused id included.
_WHO: dict[type[Any], tuple[Actor, ...]] = {
    **{
        kind: tuple(
            actor for actor in (Actor.OWNER, Actor.MANAGER) if Party(actor.value) in WHO_MAY[name]
        )
        for kind, name in POLICY_ACTION.items()
    },
    actions.DeadlineReached: (Actor.SYSTEM,),
    actions.OwnerReturned: (Actor.SYSTEM,),
    actions.PlanConversation: (Actor.SYSTEM,),
    actions.SupportedWorkEnded: (Actor.SYSTEM,),
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
    actions.PromiseSupport: supporting.promise_support,
    actions.RequestSupport: supporting.request_support,
    actions.AnswerSupportRequest: supporting.answer_support_request,
    actions.DeadlineReached: closing.deadline_reached,
    actions.OwnerReturned: closing.owner_returned,
    actions.PlanConversation: closing.plan_conversation,
    actions.SupportedWorkEnded: supporting.supported_work_ended,
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
        supporting.refuse_on_support(state, action)
        _RULES[type(action)](draft, action)
    except Refusal as refusal:
        return Rejection(refusal.reason, refusal.problem, refusal.leaves)
    if not draft.effects and draft.state == state:
        return Decision(state)
    return Decision(draft.state, tuple(draft.effects))

"""The real workflow decides as its core does: generated sequences played on both.

A handful of repeatable sequences of people's actions (every person, links used twice,
notes, revisions both ways) go to the workflow (time-skipping server, real activities, the
sandbox) and to :func:`domain.lifecycle.decide`; each step must be accepted or refused
alike, with the same reason, and the views must agree at the end.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.lifecycle import Decision, Rejection, decide
from domain.lifecycle import actions as act
from domain.lifecycle.state import CommitmentState
from domain.models import Actor, Person
from tests.support.lifecycle import Lifecycle, spec_for
from tests.support.lifecycle import act as run_update
from tests.support.lifecycle_model import Step, describe_state, random_steps
from tests.support.people import SAM
from workflows.commitment import contracts as c
from workflows.commitment.contracts import CommitmentView
from workflows.commitment.workflow import CommitmentWorkflow

SEQUENCES = 8
SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")


def _update(step: Step) -> tuple[Any, Any]:
    """The workflow's update for a step, and its input."""
    who: dict[str, Any] = {"actor": step.actor, "action_id": step.action.action_id}
    match step.action:
        case act.Accept():
            return CommitmentWorkflow.accept, c.ActorAction(**who)
        case act.LetsTalk():
            return CommitmentWorkflow.lets_talk, c.LetsTalk(**who)
        case act.ReviseExpectation(due=due, reason=reason):
            return CommitmentWorkflow.revise_expectation, c.ReviseExpectation(
                **who, due=due, reason=reason
            )
        case act.AnswerCheckIn(answer=answer, note=note):
            return CommitmentWorkflow.check_in, c.CheckInAnswerInput(
                **who, answer=answer, note=note
            )
        case act.Complete(note=note):
            return CommitmentWorkflow.complete, c.Complete(**who, note=note)
        case act.ProposeRevision(new_due=new_due, new_scope=new_scope, reason=reason):
            return CommitmentWorkflow.propose_revision, c.ProposeRevision(
                **who, new_due=new_due, new_scope=new_scope, reason=reason
            )
        case act.AcceptRevision():
            return CommitmentWorkflow.accept_revision, c.ActorAction(**who)
        case act.RequestConversation():
            return CommitmentWorkflow.request_conversation, c.ActorAction(**who)
        case act.Release(reason=reason):
            return CommitmentWorkflow.release, c.Release(**who, reason=reason)
    raise AssertionError(step)


@pytest.mark.parametrize("seed", range(SEQUENCES))
async def test_the_workflow_decides_as_its_core(lifecycle: Lifecycle, seed: int) -> None:
    spec = spec_for(SAM_PERSON, lifecycle.now + timedelta(days=10))
    handle = await lifecycle.start(spec)
    commitment_id = handle.id.removeprefix("commitment-")
    state = CommitmentState(spec=spec)
    state.record(lifecycle.now, Actor.MANAGER, "expectation_set", "The expectation was set.")
    for step in random_steps(seed, lifecycle.now, commitment_id):
        now = await lifecycle.env.get_current_time()
        outcome = decide(state, step.action, step.actor, now)
        view, refusal = await _play(handle, step)
        if refusal is not None:
            assert isinstance(outcome, Rejection), (step, refusal)
            assert refusal == outcome.reason, step
        else:
            assert isinstance(outcome, Decision), (step, outcome)
            state = outcome.state
        if view is not None:
            assert describe_state(_as_state(view)) == describe_state(state), step
    final = await handle.query(CommitmentWorkflow.view)
    assert describe_state(_as_state(final)) == describe_state(state)


async def _play(handle: Any, step: Step) -> tuple[CommitmentView | None, str | None]:
    """Send a step to the workflow: its view, or the reason it refused."""
    update, argument = _update(step)
    try:
        return await run_update(handle, update, argument), None
    except WorkflowUpdateFailedError as failure:
        cause = failure.cause
        assert isinstance(cause, ApplicationError)
        return None, cause.message


def _as_state(view: CommitmentView) -> CommitmentState:
    return CommitmentState(
        status=view.status,
        spec=view.spec,
        history=view.history,
        check_ins=view.check_ins,
        revisions=view.revisions,
        pending_revision=view.pending_revision,
    )

"""A Temporal client without Accord's payload key is refused, and the commitment is untouched.

Reaching the namespace is not enough to act: the worker reads only payloads sealed with the
payload key, so a plain client's update is rejected, its start fails and its signal is
dropped, and the commitment goes on as if nothing had been sent.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import (
    Client,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from domain.models import CommitmentStatus, Person
from integrations.temporal.converter import UNENCRYPTED_FAILURE_TYPE
from sandbox.server import SandboxServer
from tests.support.lifecycle import (
    Lifecycle,
    act,
    commitment_input,
    spec_for,
    work_round_the_clock,
)
from tests.support.mailboxes import from_agent
from tests.support.people import SAM
from tests.support.polling import eventually
from workflows.commitment.contracts import ActorAction, CommitmentView
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.refresh import REFRESH_SIGNAL, RefreshRequest

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")


def _without_the_key(lifecycle: Lifecycle) -> Client:
    """A client on the same namespace with Temporal's ordinary converter: no payload key."""
    client = lifecycle.client
    return Client(
        client.service_client, namespace=client.namespace, data_converter=pydantic_data_converter
    )


async def _awaiting(lifecycle: Lifecycle) -> WorkflowHandle[CommitmentWorkflow, CommitmentView]:
    handle = await lifecycle.start(spec_for(SAM_PERSON, lifecycle.now + timedelta(days=10)))
    view = await handle.query(CommitmentWorkflow.view)
    assert view.status is CommitmentStatus.AWAITING_ACCEPTANCE
    return handle


async def _changes(handle: WorkflowHandle[CommitmentWorkflow, CommitmentView]) -> list[str]:
    view = await handle.query(CommitmentWorkflow.view)
    return [entry.kind for entry in view.history if not entry.kind.startswith("sent:")]


async def test_an_update_without_the_payload_key_is_refused_and_changes_nothing(
    lifecycle: Lifecycle,
) -> None:
    handle = await _awaiting(lifecycle)
    plain = _without_the_key(lifecycle).get_workflow_handle_for(CommitmentWorkflow.run, handle.id)

    with pytest.raises(WorkflowUpdateFailedError) as caught:
        _ = await plain.execute_update(CommitmentWorkflow.accept, ActorAction(actor=SAM))

    assert isinstance(caught.value.cause, ApplicationError)
    assert caught.value.cause.type == UNENCRYPTED_FAILURE_TYPE
    assert caught.value.cause.non_retryable
    view = await handle.query(CommitmentWorkflow.view)
    assert view.status is CommitmentStatus.AWAITING_ACCEPTANCE
    assert await _changes(handle) == ["expectation_set"]
    # The refusal did not wedge the workflow: a sealed accept still goes through.
    view = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    assert view.status is CommitmentStatus.ACTIVE


async def test_a_signal_without_the_payload_key_is_dropped(
    lifecycle: Lifecycle, sandbox: SandboxServer, graph: GraphServiceClient
) -> None:
    # Sam reads mail at any hour, so no message is waiting and a refresh would run at once.
    await work_round_the_clock(graph, SAM)
    handle = await _awaiting(lifecycle)
    _ = await eventually(lambda: from_agent(sandbox, SAM))
    latest = lifecycle.client.get_workflow_handle(handle.id)
    first_run = (await latest.describe()).run_id
    plain = _without_the_key(lifecycle).get_workflow_handle(handle.id)

    await plain.signal(REFRESH_SIGNAL, RefreshRequest())
    view = await act(latest, CommitmentWorkflow.accept, ActorAction(actor=SAM))

    assert view.status is CommitmentStatus.ACTIVE
    # A refresh that was read would have continued the commitment as a new run.
    assert (await latest.describe()).run_id == first_run


async def test_a_commitment_started_without_the_payload_key_fails_before_doing_anything(
    lifecycle: Lifecycle,
) -> None:
    request = commitment_input("plain-start")
    plain = await _without_the_key(lifecycle).start_workflow(
        CommitmentWorkflow.run,
        request,
        id=f"plain-{request.commitment_id}",
        task_queue=lifecycle.task_queue,
    )

    with pytest.raises(WorkflowFailureError) as caught:
        _ = await plain.result()

    assert isinstance(caught.value.cause, ApplicationError)
    assert caught.value.cause.type == UNENCRYPTED_FAILURE_TYPE
    history = await plain.fetch_history()
    assert not [
        event
        for event in history.events
        if event.HasField("activity_task_scheduled_event_attributes")
    ]

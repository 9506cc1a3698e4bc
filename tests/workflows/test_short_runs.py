"""A commitment's run starts again once its history is long, carrying everything.

A worker keeps, for each cached run, state in Temporal's core that grows with every event the
run has replayed; a commitment followed for months would hold hundreds of KiB. Past its
``run_events`` (``ACCORD_COMMITMENT_RUN_EVENTS`` where the API and intake start it), the run
continues as new at its next wait with nothing in flight.

On the dev server: the time-skipping test server does not continue a run as new atomically.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from accord.settings import COMMITMENT_RUN_EVENTS
from domain.models import CheckInAnswer, CommitmentStatus, Person
from sandbox.server import SandboxServer
from tests.support.lifecycle import (
    act,
    both_round_the_clock,
    lifecycle_worker,
    spec_for,
    start_commitment,
)
from tests.support.mailboxes import from_agent
from tests.support.people import SAM
from tests.support.polling import eventually
from workflows.commitment.contracts import ActorAction, CheckInAnswerInput, Complete
from workflows.commitment.workflow import CommitmentWorkflow

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
RUN_EVENTS = COMMITMENT_RUN_EVENTS
"""The production default, which the API and intake start commitments with."""
ANSWERS = 24
"""Each answer adds about six events: enough to pass RUN_EVENTS more than once."""
SLACK = 60
"""Events a run may add past RUN_EVENTS before it ends. A run hands over only at a wait with
nothing in flight, and these answers come back to back (each waits for the last only), so a
run busy with them grows on meanwhile: 44 past the length was seen with 30."""


async def _runs(client: Client, handle: WorkflowHandle[Any, Any]) -> list[tuple[str, int]]:
    """Each run of the commitment, oldest first: its status and how many events it has."""
    runs = []
    run_id: str | None = handle.first_execution_run_id
    while run_id:
        run = client.get_workflow_handle(handle.id, run_id=run_id)
        described = await run.describe()
        history = await run.fetch_history()
        runs.append((str(described.status and described.status.name), len(history.events)))
        completed = history.events[-1].workflow_execution_continued_as_new_event_attributes
        run_id = completed.new_execution_run_id or None
    return runs


async def test_a_long_run_continues_as_new_and_loses_nothing(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    now = await both_round_the_clock(dev_server, graph)
    client = dev_server.client
    async with lifecycle_worker(client, task_queue, sandbox, graph):
        handle = await start_commitment(
            client,
            task_queue,
            spec_for(SAM_PERSON, now + timedelta(days=30)),
            now,
            run_events=RUN_EVENTS,
        )
        _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
        for number in range(ANSWERS):
            _ = await act(
                handle,
                CommitmentWorkflow.check_in,
                CheckInAnswerInput(actor=SAM, answer=CheckInAnswer.ON_TRACK, note=f"Step {number}"),
            )
        first = client.get_workflow_handle(handle.id, run_id=handle.first_execution_run_id)
        await eventually(lambda: _continued(first))
        latest = client.get_workflow_handle_for(CommitmentWorkflow.run, handle.id)
        view = await latest.query(CommitmentWorkflow.view)
        assert view.status is CommitmentStatus.ACTIVE
        assert [c.note for c in view.check_ins] == [f"Step {n}" for n in range(ANSWERS)]
        view = await act(latest, CommitmentWorkflow.complete, Complete(actor=SAM))
        assert view.status is CommitmentStatus.DONE
        assert (await latest.result()).status is CommitmentStatus.DONE
        runs = await _runs(client, handle)
    assert len(runs) >= 3, runs
    assert all(status == "CONTINUED_AS_NEW" for status, _ in runs[:-1]), runs
    assert all(events <= RUN_EVENTS + SLACK for _, events in runs), runs
    # The expectation went out once across the runs, and the closing note once.
    received = from_agent(sandbox, SAM)
    subjects = [message["subject"] for message in received]
    assert len(subjects) == len(set(subjects)) == 2, subjects


async def _continued(handle: WorkflowHandle[Any, Any]) -> bool | None:
    status = (await handle.describe()).status
    return True if status is WorkflowExecutionStatus.CONTINUED_AS_NEW else None

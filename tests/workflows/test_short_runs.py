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
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from accord.settings import COMMITMENT_RUN_EVENTS
from domain.models import CheckInAnswer, CommitmentStatus
from sandbox.server import SandboxServer
from tests.support.lifecycle import (
    act,
    asleep_past,
    both_round_the_clock,
    continued,
    first_run,
    lifecycle_worker,
    start_for_sam,
)
from tests.support.mailboxes import from_agent
from tests.support.people import SAM
from tests.support.polling import eventually
from workflows.commitment.contracts import (
    MIN_RUN_EVENTS,
    ActorAction,
    CheckInAnswerInput,
    Complete,
)
from workflows.commitment.workflow import CommitmentWorkflow

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
        handle = await start_for_sam(
            client, task_queue, now, due_in=timedelta(days=30), run_events=RUN_EVENTS
        )
        _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
        for number in range(ANSWERS):
            _ = await act(
                handle,
                CommitmentWorkflow.check_in,
                CheckInAnswerInput(actor=SAM, answer=CheckInAnswer.ON_TRACK, note=f"Step {number}"),
            )
        first = first_run(client, handle)
        await eventually(lambda: continued(first))
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


async def test_a_run_whose_start_passed_its_length_hands_over_only_once_woken(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    """A fresh commitment waits for its owner at about 28 events, past the least length.

    Handing over there would start a run that did the same (read schedules, send nothing):
    the run waits until something happens to it, here the owner's acceptance (decision 48).
    """
    now = await both_round_the_clock(dev_server, graph)
    client = dev_server.client
    async with lifecycle_worker(client, task_queue, sandbox, graph):
        handle = await start_for_sam(
            client, task_queue, now, due_in=timedelta(days=30), run_events=MIN_RUN_EVENTS
        )
        await eventually(lambda: len(from_agent(sandbox, SAM)) == 1)
        asleep = await eventually(lambda: asleep_past(handle, MIN_RUN_EVENTS))
        # Asleep past its length, and still the first run: it did not hand over unwoken.
        assert await _runs(client, handle) == [("RUNNING", asleep)]
        _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
        first = first_run(client, handle)
        await eventually(lambda: continued(first))
        latest = client.get_workflow_handle_for(CommitmentWorkflow.run, handle.id)
        await eventually(lambda: asleep_past(latest, 0))
        runs = await _runs(client, handle)
        view = await latest.query(CommitmentWorkflow.view)
    # The new run started with the owner's acceptance and sleeps under the length.
    assert [status for status, _ in runs] == ["CONTINUED_AS_NEW", "RUNNING"], runs
    assert runs[1][1] <= MIN_RUN_EVENTS, runs
    assert view.status is CommitmentStatus.ACTIVE
    # Only the expectation went to Sam: the hand-over sent nothing again.
    assert len(from_agent(sandbox, SAM)) == 1

"""Record the histories the replay tests check new workflow code against.

Run ``./dev python -m tests.support.histories NAME ...`` to record the named scenarios (or
every one, with no name) on a time-skipping server with real activities against a sandbox; it
writes ``tests/workflows/histories/<scenario>.json``. Commit the files with the change.

Keep the histories already committed as they are: each was recorded by the workflow code of
its day, which is what proves that today's code, with its ``workflow.patched`` branches,
still replays what running workflows recorded. A change to the workflow adds a scenario that
takes its new branch, recorded once.

Payloads are encrypted with :data:`HISTORY_KEY`, a fixed key that protects nothing but test
data, so the replay test can decode them.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client, WorkflowHandle
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from domain.models import Person
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.temporal.codec import EncryptionCodec, PayloadKeyRing
from integrations.temporal.converter import build_data_converter
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.intake import (
    INTAKE_GRACE,
    copied_email,
    from_agent,
    in_agent_inbox,
    intake,
    intake_worker_on,
    thread_handle,
    view_of,
)
from tests.support.lifecycle import act, lifecycle_worker, spec_for, start_commitment
from tests.support.people import MANAGER, SAM
from tests.support.polling import eventually
from tests.support.temporal import (
    add_search_attributes,
    local_dev_server,
    time_skipping_server,
)
from workflows.commitment.client import start_commitment as start_indexed
from workflows.commitment.contracts import (
    ActorAction,
    CheckInAnswerInput,
    CommitmentInput,
    CommitmentView,
    Complete,
    LetsTalk,
    MeetingChanged,
    ProposeRevision,
    Release,
    workflow_id_for,
)
from workflows.commitment.support import promise_support
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.intake.contracts import IntakeDecision, IntakeUpdates, IntakeView

HISTORIES = Path(__file__).parents[1] / "workflows" / "histories"
HISTORY_KEY = b"accord-replay-test-key-not-secret"[:32]
SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")

Handle = WorkflowHandle[CommitmentWorkflow, CommitmentView]
Scenario = Callable[[WorkflowEnvironment, Client, str], Awaitable[Handle]]


def history_converter() -> DataConverter:
    """The data converter the committed histories were recorded with."""
    return build_data_converter(EncryptionCodec(PayloadKeyRing([HISTORY_KEY])))


async def _missed_then_revised(env: WorkflowEnvironment, client: Client, task_queue: str) -> Handle:
    """Expectation, acceptance, check-ins, a miss, the 1:1, a revision, done."""
    now = await env.get_current_time()
    handle = await start_commitment(
        client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=5)), now
    )
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await env.sleep(timedelta(days=2))
    await act(handle, CommitmentWorkflow.check_in, CheckInAnswerInput(actor=SAM, answer="at_risk"))
    await env.sleep(timedelta(days=7))
    view = await handle.query(CommitmentWorkflow.view)
    assert view.meeting is not None, "the conversation was not planned"
    await act(
        handle,
        CommitmentWorkflow.propose_revision,
        ProposeRevision(
            actor=SAM, new_due=view.meeting.slot.end + timedelta(days=7), reason="Late data."
        ),
    )
    await act(handle, CommitmentWorkflow.accept_revision, ActorAction(actor=MANAGER))
    await act(handle, CommitmentWorkflow.complete, Complete(actor=SAM, note="Shared with finance."))
    await handle.result()
    return handle


async def _talked_then_released(
    env: WorkflowEnvironment, client: Client, task_queue: str
) -> Handle:
    """Let's talk, a clarification 1:1, then the manager releases the owner."""
    now = await env.get_current_time()
    handle = await start_commitment(
        client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=10)), now
    )
    await env.sleep(timedelta(days=3))
    await act(handle, CommitmentWorkflow.lets_talk, LetsTalk(actor=SAM, question="Which figures?"))
    await env.sleep(timedelta(hours=3))
    await act(handle, CommitmentWorkflow.release, Release(actor=MANAGER, reason="Plans changed."))
    await handle.result()
    return handle


async def _revised_while_active(
    env: WorkflowEnvironment, client: Client, task_queue: str
) -> Handle:
    """The owner accepts, asks for more time; the manager agrees while it is active; released."""
    now = await env.get_current_time()
    due = now + timedelta(days=10)
    handle = await start_commitment(client, task_queue, spec_for(SAM_PERSON, due), now)
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await act(
        handle,
        CommitmentWorkflow.propose_revision,
        ProposeRevision(actor=SAM, new_due=due + timedelta(days=7), reason="Late data."),
    )
    await act(handle, CommitmentWorkflow.accept_revision, ActorAction(actor=MANAGER))
    await env.sleep(timedelta(days=2))
    await act(handle, CommitmentWorkflow.release, Release(actor=MANAGER, reason="Plans changed."))
    await handle.result()
    return handle


async def _support_promised_then_done(
    env: WorkflowEnvironment, client: Client, task_queue: str
) -> Handle:
    """The manager promises support; the owner finishes first, so the promise is let go.

    Recorded after the patches ``support-ends-with-its-work`` and ``attention-index``.
    """
    now = await env.get_current_time()
    # Started as the API starts it, with its search attributes, so that the attention the
    # lists group by is indexed too.
    commitment_id = "support-scenario"
    await start_indexed(
        client,
        CommitmentInput(
            commitment_id=commitment_id,
            spec=spec_for(SAM_PERSON, now + timedelta(days=10)),
            created_at=now,
            grace_period=timedelta(hours=4),
        ),
        task_queue,
    )
    started = await client.get_workflow_handle(workflow_id_for(commitment_id)).describe()
    # With its run id, so that waiting for its result reads this run's history.
    handle: Handle = client.get_workflow_handle_for(
        CommitmentWorkflow.run, workflow_id_for(commitment_id), run_id=started.run_id
    )
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await promise_support(
        client,
        commitment_id,
        actor=MANAGER,
        what="Time with finance on Tuesday.",
        due=now + timedelta(days=4),
        action_id="promise-1",
        now=now,
        task_queue=task_queue,
    )
    await env.sleep(timedelta(days=1))
    await act(handle, CommitmentWorkflow.complete, Complete(actor=SAM, note="Shared."))
    await handle.result()
    return handle


async def _conversation_changed_on_the_calendar(
    env: WorkflowEnvironment, client: Client, task_queue: str
) -> Handle:
    """Let's talk, the 1:1 is booked, the calendar watch says its event changed; released.

    Recorded after the patch ``declines-by-notification``.
    """
    now = await env.get_current_time()
    handle = await start_commitment(
        client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=14)), now
    )
    await act(handle, CommitmentWorkflow.lets_talk, LetsTalk(actor=SAM, question="Which figures?"))
    view = await handle.query(CommitmentWorkflow.view)
    # Booked inside both people's hours, within a few days; signalled before it starts.
    for _ in range(3 * 24 * 6):
        if view.meeting is not None:
            break
        await env.sleep(timedelta(minutes=10))
        view = await handle.query(CommitmentWorkflow.view)
    assert view.meeting is not None, "the conversation was not booked"
    await handle.signal(
        CommitmentWorkflow.meeting_changed, MeetingChanged(event_id=view.meeting.event_id)
    )
    await env.sleep(timedelta(hours=1))
    await act(handle, CommitmentWorkflow.release, Release(actor=MANAGER, reason="Plans changed."))
    await handle.result()
    return handle


async def _attention_indexed(env: WorkflowEnvironment, client: Client, task_queue: str) -> Handle:
    """Started as the API starts it; accepted, then an at-risk answer moves its attention.

    Recorded on the dev server (the time-skipping server gives workflows no custom search
    attributes, so nothing would be indexed), after the patch ``attention-index``. It stops
    there, still running: a history need not be complete to be replayed.
    """
    now = await env.get_current_time()
    commitment_id = "attention-scenario"
    await start_indexed(
        client,
        CommitmentInput(
            commitment_id=commitment_id,
            spec=spec_for(SAM_PERSON, now + timedelta(days=10)),
            created_at=now,
        ),
        task_queue,
    )
    handle: Handle = client.get_workflow_handle_for(
        CommitmentWorkflow.run, workflow_id_for(commitment_id)
    )
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await act(handle, CommitmentWorkflow.check_in, CheckInAnswerInput(actor=SAM, answer="at_risk"))
    return handle


ON_DEV_SERVER = frozenset({"attention_indexed"})
"""Scenarios that need the search attributes only the dev server gives workflows."""

SCENARIOS: dict[str, Scenario] = {
    "attention_indexed": _attention_indexed,
    "missed_then_revised": _missed_then_revised,
    "talked_then_released": _talked_then_released,
    "revised_while_active": _revised_while_active,
    "support_promised_then_done": _support_promised_then_done,
    "conversation_changed_on_the_calendar": _conversation_changed_on_the_calendar,
}


async def _intake_confirmed_then_cancelled(
    env: WorkflowEnvironment,
    client: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> WorkflowHandle[Any, Any]:
    """Maya copies Accord on an ask; Accord confirms it with her, and she cancels it.

    The intake thread's history, recorded after the patch ``intake-send-queues``.
    """
    email = await copied_email(sandbox, graph)
    await intake(client, task_queue, in_agent_inbox(email["id"]))
    thread = thread_handle(client, email)
    await eventually(lambda: from_agent(sandbox, MANAGER))
    [proposal] = (await view_of(thread)).proposals
    decision = IntakeDecision(
        actor=MANAGER, commitment_id=proposal.commitment_id, action_id="cancel-1"
    )
    await thread.execute_update(IntakeUpdates.CANCEL, decision, result_type=IntakeView)
    await env.sleep(INTAKE_GRACE * 2)
    return thread


IntakeScenario = Callable[
    [WorkflowEnvironment, Client, str, SandboxServer, GraphServiceClient],
    Awaitable[WorkflowHandle[Any, Any]],
]
INTAKE_SCENARIOS: dict[str, IntakeScenario] = {
    "intake_confirmed_then_cancelled": _intake_confirmed_then_cancelled,
}
"""Intake threads' histories (replayed with the intake workflows)."""

ALL_SCENARIOS = [*SCENARIOS, *INTAKE_SCENARIOS]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def record(names: list[str]) -> None:
    """Run the named scenarios (all of them when none is named) and write their histories."""
    unknown = sorted(set(names) - set(ALL_SCENARIOS))
    if unknown:
        raise SystemExit(f"no such scenario: {', '.join(unknown)}")
    converter = history_converter()
    wanted = [name for name in ALL_SCENARIOS if not names or name in names]
    async with time_skipping_server(converter) as env:
        await add_search_attributes(env.client)
        for name in wanted:
            if name not in ON_DEV_SERVER:
                await _record_one(env, name)
    if any(name in ON_DEV_SERVER for name in wanted):
        async with local_dev_server(converter) as env:
            for name in wanted:
                if name in ON_DEV_SERVER:
                    await _record_one(env, name)


async def _record_one(env: WorkflowEnvironment, name: str) -> None:
    with tempfile.TemporaryDirectory() as data, SandboxServer(Path(data)) as sandbox:
        assert sandbox.state is not None
        async with SandboxClientCredential(
            sandbox.url, sandbox.state.tenant.tenant_id, DEMO_CLIENT_ID, "recording"
        ) as credential:
            graph = build_graph_client(GraphConnection(sandbox.graph_url, credential))
            queue = f"record-{name}"
            handle: WorkflowHandle[Any, Any]
            if name in INTAKE_SCENARIOS:
                async with intake_worker_on(env.client, queue, sandbox, graph):
                    handle = await INTAKE_SCENARIOS[name](env, env.client, queue, sandbox, graph)
                    history = await handle.fetch_history()
            else:
                async with lifecycle_worker(env.client, queue, sandbox, graph):
                    handle = await SCENARIOS[name](env, env.client, queue)
                history = await handle.fetch_history()
    _write(HISTORIES / f"{name}.json", history.to_json())


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1:]))

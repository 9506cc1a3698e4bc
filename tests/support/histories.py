"""Record the histories the replay tests check new workflow code against.

Run ``./dev python -m tests.support.histories`` when a change to the workflow is
meant to be incompatible (and is shipped behind ``workflow.patched``, or to a new task queue):
it re-runs each scenario on a time-skipping server with real activities against a sandbox and
writes ``tests/workflows/histories/<scenario>.json``. Commit the files with the change.

Payloads are encrypted with :data:`HISTORY_KEY`, a fixed key that protects nothing but test
data, so the replay test can decode them.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

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
from tests.support.lifecycle import act, lifecycle_worker, spec_for, start_commitment
from tests.support.people import MANAGER, SAM
from tests.support.temporal import time_skipping_server
from workflows.commitment.contracts import (
    ActorAction,
    CheckInAnswerInput,
    CommitmentView,
    Complete,
    LetsTalk,
    ProposeRevision,
    Release,
)
from workflows.commitment.workflow import CommitmentWorkflow

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


SCENARIOS: dict[str, Scenario] = {
    "missed_then_revised": _missed_then_revised,
    "talked_then_released": _talked_then_released,
    "revised_while_active": _revised_while_active,
}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def record() -> None:
    """Run every scenario and write its history."""
    converter = history_converter()
    async with time_skipping_server(converter) as env:
        for name, scenario in SCENARIOS.items():
            with tempfile.TemporaryDirectory() as data, SandboxServer(Path(data)) as sandbox:
                assert sandbox.state is not None
                async with SandboxClientCredential(
                    sandbox.url, sandbox.state.tenant.tenant_id, DEMO_CLIENT_ID, "recording"
                ) as credential:
                    graph = build_graph_client(GraphConnection(sandbox.graph_url, credential))
                    async with lifecycle_worker(env.client, f"record-{name}", sandbox, graph):
                        handle = await scenario(env, env.client, f"record-{name}")
                    history = await handle.fetch_history()
            _write(HISTORIES / f"{name}.json", history.to_json())


if __name__ == "__main__":
    asyncio.run(record())

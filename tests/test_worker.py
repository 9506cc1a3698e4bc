"""The worker's composition: what it registers, and a real ``accord worker`` process at work."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from accord.settings import AccordSettings
from accord.wiring.intake_worker import INTAKE_WORKFLOWS
from accord.wiring.workflow_runner import PASSTHROUGH_MODULES
from domain.models import CommitmentStatus
from sandbox.server import SandboxServer
from tests.support.lifecycle import commitment_input
from tests.support.mailboxes import inbox_from_agent
from tests.support.people import SAM
from tests.support.polling import eventually
from tests.support.worker_process import spawn_worker, worker_env
from worker import activity_methods, build_worker, worker_tuning
from workflows.commitment.contracts import (
    DUE_KEY,
    MANAGER_KEY,
    OWNER_KEY,
    STATUS_KEY,
    ActorAction,
    CommitmentView,
    Updates,
    workflow_id_for,
)
from workflows.commitment.workflow import CommitmentWorkflow

REPO = Path(__file__).resolve().parents[1]


# --- Composition ---------------------------------------------------------------------------


def _activities_the_workflow_calls() -> set[str]:
    """The names of the activities the commitment workflow's modules execute."""
    names: dict[str, str] = {}
    for contracts in (REPO / "activities").glob("*/contracts.py"):
        text = contracts.read_text(encoding="utf-8")
        names.update(re.findall(r'^([A-Z_]+) = "(\w+)"', text, flags=re.MULTILINE))
    called: set[str] = set()
    for module in (REPO / "workflows" / "commitment").glob("*.py"):
        source = module.read_text(encoding="utf-8")
        called.update(re.findall(r"execute_activity\(\s*([A-Z_]+)", source))
    assert called, "the commitment workflow executes no activity by a named constant"
    return {names[constant] for constant in called}


async def test_build_worker_registers_the_workflow_and_every_activity_it_calls(
    temporal_env: WorkflowEnvironment, task_queue: str, graph: GraphServiceClient, tmp_path: Path
) -> None:
    settings = AccordSettings(
        data_dir=tmp_path, temporal_task_queue=task_queue, worker_max_cached_workflows=7
    )

    worker = await build_worker(settings, temporal_env.client, graph)

    assert worker.task_queue == task_queue
    workflows = worker.config()["workflows"]
    assert workflows[0] is CommitmentWorkflow
    assert set(INTAKE_WORKFLOWS) <= set(workflows)
    registered = {fn.__name__ for fn in worker.config()["activities"]}
    assert _activities_the_workflow_calls() <= registered
    assert {
        "get_person_schedule",
        "send_message",
        "find_meeting_slot",
        "schedule_meeting",
        "get_meeting_response",
        "cancel_meeting",
    } <= registered
    assert {
        "read_inbound_message",
        "deliver_to_thread",
        "resolve_intake_drafts",
        "complete_intake_reading",
        "start_intake_commitment",
        "ask_manager",
        "reply_intake_refusal",
        "reply_intake_no_request",
        "create_mail_subscription",
        "renew_mail_subscription",
        "catch_up_mailbox",
    } <= registered
    assert worker.config()["max_cached_workflows"] == 7
    # The sandbox shares our deterministic modules (tests/test_workflow_runner.py).
    runner = worker.config()["workflow_runner"]
    assert isinstance(runner, SandboxedWorkflowRunner)
    assert set(PASSTHROUGH_MODULES) <= runner.restrictions.passthrough_modules
    assert worker.config()["graceful_shutdown_timeout"] == timedelta(seconds=10)


def test_worker_slots_are_fixed_by_default_or_follow_resources() -> None:
    fixed = worker_tuning(AccordSettings(worker_max_concurrent_activities=9))
    resource_based = worker_tuning(AccordSettings(worker_tuner="resource_based"))

    assert fixed == {"max_concurrent_workflow_tasks": 100, "max_concurrent_activities": 9}
    assert set(resource_based) == {"tuner"}


def test_activity_methods_finds_only_activities() -> None:
    class Plain:
        def helper(self) -> None:
            """Not an activity."""

    assert activity_methods(Plain()) == []


# --- A real `accord worker` process ----------------------------------------------------------


@pytest.mark.e2e
async def test_an_accord_worker_process_runs_commitments_and_stops_gracefully(
    dev_server: WorkflowEnvironment,
    reachable_sandbox: SandboxServer,
    payload_key: bytes,
    task_queue: str,
    tmp_path: Path,
) -> None:
    client = dev_server.client
    env = worker_env(client, task_queue, payload_key, reachable_sandbox, tmp_path / "accord")
    log_file = tmp_path / "worker.log"
    process = await spawn_worker(env, log_file)
    commitment_id = uuid.uuid4().hex[:12]

    def mail_to_sam() -> list[dict[str, object]]:
        if process.returncode is not None:
            pytest.fail(f"the worker exited with code {process.returncode}")
        return inbox_from_agent(reachable_sandbox, SAM)

    try:
        start = commitment_input(commitment_id)
        handle = await client.start_workflow(
            CommitmentWorkflow.run,
            start,
            id=workflow_id_for(commitment_id),
            task_queue=task_queue,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(OWNER_KEY, start.spec.owner.email),
                    SearchAttributePair(MANAGER_KEY, start.spec.manager.email),
                    SearchAttributePair(STATUS_KEY, CommitmentStatus.AWAITING_ACCEPTANCE.value),
                    SearchAttributePair(DUE_KEY, start.spec.due),
                ]
            ),
        )

        [expectation] = await eventually(mail_to_sam, timeout=60)
        assert "http://accord.test/" in str(expectation["body"])
        view = await handle.execute_update(
            Updates.ACCEPT, ActorAction(actor=SAM), result_type=CommitmentView
        )
        assert view.status is CommitmentStatus.ACTIVE
        # Other tests on this session's server may list active commitments of Sam's too:
        # wait for this one (visibility is eventually consistent), not for any.
        listed = await eventually(
            lambda: _listed_with(
                client, f"AccordOwner = '{SAM}' AND AccordStatus = 'active'", handle.id
            ),
            timeout=30,
        )
        assert handle.id in listed
    except BaseException as failure:
        failure.add_note("worker log:\n" + log_file.read_text(encoding="utf-8", errors="replace"))
        raise
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=30)

    logs = log_file.read_text(encoding="utf-8", errors="replace")
    assert code == 0, logs
    assert "worker_stopped" in logs
    assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING
    await handle.terminate("test over")


async def _listed_with(client: Client, query: str, workflow_id: str) -> list[str]:
    """The ids the query lists once ``workflow_id`` is among them, else an empty list."""
    listed = [execution.id async for execution in client.list_workflows(query)]
    return listed if workflow_id in listed else []


@pytest.mark.processes
async def test_a_real_tenant_without_credentials_is_refused_clearly(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ACCORD_GRAPH_BASE_URL": "https://graph.example/v1.0",
        "ACCORD_DATA_DIR": str(tmp_path),
        "ACCORD_LOG_FORMAT": "json",
    }
    env.pop("ACCORD_GRAPH_CLIENT_SECRET", None)
    log_file = tmp_path / "worker.log"

    process = await spawn_worker(env, log_file)
    code = await asyncio.wait_for(process.wait(), timeout=30)

    assert code == 2
    assert "ACCORD_GRAPH_CLIENT_SECRET" in log_file.read_text(encoding="utf-8")

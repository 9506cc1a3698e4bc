"""A real ``accord worker`` process as Kubernetes runs it: probes, metrics, SIGTERM mid-activity.

The first worker is stopped while ``send_message`` waits on a slow Graph; it must let the
activity finish, exit 0 within its grace period, and a second worker must carry the commitment
on from there without sending anything twice.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.models import CommitmentStatus
from sandbox.config import FaultConfig
from sandbox.server import SandboxServer, free_port
from tests.support.lifecycle import commitment_input
from tests.support.mailboxes import inbox_from_agent
from tests.support.people import MANAGER, SAM
from tests.support.polling import eventually
from tests.support.worker_process import spawn_worker, worker_env
from workflows.commitment.contracts import (
    ActorAction,
    CommitmentView,
    Complete,
    Updates,
    workflow_id_for,
)
from workflows.commitment.workflow import CommitmentWorkflow

GRACE_SECONDS = 15.0
SLOW_GRAPH_SECONDS = 2.0


class WorkerProcess:
    """One ``accord worker`` subprocess with its own probe and metrics ports."""

    def __init__(self, env: dict[str, str], log_file: Path) -> None:
        self.health_port, self.metrics_port = free_port(), free_port()
        self.env = {
            **env,
            "ACCORD_WORKER_HEALTH_PORT": str(self.health_port),
            "ACCORD_WORKER_METRICS_PORT": str(self.metrics_port),
        }
        self.log_file = log_file
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await spawn_worker(self.env, self.log_file)

    async def probe(self, path: str) -> httpx.Response:
        if self.process is not None and self.process.returncode is not None:
            pytest.fail(f"the worker exited with code {self.process.returncode}")
        async with httpx.AsyncClient(timeout=5) as http:
            return await http.get(f"http://127.0.0.1:{self.health_port}{path}")

    async def metrics(self) -> str:
        async with httpx.AsyncClient(timeout=5) as http:
            response = await http.get(f"http://127.0.0.1:{self.metrics_port}/metrics")
        response.raise_for_status()
        return response.text

    async def ready(self) -> bool:
        return (await self.probe("/readyz")).status_code == 200

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout=GRACE_SECONDS + 15)

    def logs(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")


def _samples(metrics: str, name: str, **labels: str) -> list[str]:
    """The sample lines of one metric that carry every given label."""
    return [
        line
        for line in metrics.splitlines()
        if line.startswith(name + "{")
        and all(f'{key}="{value}"' in line for key, value in labels.items())
    ]


async def _send_message_running(handle: WorkflowHandle[CommitmentWorkflow, CommitmentView]) -> bool:
    described = await handle.describe()
    return any(
        pending.activity_type.name == "send_message"
        and pending.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
        for pending in described.raw_description.pending_activities
    )


@pytest.mark.e2e
async def test_sigterm_mid_activity_drains_within_the_grace_and_the_next_worker_carries_on(
    dev_server: WorkflowEnvironment,
    reachable_sandbox: SandboxServer,
    payload_key: bytes,
    task_queue: str,
    tmp_path: Path,
) -> None:
    client = dev_server.client
    env = {
        **worker_env(client, task_queue, payload_key, reachable_sandbox, tmp_path / "accord"),
        "ACCORD_WORKER_GRACEFUL_SHUTDOWN_SECONDS": str(GRACE_SECONDS),
    }
    first = WorkerProcess(env, tmp_path / "worker-1.log")
    second = WorkerProcess(env, tmp_path / "worker-2.log")
    assert reachable_sandbox.state is not None
    state = reachable_sandbox.state
    try:
        await first.start()
        live = await eventually(lambda: first.probe("/livez"), timeout=30)
        assert live.json()["status"] == "live"
        # Ready only once Temporal has seen this worker poll.
        await eventually(first.ready, timeout=60)
        metrics = await first.metrics()
        assert "temporal_num_pollers" in metrics
        assert "temporal_request_total" in metrics

        # Every Graph answer now takes a while, so the send is caught in flight.
        state.update_config(
            state.config.model_copy(
                update={"faults": FaultConfig(slow_rate=1.0, slow_seconds=SLOW_GRAPH_SECONDS)}
            )
        )
        commitment_id = uuid.uuid4().hex[:12]
        handle = await client.start_workflow(
            CommitmentWorkflow.run,
            commitment_input(commitment_id),
            id=workflow_id_for(commitment_id),
            task_queue=task_queue,
        )
        await eventually(lambda: _send_message_running(handle), timeout=60, interval=0.2)

        assert first.process is not None
        first.process.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        draining = await first.probe("/readyz")
        assert draining.status_code == 503
        assert draining.json()["reason"] == "stopping"
        code = await first.stop()
        drained_in = time.monotonic() - stopped_at

        assert code == 0, first.logs()
        assert drained_in < GRACE_SECONDS, f"took {drained_in:.1f} s to stop"
        assert "worker_stopped" in first.logs()
        # The running send finished before the worker left: the expectation is in the inbox.
        assert len(inbox_from_agent(reachable_sandbox, SAM)) == 1

        state.update_config(state.config.model_copy(update={"faults": FaultConfig()}))
        await second.start()
        await eventually(second.ready, timeout=60)
        view = await handle.execute_update(
            Updates.ACCEPT, ActorAction(actor=SAM), result_type=CommitmentView
        )
        assert view.status is CommitmentStatus.ACTIVE
        await handle.execute_update(
            Updates.COMPLETE, Complete(actor=SAM), result_type=CommitmentView
        )
        await asyncio.wait_for(handle.result(), timeout=60)

        # Nothing was sent twice across the two workers: one expectation, one thank-you.
        subjects = [str(message["subject"]) for message in inbox_from_agent(reachable_sandbox, SAM)]
        assert len(subjects) == 2, subjects
        # (The worker's 1:1 planning may also offer Maya a regular 1:1 with each report.)
        about_it = [
            message
            for message in inbox_from_agent(reachable_sandbox, MANAGER)
            if "Draft the Q1 budget" in str(message["subject"])
        ]
        assert len(about_it) == 1
        metrics = await second.metrics()
        assert _samples(metrics, "accord_messages_sent_total", channel="email", kind="done_thanks")
        assert _samples(
            metrics, "accord_status_transitions_total", **{"from": "active", "to": "done"}
        )
        assert "temporal_workflow_task_schedule_to_start_latency" in metrics
        assert await second.stop() == 0
    except BaseException as failure:
        failure.add_note("worker 1 log:\n" + first.logs())
        if second.log_file.exists():
            failure.add_note("worker 2 log:\n" + second.logs())
        raise
    finally:
        for worker in (first, second):
            if worker.process is not None and worker.process.returncode is None:
                await worker.stop()

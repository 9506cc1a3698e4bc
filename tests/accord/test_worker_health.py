"""The worker's probe endpoint: live while the loop answers, ready while Temporal sees it poll."""

from __future__ import annotations

import asyncio
import socket
import uuid
from datetime import timedelta

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from accord.wiring.worker_health import (
    ProbeSetupError,
    Readiness,
    WorkerHealth,
    WorkerPhase,
    serve_probes,
)
from sandbox.server import free_port
from tests.support.polling import eventually
from workflows.commitment.workflow import CommitmentWorkflow


async def test_probes_answer_live_ready_and_refuse_anything_else(
    dev_server: WorkflowEnvironment,
) -> None:
    health = WorkerHealth(dev_server.client, "no-worker-here", max_poll_age=timedelta(minutes=2))
    port = free_port()
    async with (
        serve_probes(health, "127.0.0.1", port),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http,
    ):
        live = await http.get("/livez")
        starting = await http.get("/readyz")
        unknown = await http.get("/metrics")
        posted = await http.post("/readyz")
        health.phase = WorkerPhase.STOPPING
        stopping = await http.get("/readyz")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"nonsense\r\n\r\n")
        garbage = await reader.read()
        writer.close()

    assert (live.status_code, live.json()["status"]) == (200, "live")
    assert (starting.status_code, starting.json()["reason"]) == (503, "starting")
    assert unknown.status_code == 404
    assert posted.status_code == 405
    assert (stopping.status_code, stopping.json()["reason"]) == (503, "stopping")
    assert garbage.startswith(b"HTTP/1.1 400")


async def test_ready_only_while_temporal_sees_this_worker_poll(
    dev_server: WorkflowEnvironment,
) -> None:
    client = dev_server.client
    task_queue = f"health-{uuid.uuid4()}"
    health = WorkerHealth(client, task_queue, max_poll_age=timedelta(minutes=2), cache_for=0)
    health.phase = WorkerPhase.RUNNING

    assert await health.readiness() == Readiness(False, "not_polling")
    async with Worker(client, task_queue=task_queue, workflows=[CommitmentWorkflow]):

        async def ready() -> bool:
            return (await health.readiness()).ready

        await eventually(ready, timeout=20)
        assert await health.readiness() == Readiness(True, "polling")


async def test_an_unreachable_temporal_makes_the_worker_unready(
    dev_server: WorkflowEnvironment,
) -> None:
    client = dev_server.client
    health = WorkerHealth(client, "q", max_poll_age=timedelta(minutes=2))
    health.phase = WorkerPhase.RUNNING
    # A namespace that does not exist answers like a Temporal that refuses the worker.
    lost = WorkerHealth(
        await type(client).connect(
            client.service_client.config.target_host, namespace="no-such-namespace"
        ),
        "q",
        max_poll_age=timedelta(minutes=2),
    )
    lost.phase = WorkerPhase.RUNNING

    assert await lost.readiness() == Readiness(False, "temporal_unreachable")
    assert (await health.readiness()).reason == "not_polling"


async def test_a_taken_probe_port_is_named(dev_server: WorkflowEnvironment) -> None:
    health = WorkerHealth(dev_server.client, "q", max_poll_age=timedelta(minutes=2))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(ProbeSetupError, match=f"ACCORD_WORKER_HEALTH_PORT.*:{port}"):
            async with serve_probes(health, "127.0.0.1", port):
                pass

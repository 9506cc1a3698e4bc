"""Drill (a): SIGKILL the worker at random moments of many lifecycles, restart it, and count."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from sandbox.server import SandboxServer
from tests.support.drills import (
    DrillFigures,
    Lifecycle,
    Mailboxes,
    count,
    drill_worker,
    random_moments,
    run_lifecycle,
    scale,
)

# Heavier runs (ACCORD_DRILL_SCALE) wait longer for Graph retries that back off for minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900 * scale())]


async def test_sigkilled_workers_lose_nothing_and_send_nothing_twice(
    dev_server: WorkflowEnvironment,
    drill_sandbox: SandboxServer,
    payload_key_b64: str,
    task_queue: str,
    tmp_path: Path,
    figures_dir: Path,
) -> None:
    lifecycles = [Lifecycle(number) for number in range(4 * scale())]
    kills = 2 * scale()
    rng = random.Random(8)
    client = dev_server.client
    worker = drill_worker(
        temporal_address=client.service_client.config.target_host,
        task_queue=task_queue,
        payload_key_b64=payload_key_b64,
        sandbox=drill_sandbox,
        directory=tmp_path,
    )
    mail = Mailboxes(drill_sandbox)
    figures = DrillFigures("worker_sigkill")
    started = time.monotonic()

    async def kill_and_restart() -> None:
        await worker.kill()
        await worker.start()

    await worker.start()
    try:
        drive = asyncio.gather(
            *(
                run_lifecycle(client, task_queue, mail, lifecycle, timedelta(seconds=20))
                for lifecycle in lifecycles
            )
        )
        # Lifecycles start a little apart, so kills land in every phase of them.
        await random_moments(rng, kills, within=15.0 * scale(), act=kill_and_restart)
        await drive
    finally:
        await worker.stop()
    figures.worker_kills = worker.kills
    figures.seconds = round(time.monotonic() - started, 1)
    count(figures, mail, lifecycles)
    figures.publish(figures_dir)

    assert figures.duplicates == 0, figures.problems
    assert figures.losses == 0, (figures.problems, worker.logs())
    assert figures.unfinished == 0, figures.problems
    # The kills also met runs handing over to the next (run_events, decision 47).
    assert figures.continued_as_new > 0
    assert figures.worker_kills == kills

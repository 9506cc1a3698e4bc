"""Drill (c): restart Temporal's dev server (persistent database) and the sandbox mid-run."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.converter import DataConverter

from sandbox.server import SandboxServer
from tests.support.drills import (
    DevServer,
    DrillFigures,
    Lifecycle,
    Mailboxes,
    count,
    drill_worker,
    run_lifecycle,
    scale,
)

# Heavier runs (ACCORD_DRILL_SCALE) wait longer for Graph retries that back off for minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900 * scale())]


async def test_restarting_temporal_and_the_sandbox_loses_nothing_and_sends_nothing_twice(
    drill_sandbox: SandboxServer,
    data_converter: DataConverter,
    payload_key_b64: str,
    tmp_path: Path,
    figures_dir: Path,
) -> None:
    lifecycles = [Lifecycle(number) for number in range(4 * scale())]
    figures = DrillFigures("restarts")
    temporal = DevServer(tmp_path)
    task_queue = "drill-restarts"
    started = time.monotonic()
    client = await temporal.start(data_converter)
    worker = drill_worker(
        temporal_address=temporal.address,
        task_queue=task_queue,
        payload_key_b64=payload_key_b64,
        sandbox=drill_sandbox,
        directory=tmp_path,
    )
    mail = Mailboxes(drill_sandbox)

    async def restarts() -> None:
        for _ in range(scale()):
            await asyncio.sleep(6)
            await temporal.kill()
            await temporal.start(data_converter)
            figures.temporal_restarts += 1
            await asyncio.sleep(6)
            await asyncio.to_thread(drill_sandbox.restart)
            figures.sandbox_restarts += 1

    await worker.start()
    try:
        await asyncio.gather(
            restarts(),
            *(
                run_lifecycle(client, task_queue, mail, lifecycle, timedelta(seconds=20))
                for lifecycle in lifecycles
            ),
        )
    except BaseException as failure:
        failure.add_note(worker.logs())
        raise
    finally:
        await worker.stop()
        await temporal.stop()
    figures.seconds = round(time.monotonic() - started, 1)
    count(figures, mail, lifecycles)
    figures.publish(figures_dir)

    assert figures.duplicates == 0, figures.problems
    assert figures.losses == 0, (figures.problems, worker.logs())
    assert figures.unfinished == 0, figures.problems
    assert figures.temporal_restarts == figures.sandbox_restarts == scale()

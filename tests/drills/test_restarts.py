"""Drill (c): restart Temporal's dev server (persistent database) and the sandbox mid-run."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.service import RPCError

from accord.settings import AccordSettings
from sandbox.launcher.up import dev_server_command
from sandbox.server import SandboxServer, free_port
from tests.support.drills import (
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


class DevServer:
    """Temporal's dev server as a process of this drill, on a SQLite file that outlives it."""

    def __init__(self, data_dir: Path, log_dir: Path) -> None:
        settings = AccordSettings(temporal_dev_port=free_port(), temporal_ui_port=free_port())
        self.address = f"127.0.0.1:{settings.temporal_dev_port}"
        self._command = dev_server_command(settings, data_dir)
        self._log_dir = log_dir
        self._process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self, data_converter: DataConverter) -> Client:
        """Start the server and return a client once it answers."""
        self.starts += 1
        with (self._log_dir / f"temporal-{self.starts}.log").open("wb") as log:
            self._process = await asyncio.create_subprocess_exec(
                *self._command, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                client = await Client.connect(self.address, data_converter=data_converter)
                await client.count_workflows()
            except (RPCError, RuntimeError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
            else:
                return client

    async def kill(self) -> None:
        """SIGKILL the server: whatever it had not written is gone."""
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)
            await self._process.wait()

    async def stop(self) -> None:
        """Stop the server at the end of the drill."""
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await asyncio.wait_for(self._process.wait(), timeout=30)


async def test_restarting_temporal_and_the_sandbox_loses_nothing_and_sends_nothing_twice(
    drill_sandbox: SandboxServer,
    data_converter: DataConverter,
    payload_key_b64: str,
    tmp_path: Path,
    figures_dir: Path,
) -> None:
    lifecycles = [Lifecycle(number) for number in range(4 * scale())]
    figures = DrillFigures("restarts")
    temporal = DevServer(tmp_path, tmp_path)
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

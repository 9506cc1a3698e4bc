"""Drill (b): Graph fails in every way the sandbox can make it fail, during whole lifecycles.

503s, 504s, dropped connections, slow answers, requests that take effect and then fail
(accepted-then-failed), and 429 storms from Exchange's limits tightened and sped up. Still no
one gets anything twice and nothing is lost.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from sandbox.config import FaultConfig, LimitsConfig, SandboxConfig
from sandbox.server import SandboxServer
from tests.support.drills import (
    DrillFigures,
    Lifecycle,
    Mailboxes,
    add_sandbox_counts,
    count,
    drill_worker,
    run_lifecycle,
    scale,
)
from tests.support.sandbox import round_the_clock_tenant

# Heavier runs (ACCORD_DRILL_SCALE) wait longer for Graph retries that back off for minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900 * scale())]


def faults() -> FaultConfig:
    """Every kind of fault; the heavier variant adds answers slower than the client waits."""
    heavy = scale() > 1
    # Quick: a few faults of each kind per run. Each costs a retry, and a send waits 20 s
    # before its retry (then longer), so the rates set how long the drill takes.
    rate = 0.03 if heavy else 0.02
    return FaultConfig(
        service_unavailable_rate=rate,
        gateway_timeout_rate=rate,
        drop_connection_rate=rate,
        accepted_then_failed_rate=rate * 2,
        slow_rate=rate,
        # Heavy: past the Graph client's 30 s timeout, so the activity gives up and retries.
        slow_seconds=35.0 if heavy else 1.0,
        retry_after_seconds=1,
        seed=2026,
    )


def storm_limits() -> LimitsConfig:
    """Exchange's limits, made tight enough (quick) or fast enough (heavy) for 429 storms.

    Quick: four lifecycles meet a mailbox that takes two requests at a time and 20 messages a
    minute. Heavy: Exchange's own numbers (4 at a time, 30 a minute) with every window halved,
    for three times the lifecycles.
    """
    if scale() > 1:
        return LimitsConfig(concurrent_requests=4, messages_per_minute=30, time_scale=2.0)
    return LimitsConfig(concurrent_requests=2, messages_per_minute=20, time_scale=2.0)


@pytest.fixture
def faulty_sandbox(tmp_path: Path) -> SandboxServer:
    config = SandboxConfig(limits=storm_limits(), faults=faults())
    return SandboxServer(tmp_path / "sandbox", tenant=round_the_clock_tenant(), config=config)


async def test_graph_faults_and_429_storms_lose_nothing_and_send_nothing_twice(
    dev_server: WorkflowEnvironment,
    faulty_sandbox: SandboxServer,
    payload_key_b64: str,
    task_queue: str,
    tmp_path: Path,
    figures_dir: Path,
) -> None:
    lifecycles = [Lifecycle(number) for number in range(4 * scale())]
    client = dev_server.client
    figures = DrillFigures("graph_faults")
    started = time.monotonic()
    with faulty_sandbox as sandbox:
        worker = drill_worker(
            temporal_address=client.service_client.config.target_host,
            task_queue=task_queue,
            payload_key_b64=payload_key_b64,
            sandbox=sandbox,
            directory=tmp_path,
        )
        mail = Mailboxes(sandbox)
        await worker.start()
        try:
            await asyncio.gather(
                *(
                    run_lifecycle(client, task_queue, mail, lifecycle, timedelta(seconds=20))
                    for lifecycle in lifecycles
                )
            )
        finally:
            await worker.stop()
        figures.seconds = round(time.monotonic() - started, 1)
        add_sandbox_counts(figures, sandbox)
        count(figures, mail, lifecycles)
    figures.publish(figures_dir)

    assert figures.duplicates == 0, figures.problems
    assert figures.losses == 0, (figures.problems, worker.logs())
    assert figures.unfinished == 0, figures.problems
    assert sum(figures.faults_injected.values()) > 0
    assert figures.faults_injected.get("accepted_then_failed", 0) > 0

"""The benchmarks still run: the quick ones at their smallest size (not how fast they are).

The lifecycle, memory, API and intake benchmarks each start a dev server and a worker process
(tens of seconds); they are exercised by running them (`./dev python -m bench.<name>`), and
what they share with these (results, history counting, the baseline workflow) is run here.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench import burst, report, workflow_floor
from bench.baseline import BaselineInput, BaselineStep, BaselineWorkflow, no_op
from bench.history import history_counts
from bench.results import percentile


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.5) == 0.0


async def test_the_baseline_runs_and_its_history_is_counted(
    temporal_env: WorkflowEnvironment,
) -> None:
    task_queue = f"bench-{uuid.uuid4()}"
    spec = BaselineInput(activities=2, timers=1, updates=2, timer_seconds=1)
    async with Worker(
        temporal_env.client,
        task_queue=task_queue,
        workflows=[BaselineWorkflow],
        activities=[no_op],
    ):
        handle = await temporal_env.client.start_workflow(
            BaselineWorkflow.run, spec, id=f"baseline-{uuid.uuid4()}", task_queue=task_queue
        )
        for step in range(spec.updates):
            _ = await handle.execute_update(BaselineWorkflow.step, BaselineStep(step=step))
        assert await handle.result() == spec.updates
        counts = await history_counts(handle)
    assert counts["activities"] == 2 and counts["timers"] == 1 and counts["updates"] == 2
    # The start, 2 activity attempts, a timer and 2 updates.
    assert counts["actions"] == 6


@pytest.mark.processes
def test_burst_and_report_run_at_their_smallest(tmp_path: Path) -> None:
    results = tmp_path / "results"
    burst.main(
        ["--mailboxes", "1", "--per-mailbox", "2", "--time-scale", "600", "--output", str(results)]
    )
    figures = json.loads((results / "burst.json").read_text())["figures"]
    assert figures["sent"] == figures["messages"] == 2
    page, plot = tmp_path / "performance.md", tmp_path / "performance.png"
    report.main(["--results", str(results), "--page", str(page), "--plot", str(plot)])
    assert "## 2. Burst pacing" in page.read_text() and plot.stat().st_size > 0


def test_the_workflow_floor_runs_at_its_smallest(tmp_path: Path) -> None:
    workflow_floor.main(["--first", "1", "--n", "3", "--output", str(tmp_path)])
    figures = json.loads((tmp_path / "workflow_floor_sandboxed.json").read_text())["figures"]
    assert (figures["cached_first"], figures["cached_last"]) == (1, 3)

"""The floor under a cached commitment's memory: what the SDK costs for a workflow doing nothing.

``./dev python -m bench.workflow_floor`` runs the bare baseline workflow (``bench.baseline``:
three no-op activities and three timers, about what a sleeping commitment's history holds,
with Accord's data converter and encryption) in a worker inside this process, against
Temporal's dev server, and leaves every run waiting for an update, so that each stays in the
worker's cache. It reads this process's resident memory after ``--first`` runs and again
after ``--n``, and reports what each further cached run adds: in Temporal's sandbox with the
worker's restrictions (``accord.wiring.workflow_runner``) and the baseline's module shared, or,
with ``--unsandboxed``, without the sandbox.
Accord's own workflow code and state are not in it, so the gap between this and
``bench.memory``'s figure per commitment is Accord's share (docs/performance.md, Memory).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHandle
from temporalio.worker import UnsandboxedWorkflowRunner, Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from accord.wiring.workflow_runner import sandbox_restrictions
from bench.baseline import BaselineInput, BaselineWorkflow, no_op
from bench.results import Run, quiet_logs
from bench.stack import dev_server

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_STARTS_AT_ONCE = 50
_ASLEEP = BaselineInput(activities=3, timers=3, updates=1, timer_seconds=0.01)
"""Three activities and three short timers, then a wait for an update that never comes.

``--activities`` and ``--timers`` change the counts, to see what each event of a run's history
adds to its cached cost."""


def _resident_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE_BYTES / 2**20


async def _start_and_settle(
    client: Client, queue: str, first: int, last: int, spec: BaselineInput = _ASLEEP
) -> None:
    """Start runs ``first`` to ``last - 1`` and wait until each has done its activities."""
    handles = []
    # Fifty starts at a time: a thousand at once time out on a loaded dev server.
    for chunk in range(first, last, _STARTS_AT_ONCE):
        handles += await asyncio.gather(
            *(
                client.start_workflow(
                    BaselineWorkflow.run, spec, id=f"floor-{queue}-{number}", task_queue=queue
                )
                for number in range(chunk, min(chunk + _STARTS_AT_ONCE, last))
            )
        )
    for handle in handles:
        await _until_asleep(handle, spec)


async def _until_asleep(handle: WorkflowHandle[Any, Any], spec: BaselineInput) -> None:
    """Return once the run has done its activities and timers and only waits for an update."""
    while True:
        events = (await handle.fetch_history()).events
        fired = sum(event.HasField("timer_fired_event_attributes") for event in events)
        done = sum(event.HasField("activity_task_completed_event_attributes") for event in events)
        settled = bool(events) and events[-1].HasField("workflow_task_completed_event_attributes")
        if fired >= spec.timers and done >= spec.activities and settled:
            return
        await asyncio.sleep(0.2)


async def run(
    first: int, n: int, runner: WorkflowRunner, work_dir: Path, spec: BaselineInput = _ASLEEP
) -> dict[str, Any]:
    """Cache ``first`` and then ``n`` idle runs; return the resident memory and the slope."""
    async with dev_server(work_dir) as temporal:
        client = temporal.client
        queue = f"bench-floor-{uuid.uuid4().hex[:8]}"
        async with Worker(
            client,
            task_queue=queue,
            workflows=[BaselineWorkflow],
            activities=[no_op],
            workflow_runner=runner,
            max_cached_workflows=n + 100,
        ):
            await _start_and_settle(client, queue, 0, first, spec)
            gc.collect()
            at_first = _resident_mib()
            await _start_and_settle(client, queue, first, n, spec)
            gc.collect()
            at_n = _resident_mib()
    return {
        "cached_first": first,
        "resident_mib_first": round(at_first, 1),
        "cached_last": n,
        "resident_mib_last": round(at_n, 1),
        "kib_per_cached_run": round((at_n - at_first) * 1024 / (n - first), 1),
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the benchmark, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--first", type=int, default=200, help="runs cached before the start")
    parser.add_argument("--n", type=int, default=1200, help="runs cached at the end")
    parser.add_argument("--unsandboxed", action="store_true", help="run without the sandbox")
    parser.add_argument("--activities", type=int, default=_ASLEEP.activities, help="per run")
    parser.add_argument("--timers", type=int, default=_ASLEEP.timers, help="per run")
    parser.add_argument("--name", default=None, help="results file name (without .json)")
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    arguments = parser.parse_args(argv)
    if not 0 < arguments.first < arguments.n:
        parser.error("--first must be above 0 and below --n")
    kind = "unsandboxed" if arguments.unsandboxed else "sandboxed"
    name = arguments.name or f"workflow_floor_{kind}"
    spec = _ASLEEP.model_copy(
        update={"activities": arguments.activities, "timers": arguments.timers}
    )
    bench_run = Run(
        name,
        {
            "first": arguments.first,
            "n": arguments.n,
            "runner": kind,
            "activities": spec.activities,
            "timers": spec.timers,
        },
    )
    # The baseline's module is shared too, so the sandbox's own cost is measured, not the
    # module's import (bench.workflow_instances measures that for the commitment workflow).
    runner: WorkflowRunner = (
        UnsandboxedWorkflowRunner()
        if arguments.unsandboxed
        else SandboxedWorkflowRunner(
            restrictions=sandbox_restrictions().with_passthrough_modules(
                BaselineWorkflow.__module__
            )
        )
    )
    with tempfile.TemporaryDirectory(prefix="accord-floor-") as work_dir:
        figures = asyncio.run(run(arguments.first, arguments.n, runner, Path(work_dir), spec))
    bench_run.publish(figures, arguments.output)


if __name__ == "__main__":
    quiet_logs()
    main()

"""Benchmark 1: lifecycle throughput and worker cost, against a bare baseline in the same run.

``./dev python -m bench.lifecycle --n 200`` starts Temporal's dev server and the sandbox
(round-the-clock tenant), then:

1. runs ``accord worker`` in a process of its own and drives ``--n`` commitments through a
   whole lifecycle at once (expectation, accept, an on-track and an at-risk check-in with the
   manager's heads-up, the deadline missed, a supportive conversation with a 1:1 on both
   calendars and a coaching note, a revision proposed and agreed, done); the deadline is
   ``--due-seconds`` away, so a lifecycle takes seconds;
2. counts the timers, updates and activities of those lifecycles from their real histories;
3. runs the bare baseline worker (bench/baseline.py) in a process of its own and drives as many
   baseline workflows with the same numbers of timers, updates and no-op activities.

Each worker's CPU time is read from /proc before and after its phase (its start-up excluded);
the sandbox, the dev server and this driver run in other processes or are not counted. The
sources are compiled to bytecode first, as the image does (see bench/bytecode.py), so the
workers are not charged for compiling what a deployed worker never compiles.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHandle

from bench.baseline import BaselineInput, BaselineStep, BaselineWorkflow
from bench.bytecode import compile_sources
from bench.history import history_counts, mean_counts
from bench.results import Run, load_averages, quiet_logs
from bench.stack import (
    MANAGER,
    OWNER,
    WorkerProcess,
    accord_worker,
    budget_commitment,
    count_graph_requests,
    dev_server,
    sandbox_server,
    start_commitment_workflow,
    wait_for_pollers,
    worker_environment,
)
from domain.models import CheckInAnswer, CommitmentStatus
from workflows.commitment.contracts import (
    STATUS_KEY,
    ActorAction,
    CheckInAnswerInput,
    CommitmentInput,
    CommitmentView,
    Complete,
    ProposeRevision,
    Updates,
)
from workflows.commitment.workflow import CommitmentWorkflow

PHASE_TIMEOUT = 900.0
IDLE_SECONDS = 5.0


@dataclass
class Phase:
    """What one worker did in one phase of the run."""

    name: str
    lifecycles: int = 0
    completed: int = 0
    seconds: float = 0.0
    worker_cpu_seconds: float = 0.0
    idle_cpu_per_second: float = 0.0
    load_average_before: list[float] = field(default_factory=list)
    load_average_after: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """The phase's figures, with the per-lifecycle rates."""
        # What an idle worker burns anyway (polling, its event loop) is not the lifecycles' cost.
        busy = max(0.0, self.worker_cpu_seconds - self.idle_cpu_per_second * self.seconds)
        return {
            "lifecycles": self.lifecycles,
            "completed": self.completed,
            "seconds": round(self.seconds, 2),
            "commitments_per_second": round(self.completed / self.seconds, 3)
            if self.seconds
            else 0.0,
            "worker_cpu_seconds": round(self.worker_cpu_seconds, 2),
            "worker_cpu_seconds_per_lifecycle": round(
                self.worker_cpu_seconds / max(1, self.completed), 4
            ),
            "idle_cpu_per_second": round(self.idle_cpu_per_second, 4),
            "busy_cpu_seconds_per_lifecycle": round(busy / max(1, self.completed), 4),
            "load_average_before": self.load_average_before,
            "load_average_after": self.load_average_after,
            "errors": self.errors[:10],
        }


async def _status(handle: WorkflowHandle[Any, Any]) -> str | None:
    # Visibility, not a query: polling must not add work to the worker being measured.
    description = await handle.describe()
    return description.typed_search_attributes.get(STATUS_KEY)


async def _wait_for_status(handle: WorkflowHandle[Any, Any], wanted: CommitmentStatus) -> None:
    deadline = time.monotonic() + PHASE_TIMEOUT
    while await _status(handle) != wanted.value:
        if time.monotonic() > deadline:
            raise TimeoutError(f"never reached {wanted.value}")
        await asyncio.sleep(0.5)


async def drive_lifecycle(
    client: Client, task_queue: str, number: int, due_after: timedelta
) -> WorkflowHandle[CommitmentWorkflow, CommitmentView]:
    """Drive one commitment from expectation to done; return its handle once it has ended."""
    commitment_id = uuid.uuid4().hex[:12]
    now = datetime.now(UTC)
    start = CommitmentInput(
        commitment_id=commitment_id,
        spec=budget_commitment(number, now + due_after, support="Time with finance on Tuesday."),
        created_at=now,
        grace_period=timedelta(seconds=1),
    )
    handle = await start_commitment_workflow(client, task_queue, start)

    async def update(name: str, argument: Any) -> None:
        await handle.execute_update(name, argument, result_type=CommitmentView)

    await update(Updates.ACCEPT, ActorAction(actor=OWNER))
    await update(Updates.CHECK_IN, CheckInAnswerInput(actor=OWNER, answer=CheckInAnswer.ON_TRACK))
    await update(Updates.CHECK_IN, CheckInAnswerInput(actor=OWNER, answer=CheckInAnswer.AT_RISK))
    await _wait_for_status(handle, CommitmentStatus.IN_CONVERSATION)
    await update(
        Updates.PROPOSE_REVISION,
        ProposeRevision(
            actor=OWNER,
            new_due=datetime.now(UTC) + timedelta(days=3),
            reason="Finance needs two more days.",
        ),
    )
    await update(Updates.ACCEPT_REVISION, ActorAction(actor=MANAGER))
    await update(Updates.COMPLETE, Complete(actor=OWNER, note="Shared with finance."))
    await handle.result()
    return handle


async def drive_baseline(
    client: Client, task_queue: str, spec: BaselineInput
) -> WorkflowHandle[BaselineWorkflow, int]:
    """Run one baseline workflow, sending its updates one after another."""
    handle = await client.start_workflow(
        BaselineWorkflow.run, spec, id=f"baseline-{uuid.uuid4().hex[:12]}", task_queue=task_queue
    )
    for step in range(spec.updates):
        _ = await handle.execute_update(BaselineWorkflow.step, BaselineStep(step=step))
    await handle.result()
    return handle


async def _measure(
    phase: Phase, worker: WorkerProcess, client: Client, task_queue: str, drives: list[Any]
) -> list[Any]:
    await worker.start()
    await wait_for_pollers(client, task_queue)
    idle_from = worker.cpu_seconds()
    await asyncio.sleep(IDLE_SECONDS)
    phase.idle_cpu_per_second = (worker.cpu_seconds() - idle_from) / IDLE_SECONDS
    phase.lifecycles = len(drives)
    phase.load_average_before = load_averages()
    cpu_before = worker.cpu_seconds()
    started = time.monotonic()
    outcomes = await asyncio.wait_for(
        asyncio.gather(*drives, return_exceptions=True), timeout=PHASE_TIMEOUT
    )
    phase.seconds = time.monotonic() - started
    phase.worker_cpu_seconds = worker.cpu_seconds() - cpu_before
    phase.load_average_after = load_averages()
    await worker.stop()
    handles = []
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            phase.errors.append(f"{type(outcome).__name__}: {outcome}")
        else:
            handles.append(outcome)
    phase.completed = len(handles)
    return handles


def _baseline_spec(counts: dict[str, float], timer_seconds: float) -> BaselineInput:
    return BaselineInput(
        activities=math.ceil(counts.get("activities", 0)),
        timers=math.ceil(counts.get("timers", 0)),
        updates=math.ceil(counts.get("updates", 0)),
        timer_seconds=timer_seconds,
    )


async def run(n: int, due_seconds: float, work_dir: Path) -> dict[str, Any]:
    """Run both phases and return the figures."""
    accord = Phase("accord")
    baseline = Phase("baseline")
    async with dev_server(work_dir) as temporal:
        with sandbox_server(work_dir) as sandbox:
            requests = count_graph_requests(sandbox)
            client = temporal.client
            queue = f"bench-accord-{uuid.uuid4().hex[:8]}"
            env = worker_environment(temporal, sandbox, queue, work_dir / "accord")
            worker = accord_worker(env, work_dir / "accord-worker.log")
            due_after = timedelta(seconds=due_seconds)
            handles = await _measure(
                accord,
                worker,
                client,
                queue,
                [drive_lifecycle(client, queue, number, due_after) for number in range(n)],
            )
            if accord.errors and not handles:
                raise RuntimeError(f"{accord.errors[0]}\n{worker.log_tail()}")
            counts = [await history_counts(handle) for handle in handles]
            per_lifecycle = mean_counts(counts)
            views = [await handle.result() for handle in handles]
            messages = Counter(
                entry.kind.removeprefix("sent:")
                for view in views
                for entry in view.history
                if entry.kind.startswith("sent:")
            )
            graph_requests = sum(requests.requests.values())
            # The same shape of wall-clock time: the lifecycle's timers, spread evenly.
            timer_seconds = max(0.2, accord.seconds / max(1.0, per_lifecycle.get("timers", 1)))
            spec = _baseline_spec(per_lifecycle, min(timer_seconds, 2.0))
            base_queue = f"bench-baseline-{uuid.uuid4().hex[:8]}"
            base_env = worker_environment(temporal, sandbox, base_queue, work_dir / "baseline")
            base_worker = WorkerProcess(
                ["-m", "bench.baseline"], base_env, work_dir / "baseline-worker.log"
            )
            base_handles = await _measure(
                baseline,
                base_worker,
                client,
                base_queue,
                [drive_baseline(client, base_queue, spec) for _ in range(n)],
            )
            baseline_counts = mean_counts([await history_counts(h) for h in base_handles])
    accord_figures, baseline_figures = accord.figures(), baseline.figures()
    return {
        "accord": accord_figures,
        "baseline": baseline_figures,
        "cpu_ratio_to_baseline": _ratio(
            accord_figures["worker_cpu_seconds_per_lifecycle"],
            baseline_figures["worker_cpu_seconds_per_lifecycle"],
        ),
        "busy_cpu_ratio_to_baseline": _ratio(
            accord_figures["busy_cpu_seconds_per_lifecycle"],
            baseline_figures["busy_cpu_seconds_per_lifecycle"],
        ),
        "throughput_ratio_to_baseline": _ratio(
            accord_figures["commitments_per_second"], baseline_figures["commitments_per_second"]
        ),
        "history_per_lifecycle": per_lifecycle,
        "baseline_history_per_workflow": baseline_counts,
        "baseline_workflow": spec.model_dump(),
        "messages_per_lifecycle": {
            kind: round(times / max(1, len(handles)), 2) for kind, times in sorted(messages.items())
        },
        "graph_requests_per_lifecycle": round(graph_requests / max(1, len(handles)), 2),
        "goal_cpu_ratio": 1.5,
    }


def _ratio(value: float, reference: float) -> float | None:
    return round(value / reference, 3) if reference else None


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the benchmark, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=20, help="commitments (and baseline runs)")
    parser.add_argument(
        "--due-seconds", type=float, default=20.0, help="how far ahead each deadline is"
    )
    parser.add_argument("--name", default="lifecycle", help="results file name (without .json)")
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    arguments = parser.parse_args(argv)
    bench_run = Run(arguments.name, {"n": arguments.n, "due_seconds": arguments.due_seconds})
    # Deployed workers run compiled bytecode (the image compiles at build time).
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as work:
        figures = asyncio.run(run(arguments.n, arguments.due_seconds, Path(work)))
    bench_run.publish(figures, arguments.output)


if __name__ == "__main__":
    quiet_logs()
    main()

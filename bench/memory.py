"""Benchmark 3: the worker's resident memory with many open commitments, asleep and awake.

``./dev python -m bench.memory --n 10000`` starts the dev server, the sandbox (round-the-clock
tenant, no limits) and ``accord worker`` in a process of its own, then:

1. **idle**: the worker's resident memory before any commitment;
2. **sleeping**: starts ``--n`` commitments due in a week; each sends its expectation and then
   sleeps on its timers; memory once every expectation is in Sent Items (copies older than
   3 minutes are cleared as the run goes, see :class:`SentItems`; duplicates are counted);
3. **all woken**: every commitment is brought back into the worker by a query (a workflow
   task replays it into the workflow cache exactly as a firing timer does), peak and final
   memory.

The workflow cache (``--cache``, default Accord's ``worker_max_cached_workflows``) bounds how
many of them the worker holds at once: memory should follow the cache, not ``--n``.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client

from accord.settings import COMMITMENT_RUN_EVENTS, AccordSettings
from activities.messaging.activities import IDEMPOTENCY_HEADER
from bench.results import Run, load_averages, quiet_logs
from bench.stack import (
    AGENT,
    Temporal,
    WorkerProcess,
    accord_worker,
    budget_commitment,
    dev_server,
    sandbox_server,
    start_commitment_workflow,
    wait_for_pollers,
    worker_environment,
)
from sandbox.directory import folder_id_for
from sandbox.server import SandboxServer
from workflows.commitment.contracts import (
    CommitmentInput,
    workflow_id_for,
)
from workflows.commitment.workflow import CommitmentWorkflow

SETTLE_SECONDS = 5.0
MESSAGES_PER_MINUTE = 60_000
PHASE_TIMEOUT = 3600.0
CLEAR_SENT_AFTER_SECONDS = 180.0
"""Sent Items copies older than this are deleted (a retried send looks back far less)."""


class Sampler:
    """Samples a process's resident memory twice a second and keeps the peak."""

    def __init__(self, worker: WorkerProcess) -> None:
        self._worker = worker
        self.peak = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, self._worker.resident_mib())
            await asyncio.sleep(0.5)

    def restart(self) -> None:
        """Forget the peak and sample afresh."""
        self.stop()
        self.peak = self._worker.resident_mib()
        self._task = asyncio.create_task(self._sample())

    def stop(self) -> None:
        """Stop sampling."""
        if self._task is not None:
            self._task.cancel()
            self._task = None


class SentItems:
    """Follows the agent's Sent Items: messages sent, duplicates, and old copies cleared.

    Reads only what changed since the last look. The sandbox finds an earlier attempt of a
    send by reading the whole mailbox (Exchange uses an index), so each send would cost it
    time growing with every message already sent, and 10,000 sends would take hours of the
    benchmark's process (which also serves the sandbox) rather than measure the worker.
    :meth:`clear_older_than` therefore deletes copies older than any send's retry could look
    for; :attr:`duplicates` still counts every key sent more than once.
    """

    def __init__(self, sandbox: SandboxServer) -> None:
        state = sandbox.state
        assert state is not None  # noqa: S101 - started by the caller
        self._store = state.store
        self._agent = str(state.directory.user(AGENT)["id"])
        self._folder = folder_id_for(self._agent, "sentitems")
        self._seen = 0
        self._first_seen: dict[str, float] = {}
        self._keys: Counter[str] = Counter()

    def count(self) -> int:
        """The number of messages sent so far (cleared copies included)."""
        for change in self._store.changes_since("messages", self._agent, self._seen):
            self._seen = max(self._seen, change.seq)
            if change.deleted or change.data.get("parentFolderId") != self._folder:
                continue
            if change.id not in self._first_seen:
                self._first_seen[change.id] = time.monotonic()
                self._keys[_idempotency_key(change.data)] += 1
        return len(self._first_seen)

    @property
    def duplicates(self) -> int:
        """Messages sent again under a key already sent (goal: 0)."""
        return sum(count - 1 for count in self._keys.values())

    def clear_older_than(self, seconds: float) -> None:
        """Delete the Sent Items copies first seen more than ``seconds`` ago."""
        cutoff = time.monotonic() - seconds
        for message_id, seen in list(self._first_seen.items()):
            if seen < cutoff:
                self._store.delete("messages", self._agent, message_id)
                # Keep the id (so it stays counted) but never delete it again.
                self._first_seen[message_id] = float("inf")


def _idempotency_key(message: dict[str, Any]) -> str:
    for header in message.get("internetMessageHeaders") or []:
        if str(header.get("name", "")).lower() == IDEMPOTENCY_HEADER.lower():
            return str(header.get("value"))
    return str(message.get("id"))


async def start_one(
    client: Client, task_queue: str, number: int, run_events: int | None = COMMITMENT_RUN_EVENTS
) -> str:
    """Start a commitment due in a week, as the API would (its run length included)."""
    commitment_id = f"mem{number}-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    spec = budget_commitment(number, now + timedelta(days=7))
    start = CommitmentInput(
        commitment_id=commitment_id, spec=spec, created_at=now, run_events=run_events
    )
    await start_commitment_workflow(client, task_queue, start)
    return commitment_id


async def bounded(concurrency: int, jobs: list[Any]) -> list[Any]:
    gate = asyncio.Semaphore(concurrency)

    async def one(job: Any) -> Any:
        async with gate:
            return await job

    return await asyncio.gather(*(one(job) for job in jobs))


def sent_all(sent: SentItems, n: int) -> bool:
    done = sent.count() >= n
    sent.clear_older_than(CLEAR_SENT_AFTER_SECONDS)
    return done


async def wait_until(predicate: Any, within: float = PHASE_TIMEOUT) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the phase did not finish in time")
        await asyncio.sleep(1.0)


@asynccontextmanager
async def worker_running(
    temporal: Temporal, sandbox: SandboxServer, queue: str, cache: int, work_dir: Path
) -> AsyncIterator[WorkerProcess]:
    """Run ``accord worker`` on the benchmark's stack with a cache of ``cache`` workflows.

    The worker is stopped on the way out whatever happened, a phase that timed out included,
    so that no benchmark leaves a worker behind.

    Yields:
        The worker, once it polls ``queue``.

    Raises:
        RuntimeError: when the worker died while the benchmark used it.
    """
    env = worker_environment(temporal, sandbox, queue, work_dir / "accord")
    env["ACCORD_WORKER_MAX_CACHED_WORKFLOWS"] = str(cache)
    # The expectations go through the sending mailbox's queue at a rate this sandbox (no
    # Exchange limits) allows, not 30 a minute: memory is measured, not the minute.
    env["ACCORD_MAIL_MESSAGES_PER_MINUTE"] = str(MESSAGES_PER_MINUTE)
    worker = accord_worker(env, work_dir / "worker.log")
    try:
        await worker.start()
        await wait_for_pollers(temporal.client, queue)
        yield worker
        if not worker.alive():
            raise RuntimeError(f"the worker died:\n{worker.log_tail()}")
    finally:
        await worker.stop()


async def run(n: int, cache: int, concurrency: int, work_dir: Path) -> dict[str, Any]:
    """Start, sleep and wake ``n`` commitments; return the memory figures in MiB."""
    figures: dict[str, Any] = {"cache_size": cache}
    async with dev_server(work_dir) as temporal:
        with sandbox_server(work_dir) as sandbox:
            client = temporal.client
            queue = f"bench-memory-{uuid.uuid4().hex[:8]}"
            async with worker_running(temporal, sandbox, queue, cache, work_dir) as worker:
                await asyncio.sleep(SETTLE_SECONDS)
                figures["idle_mib"] = round(worker.resident_mib(), 1)
                sampler = Sampler(worker)
                sampler.restart()
                started = time.monotonic()
                ids = await bounded(concurrency, [start_one(client, queue, i) for i in range(n)])
                sent = SentItems(sandbox)
                await wait_until(lambda: sent_all(sent, n))
                figures["start_seconds"] = round(time.monotonic() - started, 1)
                figures["start_peak_mib"] = round(sampler.peak, 1)
                figures["duplicate_sends"] = sent.duplicates
                await asyncio.sleep(SETTLE_SECONDS)
                figures["sleeping_mib"] = round(worker.resident_mib(), 1)
                figures["load_average_sleeping"] = load_averages()
                sampler.restart()
                started = time.monotonic()
                await bounded(
                    concurrency,
                    [
                        client.get_workflow_handle(workflow_id_for(cid)).query(
                            CommitmentWorkflow.view
                        )
                        for cid in ids
                    ],
                )
                figures["wake_seconds"] = round(time.monotonic() - started, 1)
                figures["woken_peak_mib"] = round(sampler.peak, 1)
                await asyncio.sleep(SETTLE_SECONDS)
                figures["woken_mib"] = round(worker.resident_mib(), 1)
                figures["load_average_woken"] = load_averages()
                sampler.stop()
    figures["open_commitments"] = n
    # Everything the worker gained over its idle start, per workflow its cache holds: an upper
    # bound on one cached commitment's cost, since it also counts the caches and allocator
    # growth of the first tasks (bench.cached_cost measures the slope instead).
    held = max(figures["sleeping_mib"], figures["woken_mib"]) - figures["idle_mib"]
    figures["kib_per_cached_commitment_at_most"] = round(held * 1024 / min(n, cache), 1)
    # The goal is 300 MB; resident memory is read in MiB.
    figures["goal_mib"] = round(300e6 / 2**20, 1)
    return figures


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the benchmark, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="open commitments")
    parser.add_argument(
        "--cache",
        type=int,
        default=AccordSettings.model_fields["worker_max_cached_workflows"].default,
        help="the worker's workflow cache size",
    )
    parser.add_argument("--concurrency", type=int, default=50, help="starts and wakes at once")
    parser.add_argument("--name", default="memory", help="results file name (without .json)")
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    arguments = parser.parse_args(argv)
    bench_run = Run(
        arguments.name,
        {"n": arguments.n, "cache": arguments.cache, "concurrency": arguments.concurrency},
    )
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as work:
        figures = asyncio.run(run(arguments.n, arguments.cache, arguments.concurrency, Path(work)))
    bench_run.publish(figures, arguments.output)


if __name__ == "__main__":
    quiet_logs()
    main()

"""The soak: many whole lifecycles while the worker is killed, Graph fails and servers restart.

``./dev python -m bench.soak --lifecycles 1000`` runs the fault drills' lifecycle (expectation,
accept, an at-risk check-in, the deadline passing, a supportive conversation on both
calendars, a revision proposed and agreed, done; ``tests/support/drills.py``) ``--lifecycles``
times against a real ``accord worker`` process, Temporal's dev server (its own SQLite file)
and the sandbox (round-the-clock tenant), all at once:

* the worker is SIGKILLed at random moments (``--kills`` per wave) and started again at once;
* ``--fault-rate`` of Graph requests fail, split evenly between 503s, 504s, dropped
  connections, accepted-then-failed requests (the request takes effect, the client sees a
  failure) and slow answers;
* Temporal's dev server is SIGKILLed and started again on its file, and the sandbox stopped
  and started on its data, once per wave each.

Sends go through the sending mailbox's task queue as in production, at
``--messages-per-minute`` (this sandbox enforces no Exchange limits; at Exchange's 30 a minute
the run would measure the mailbox's rate, which ``bench.burst`` does).

Lifecycles run in waves of ``--wave`` at once, each wave on a sandbox and task queue of its
own (a person's inbox stays small enough to read often) and starting over ``--stagger``
seconds, so the breakages land in every phase. It counts, as the drills do, every duplicate
(a message, event or invitation someone holds twice) and every loss (a message recorded as
sent and not received, one that must always go and did not, a commitment that did not end
done). Goal: 0 and 0. After each wave the figures so far are written, and no wave starts that
would, at the last wave's pace, end after ``--max-minutes``. Not in CI: its figures go to
docs/reliability.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import logging
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client

from bench import stack
from bench.results import Run, quiet_logs
from integrations.temporal.codec import EncryptionCodec, PayloadKeyRing
from integrations.temporal.converter import build_data_converter
from sandbox.config import FaultConfig, LimitsConfig, SandboxConfig
from sandbox.server import SandboxServer
from tests.support.drills import (
    DevServer,
    DrillFigures,
    Lifecycle,
    Mailboxes,
    WorkerProcess,
    add_sandbox_counts,
    count,
    run_lifecycle,
)
from tests.support.sandbox import round_the_clock_tenant

FAULT_KINDS = 5
"""503, 504, dropped connection, accepted-then-failed, slow: each gets an equal share."""
INBOX_READ_EVERY = 1.0
"""Seconds between the driver's reads of one inbox (every lifecycle in a wave shares them)."""


class SharedInbox(Mailboxes):
    """The drills' mailbox reader, with each inbox read at most once a second.

    A wave's lifecycles all wait on the same two people's inboxes; one read each per second,
    shared, keeps the driver's cost flat however many lifecycles wait at once.
    """

    def __init__(self, sandbox: SandboxServer) -> None:
        super().__init__(sandbox)
        self._read: dict[str, tuple[float, list[dict[str, Any]]]] = {}

    def inbox(self, address: str) -> list[dict[str, Any]]:
        """``address``'s inbox as read less than :data:`INBOX_READ_EVERY` seconds ago."""
        now = time.monotonic()
        cached = self._read.get(address)
        if cached is None or now - cached[0] > INBOX_READ_EVERY:
            cached = (now, super().inbox(address))
            self._read[address] = cached
        return cached[1]


def faults(rate: float, seed: int) -> FaultConfig:
    """``rate`` of Graph requests fail, in equal shares of every kind the sandbox injects."""
    share = rate / FAULT_KINDS
    return FaultConfig(
        service_unavailable_rate=share,
        gateway_timeout_rate=share,
        drop_connection_rate=share,
        accepted_then_failed_rate=share,
        slow_rate=share,
        slow_seconds=1.0,
        retry_after_seconds=1,
        seed=seed,
    )


class Soak:
    """The run's state: the dev server, its client, the figures, the random source."""

    def __init__(self, arguments: argparse.Namespace, directory: Path) -> None:
        self.arguments = arguments
        self.directory = directory
        self.rng = random.Random(arguments.seed)
        self.figures = DrillFigures("soak")
        self.graph_requests = 0
        self.payload_key = secrets.token_bytes(32)
        self.converter = build_data_converter(EncryptionCodec(PayloadKeyRing([self.payload_key])))
        self.temporal = DevServer(directory, start_within=120)
        self.waves = 0
        self.stopped_for_time = False

    @property
    def payload_key_b64(self) -> str:
        """The payload key as ``ACCORD_PAYLOAD_KEYS`` wants it."""
        return base64.b64encode(self.payload_key).decode()

    async def run(self, after_wave: Callable[[], None]) -> None:
        """Every wave, one after the other, until done or no time is left for another.

        Args:
            after_wave: called after each wave (to publish the figures so far).
        """
        started = time.monotonic()
        budget = self.arguments.max_minutes * 60
        client = await self.temporal.start(self.converter)
        try:
            remaining, wave = self.arguments.lifecycles, 0
            while remaining > 0:
                wave_started = time.monotonic()
                size = min(self.arguments.wave, remaining)
                await self.wave(client, wave, size)
                remaining -= size
                wave += 1
                self.waves = wave
                after_wave()
                # Another wave like the last would end past the time allowed: stop here.
                if (
                    remaining
                    and time.monotonic() - started + (time.monotonic() - wave_started) > budget
                ):
                    self.stopped_for_time = True
                    break
        finally:
            await self.temporal.stop()

    async def wave(self, client: Client, wave: int, size: int) -> None:
        """``size`` lifecycles at once on a sandbox and task queue of their own, with breakage."""
        arguments = self.arguments
        wave_dir = self.directory / f"wave-{wave}"
        wave_dir.mkdir()
        config = SandboxConfig(
            limits=LimitsConfig(enabled=False),
            faults=faults(arguments.fault_rate, arguments.seed + wave),
        )
        first = len(self.figures.problems)
        with SandboxServer(
            wave_dir / "sandbox", tenant=round_the_clock_tenant(), config=config
        ) as sandbox:
            counting = stack.count_graph_requests(sandbox)
            task_queue = f"soak-{wave}"
            worker = self.worker(sandbox, task_queue, wave_dir)
            mail = SharedInbox(sandbox)
            lifecycles = [Lifecycle(wave * arguments.wave + number) for number in range(size)]
            due = timedelta(seconds=arguments.due_seconds)

            async def staggered(lifecycle: Lifecycle) -> None:
                await asyncio.sleep(self.rng.uniform(0, arguments.stagger))
                await run_lifecycle(client, task_queue, mail, lifecycle, due)

            async def restart_sandbox() -> None:
                nonlocal counting
                # The restarted sandbox counts afresh: keep what this one counted.
                add_sandbox_counts(self.figures, sandbox)
                self.graph_requests += sum(counting.requests.values())
                await asyncio.to_thread(sandbox.restart)
                counting = stack.count_graph_requests(sandbox)
                self.figures.sandbox_restarts += 1

            async def restart_temporal() -> None:
                await self.temporal.kill()
                await self.temporal.start(self.converter)
                self.figures.temporal_restarts += 1

            await worker.start()
            supervisor = asyncio.create_task(worker.keep_running())
            try:
                await asyncio.gather(
                    self.breakage(worker, restart_sandbox, restart_temporal),
                    *(staggered(lifecycle) for lifecycle in lifecycles),
                )
            finally:
                supervisor.cancel()
                await worker.stop()
                self.figures.worker_kills += worker.kills
            add_sandbox_counts(self.figures, sandbox)
            self.graph_requests += sum(counting.requests.values())
            count(self.figures, Mailboxes(sandbox), lifecycles)
        self.progress(wave, first)

    def worker(self, sandbox: SandboxServer, task_queue: str, directory: Path) -> WorkerProcess:
        """A wave's ``accord worker``, as the drills run it, sending as fast as Graph answers.

        Sends go through the sending mailbox's own task queue, as in production, but at
        ``--messages-per-minute`` instead of Exchange's 30: this sandbox enforces no limits,
        and at 30 a minute the run's length would be the mailbox's, not the faults'.
        """
        env = stack.accord_environment(
            temporal_address=self.temporal.address,
            task_queue=task_queue,
            payload_key_b64=self.payload_key_b64,
            sandbox=sandbox,
            data_dir=directory / "accord",
            public_url="http://accord.test",
        )
        env["ACCORD_MAIL_MESSAGES_PER_MINUTE"] = str(self.arguments.messages_per_minute)
        return WorkerProcess(env, directory)

    async def breakage(
        self,
        worker: WorkerProcess,
        restart_sandbox: Callable[[], Awaitable[None]],
        restart_temporal: Callable[[], Awaitable[None]],
    ) -> None:
        """At random moments of the wave's busiest time: kills, then one restart of each."""
        arguments = self.arguments
        within = arguments.stagger + arguments.due_seconds

        async def kill() -> None:
            await worker.kill()
            await worker.start()

        acts: list[Callable[[], Awaitable[None]]] = [kill] * arguments.kills
        acts += [restart_sandbox, restart_temporal]
        moments = sorted((self.rng.uniform(0, within), act) for act in acts)
        started = time.monotonic()
        for moment, act in moments:
            await asyncio.sleep(max(0.0, moment - (time.monotonic() - started)))
            await act()

    def progress(self, wave: int, first_problem: int) -> None:
        """Print the running totals after a wave (and this wave's problems, if any)."""
        f = self.figures
        totals = {
            "wave": wave,
            "lifecycles": f.lifecycles,
            "ended_done": f.ended_done,
            "duplicates": f.duplicates,
            "losses": f.losses,
            "unfinished": f.unfinished,
            "kills": f.worker_kills,
            "restarts": f.temporal_restarts + f.sandbox_restarts,
            "faults": sum(f.faults_injected.values()),
            "graph_requests": self.graph_requests,
            "problems": f.problems[first_problem:][:10],
        }
        # A long run shows its progress as it goes, as the drills print their figures.
        sys.stdout.write(f"SOAK {json.dumps(totals)}\n")
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the soak, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--lifecycles", type=int, default=1000, help="whole lifecycles to run")
    parser.add_argument("--wave", type=int, default=50, help="lifecycles running at once")
    parser.add_argument("--kills", type=int, default=2, help="worker SIGKILLs per wave")
    parser.add_argument("--fault-rate", type=float, default=0.2, help="share of Graph requests")
    parser.add_argument("--due-seconds", type=float, default=20.0, help="deadline's distance")
    parser.add_argument("--stagger", type=float, default=20.0, help="seconds over which starts")
    parser.add_argument(
        "--messages-per-minute", type=int, default=6000, help="the sending mailbox's rate"
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of every random choice")
    parser.add_argument(
        "--max-minutes", type=float, default=600.0, help="start no wave that would end later"
    )
    parser.add_argument("--name", default="soak", help="results file name")
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    arguments = parser.parse_args(argv)
    bench_run = Run(arguments.name, {k: v for k, v in vars(arguments).items() if k != "output"})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="accord-soak-") as scratch:
        soak = Soak(arguments, Path(scratch))

        def publish() -> None:
            figures = soak.figures
            figures.seconds = round(time.monotonic() - started, 1)
            faults_injected = sum(figures.faults_injected.values())
            bench_run.publish(
                asdict(figures)
                | {
                    "waves": soak.waves,
                    "stopped_for_time": soak.stopped_for_time,
                    "graph_requests": soak.graph_requests,
                    "graph_faults": faults_injected,
                    "fault_share": round(faults_injected / soak.graph_requests, 3)
                    if soak.graph_requests
                    else None,
                    "problems": figures.problems[:50],
                },
                arguments.output,
            )

        asyncio.run(soak.run(publish))
    publish()


if __name__ == "__main__":
    quiet_logs()
    # The sandbox's dropped connections are injected on purpose; uvicorn logs each as an error.
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    main()

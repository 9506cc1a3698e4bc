"""Benchmark 2: a burst of check-ins due in the same minute, under Exchange's per-mailbox limits.

``./dev python -m bench.burst --mailboxes 20 --per-mailbox 150 --time-scale 60`` starts the
sandbox with Exchange Online's limits on (30 messages a minute and 4 concurrent requests per
sending mailbox, 10,000 requests per 10 minutes), every window shrunk ``--time-scale`` times,
and a tenant with ``--mailboxes`` sending mailboxes. It then sends ``--per-mailbox`` check-ins
from each, all due at once, from a process of its own (as a worker is; the sandbox, playing
Graph, stays on the other core), through Accord's real ``send_message`` activity (the Sent Items
look-up for an earlier attempt, then ``sendMail``) as one worker would: at most
``--concurrency`` activities at a time (the worker's ``worker_max_concurrent_activities``), and
a failed attempt retried as Temporal's ``SEND_RETRY`` policy would, with its intervals shrunk
by the same scale (``Retry-After``, already in the sandbox's scaled time, wins as in Temporal,
and so does a ``MailboxBusy`` booking's delay). The worker's mailbox pacer
(integrations/graph/pacing.py) is on, its minute shrunk by the same scale, unless
``--no-pacing`` measures sending without it.

It reports the 429s (goal: none) and the time to send everything against the least the limits
allow (goal: at most 1.1 times): with ``k`` messages per mailbox and 30 a minute, the last
batch can start ``ceil(k / 30) - 1`` minutes after the first.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import math
import multiprocessing
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.messaging.activities import MessagingActivities
from activities.messaging.contracts import OutgoingMessage
from bench.results import Run, quiet_logs
from bench.stack import anytime_tenant, budget_commitment, sandbox_server
from domain.action_links import LinkAction, LinkKeyRing
from domain.messages.kinds import MessageKind
from domain.models import Actor, CommitmentSpec
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.graph.pacing import MailboxPacer, PacingLimits
from sandbox.config import LimitsConfig
from sandbox.tenant import TenantSeed, UserSeed
from workflows.retries import SEND_RETRY

LINK_KEY = b"bench-only-link-key-of-at-least-32-bytes"
CHECK_IN_ACTIONS = {
    "on_track_url": LinkAction.CHECK_IN_ON_TRACK,
    "at_risk_url": LinkAction.CHECK_IN_AT_RISK,
    "blocked_url": LinkAction.CHECK_IN_BLOCKED,
    "done_url": LinkAction.DONE,
}


def sender(number: int) -> str:
    """The address of sending mailbox ``number``."""
    return f"accord-{number}@northwind.example"


def burst_tenant(mailboxes: int) -> TenantSeed:
    """The round-the-clock tenant plus ``mailboxes`` sending mailboxes."""
    tenant = anytime_tenant()
    agent = next(user for user in tenant.users if user.upn.startswith("accord@"))
    senders = [
        UserSeed(
            upn=sender(number),
            display_name=f"Accord {number}",
            time_zone="UTC",
            working_hours=agent.working_hours,
        )
        for number in range(mailboxes)
    ]
    return tenant.model_copy(update={"users": [*tenant.users, *senders]})


@dataclass
class Outcome:
    """What happened to one message."""

    attempts: int
    finished_at: float
    failure: str | None = None


def _retry_delay(error: BaseException, attempt: int, time_scale: float) -> float | None:
    """Seconds until the next attempt as Temporal would wait; ``None``: no retry."""
    if isinstance(error, ApplicationError):
        if error.non_retryable or error.type in (SEND_RETRY.non_retryable_error_types or ()):
            return None
        if error.next_retry_delay is not None:
            return error.next_retry_delay.total_seconds()
    if SEND_RETRY.maximum_attempts and attempt >= SEND_RETRY.maximum_attempts:
        return None
    interval = SEND_RETRY.initial_interval.total_seconds() * (
        SEND_RETRY.backoff_coefficient ** (attempt - 1)
    )
    ceiling = (SEND_RETRY.maximum_interval or timedelta(minutes=10)).total_seconds()
    return min(interval, ceiling) / time_scale


def _message(number: int, spec: CommitmentSpec) -> OutgoingMessage:
    commitment_id = f"burst{number}"
    return OutgoingMessage(
        idempotency_key=f"{commitment_id}:{uuid.uuid4().hex[:8]}:check_in",
        commitment_id=commitment_id,
        kind=MessageKind.CHECK_IN,
        recipient_role=Actor.OWNER,
        spec=spec,
        recipient_time_zone="Eastern Standard Time",
        actions=dict(CHECK_IN_ACTIONS),
    )


async def _send(
    activities: MessagingActivities,
    message: OutgoingMessage,
    gate: asyncio.Semaphore,
    time_scale: float,
    started: float,
) -> Outcome:
    attempt = 0
    environment = ActivityEnvironment()
    while True:
        attempt += 1
        async with gate:
            environment.info = dataclasses.replace(environment.info, attempt=attempt)
            try:
                await environment.run(activities.send_message, message)
                return Outcome(attempt, time.monotonic() - started)
            except Exception as error:
                delay = _retry_delay(error, attempt, time_scale)
                if delay is None:
                    return Outcome(attempt, time.monotonic() - started, type(error).__name__)
        await asyncio.sleep(delay)


def worker_pacer(time_scale: float) -> MailboxPacer:
    """The worker's default pacer with its minute and longest wait shrunk ``time_scale`` times."""
    defaults = PacingLimits()
    return MailboxPacer(
        PacingLimits(minute=defaults.minute / time_scale, max_wait=defaults.max_wait / time_scale)
    )


@dataclass(frozen=True)
class Burst:
    """What the sending process needs: where Graph is, and the burst's shape."""

    sandbox_url: str
    graph_url: str
    tenant_id: str
    client_id: str
    mailboxes: int
    per_mailbox: int
    time_scale: float
    concurrency: int
    pacing: bool


async def _send_burst(burst: Burst) -> tuple[list[Outcome], float, float]:
    pacer = worker_pacer(burst.time_scale) if burst.pacing else None
    async with SandboxClientCredential(
        burst.sandbox_url, burst.tenant_id, burst.client_id, "bench-only-client-secret"
    ) as credential:
        graph = build_graph_client(GraphConnection(burst.graph_url, credential, pacer=pacer))
        spec = budget_commitment(1, datetime.now(UTC) + timedelta(days=7))
        senders = [
            MessagingActivities(
                graph,
                sender_mailbox=sender(number),
                links=LinkKeyRing([LINK_KEY]),
                public_url="http://accord.bench",
                pacer=pacer,
            )
            for number in range(burst.mailboxes)
        ]
        gate = asyncio.Semaphore(burst.concurrency)
        # Due in the same minute: in the order a worker would pick them up, interleaved.
        jobs = [
            (senders[number % burst.mailboxes], _message(number, spec))
            for number in range(burst.mailboxes * burst.per_mailbox)
        ]
        started = time.monotonic()
        cpu_before = time.process_time()
        outcomes = await asyncio.gather(
            *(
                _send(activities, message, gate, burst.time_scale, started)
                for activities, message in jobs
            )
        )
        return outcomes, time.monotonic() - started, time.process_time() - cpu_before


def send_burst(burst: Burst) -> tuple[list[Outcome], float, float]:
    """Send the burst in this process; return each message's outcome, the seconds, the CPU."""
    quiet_logs()
    return asyncio.run(_send_burst(burst))


async def run(
    mailboxes: int,
    per_mailbox: int,
    time_scale: float,
    concurrency: int,
    work_dir: Path,
    pacing: bool = True,
) -> dict[str, Any]:
    """Send the burst from a process of its own (as a worker is) and return the figures.

    The sandbox stays in this process, on the other core, so that Graph's own work does not
    slow the sender down as it would not in production.
    """
    limits = LimitsConfig(time_scale=time_scale)
    with sandbox_server(work_dir, limits=limits, tenant=burst_tenant(mailboxes)) as sandbox:
        state = sandbox.state
        assert state is not None  # noqa: S101 - just started
        burst = Burst(
            sandbox_url=sandbox.url,
            graph_url=sandbox.graph_url,
            tenant_id=state.tenant.tenant_id,
            client_id=state.tenant.apps[0].client_id,
            mailboxes=mailboxes,
            per_mailbox=per_mailbox,
            time_scale=time_scale,
            concurrency=concurrency,
            pacing=pacing,
        )
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            outcomes, seconds, cpu = await asyncio.get_running_loop().run_in_executor(
                pool, send_burst, burst
            )
        throttled = state.limits.throttled_count
    minute = 60.0 / time_scale
    least = (math.ceil(per_mailbox / limits.messages_per_minute) - 1) * minute
    sustained = per_mailbox / limits.messages_per_minute * minute
    failures = Counter(outcome.failure for outcome in outcomes if outcome.failure)
    attempts = [outcome.attempts for outcome in outcomes]
    return {
        "pacing": pacing,
        "messages": len(outcomes),
        "sent": len(outcomes) - sum(failures.values()),
        "failed": dict(failures),
        "throttled_429": throttled,
        "attempts_per_message": round(sum(attempts) / max(1, len(attempts)), 2),
        "max_attempts": max(attempts, default=0),
        "seconds": round(seconds, 2),
        "scaled_minutes": round(seconds / minute, 2),
        "least_seconds_the_limits_allow": round(least, 2),
        "sustained_rate_seconds": round(sustained, 2),
        "ratio_to_least": round(seconds / least, 2) if least else None,
        "ratio_to_sustained_rate": round(seconds / sustained, 2) if sustained else None,
        "sender_cpu_ms_per_message": round(cpu / max(1, len(outcomes)) * 1000, 2),
        "goal_throttled_429": 0,
        "goal_ratio": 1.1,
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the benchmark, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--mailboxes", type=int, default=10, help="sending mailboxes")
    parser.add_argument("--per-mailbox", type=int, default=100, help="check-ins per mailbox")
    parser.add_argument("--time-scale", type=float, default=60.0, help="how much windows shrink")
    parser.add_argument("--concurrency", type=int, default=50, help="activities at once")
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    parser.add_argument("--name", default="burst", help="results file name")
    parser.add_argument(
        "--no-pacing", action="store_true", help="send without the worker's mailbox pacer"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="worker processes sending through Temporal's per-mailbox queues "
        "(bench/burst_workers.py); 0: one process, Temporal's retries simulated",
    )
    parser.add_argument(
        "--queue-rate",
        type=int,
        default=30,
        help="with --workers: the workers' mail_messages_per_minute (a (scaled) minute)",
    )
    arguments = parser.parse_args(argv)
    bench_run = Run(
        arguments.name,
        {
            "mailboxes": arguments.mailboxes,
            "per_mailbox": arguments.per_mailbox,
            "time_scale": arguments.time_scale,
            "concurrency": arguments.concurrency,
            "pacing": not arguments.no_pacing,
            "workers": arguments.workers,
        },
    )
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as work:
        if arguments.workers:
            from bench.burst_workers import run_with_workers  # it imports this module

            figures = asyncio.run(
                run_with_workers(
                    arguments.mailboxes,
                    arguments.per_mailbox,
                    arguments.time_scale,
                    arguments.workers,
                    Path(work),
                    messages_per_minute=arguments.queue_rate,
                )
            )
            bench_run.publish(figures, arguments.output)
            return
        figures = asyncio.run(
            run(
                arguments.mailboxes,
                arguments.per_mailbox,
                arguments.time_scale,
                arguments.concurrency,
                Path(work),
                pacing=not arguments.no_pacing,
            )
        )
    bench_run.publish(figures, arguments.output)


if __name__ == "__main__":
    quiet_logs()
    main()

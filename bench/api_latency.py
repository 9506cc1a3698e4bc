"""Benchmark 5: the API's create, list and show latency with many commitments.

``./dev python -m bench.api_latency --n 10000 --requests 500`` starts the dev server, the
sandbox and ``accord worker`` (its own process), and seeds ``--n`` real commitment workflows
whose owner is away (automatic replies on), so each sleeps until the owner's return without
sending anything: open commitments as they sit for days. Then that worker is stopped and a
fresh one started, and timing begins the moment its ``/readyz`` answers ready, as a rollout
sends traffic to a new pod. With the API app in this process (the production app, token
validation and routers; an in-memory org chart), one client signed in as the manager times,
one request after another:

* ``POST /commitments`` (``create``: ``--creates`` of them, the first one after the worker's
  start included and also reported alone as ``create_first_ms``),
* ``GET /commitments`` (the first page, from Temporal's visibility),
* ``GET /commitments?status=awaiting_acceptance&owner=...`` (filtered),
* ``GET /commitments/{id}`` for random ids (a query to the workflow: mostly a replay, since
  ``--n`` is larger than the workflow cache).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from accord.settings import AccordSettings
from accord.wiring.api import build_app
from bench.results import Run, load_averages, milliseconds, quiet_logs
from bench.stack import (
    MANAGER,
    WorkerProcess,
    accord_worker,
    anytime_tenant,
    budget_commitment,
    dev_server,
    sandbox_server,
    start_commitment_workflow,
    wait_for_pollers,
    worker_environment,
)
from domain.action_links import LinkKeyRing
from domain.models import Person
from sandbox.server import free_port
from sandbox.tenant import OutOfOfficeSeed, TenantSeed, UserSeed
from tests.support.api_tokens import FakeEntra
from workflows import visibility
from workflows.commitment.contracts import WORKFLOW_NAME, CommitmentInput

AWAY_OWNER = "lee.away@northwind.example"
PUBLIC_URL = "http://accord.bench"
SEED_CONCURRENCY = 50
QUIET_WINDOW = 2.0
QUIET_CPU_SHARE = 0.1
READY_WITHIN = 120.0


def away_tenant() -> TenantSeed:
    """The round-the-clock tenant plus Lee, Maya's report, who is away until further notice."""
    tenant = anytime_tenant()
    maya = next(user for user in tenant.users if user.upn == MANAGER)
    lee = UserSeed(
        upn=AWAY_OWNER,
        display_name="Lee Away",
        manager=MANAGER,
        time_zone="UTC",
        working_hours=maya.working_hours,
        out_of_office=OutOfOfficeSeed(status="alwaysEnabled"),
    )
    return tenant.model_copy(update={"users": [*tenant.users, lee]})


class BenchOrg:
    """Who is who for the API: Maya manages Sam and Lee."""

    def __init__(self) -> None:
        self._people = {
            MANAGER: Person(email=MANAGER, display_name="Maya Chen"),
            AWAY_OWNER: Person(email=AWAY_OWNER, display_name="Lee Away"),
        }

    async def find(self, email: str) -> Person | None:
        """The person with this address, if known."""
        return self._people.get(email)

    async def manager_of(self, email: str) -> str | None:
        """Maya for Lee, nobody for Maya."""
        return MANAGER if email == AWAY_OWNER else None

    async def reports_of(self, email: str) -> list[str]:
        """Lee for Maya."""
        return [AWAY_OWNER] if email == MANAGER else []


async def _seed(client: Client, task_queue: str, number: int) -> str:
    commitment_id = f"api{number}-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    away = Person(email=AWAY_OWNER, display_name="Lee Away")
    spec = budget_commitment(number, now + timedelta(days=14), owner=away)
    await start_commitment_workflow(
        client, task_queue, CommitmentInput(commitment_id=commitment_id, spec=spec, created_at=now)
    )
    return commitment_id


async def seed_all(client: Client, task_queue: str, n: int) -> list[str]:
    gate = asyncio.Semaphore(SEED_CONCURRENCY)

    async def one(number: int) -> str:
        async with gate:
            return await _seed(client, task_queue, number)

    ids = await asyncio.gather(*(one(number) for number in range(n)))
    deadline = time.monotonic() + 600
    query = visibility.all_of(
        visibility.workflow_type(WORKFLOW_NAME),
        visibility.equals(visibility.TASK_QUEUE, task_queue),
    )
    while (await client.count_workflows(query)).count < n:
        if time.monotonic() > deadline:
            raise TimeoutError("visibility never showed every commitment")
        await asyncio.sleep(1.0)
    return list(ids)


async def _time(
    http: httpx.AsyncClient,
    kind: str,
    path: str,
    timings: dict[str, list[float]],
    errors: Counter[str],
) -> None:
    started = time.perf_counter()
    response = await http.get(path)
    timings[kind].append(time.perf_counter() - started)
    if response.status_code != 200:
        # A 503 here is Temporal or the worker not answering in time: a finding, not a crash.
        errors[f"{kind} {response.status_code}"] += 1


async def _backlog(client: Client, task_queue: str) -> int:
    """Return the tasks waiting on the queue (workflow and activity), as Temporal counts them."""
    waiting = 0
    for kind in (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY):
        described = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=task_queue),
                task_queue_type=kind,
                report_stats=True,
            )
        )
        waiting += described.stats.approximate_backlog_count
    return waiting


async def settle_seeded(
    client: Client, task_queue: str, worker: WorkerProcess, within: float = 600.0
) -> float:
    """Wait until the seeded workflows are asleep: nothing waits on the queue and the worker
    is nearly idle; return seconds. (The worker's CPU alone misleads on a busy machine: the
    dev server's store is then the bottleneck, and hundreds of tasks can still be waiting.)
    """
    started = time.monotonic()
    while time.monotonic() - started < within:
        before = worker.cpu_seconds()
        await asyncio.sleep(QUIET_WINDOW)
        quiet = (worker.cpu_seconds() - before) / QUIET_WINDOW < QUIET_CPU_SHARE
        if quiet and await _backlog(client, task_queue) == 0:
            break
    return time.monotonic() - started


async def _wait_ready(worker: WorkerProcess, port: int) -> None:
    """Poll the worker's ``/readyz`` until it answers 200, as Kubernetes' readiness probe does."""
    deadline = time.monotonic() + READY_WITHIN
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as probe:
        while time.monotonic() < deadline:
            if not worker.alive():
                raise RuntimeError(f"the worker exited:\n{worker.log_tail()}")
            try:
                if (await probe.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            await asyncio.sleep(0.05)
    raise TimeoutError("the worker never reported ready")


def _create_body(number: int) -> dict[str, str]:
    due = datetime.now(UTC) + timedelta(days=21)
    return {
        "title": f"Review the Q1 budget, part {number}",
        "success_criteria": "Comments shared with finance.",
        "owner": AWAY_OWNER,
        "due": due.isoformat(),
    }


async def _time_create(
    http: httpx.AsyncClient, number: int, timings: dict[str, list[float]], errors: Counter[str]
) -> None:
    started = time.perf_counter()
    response = await http.post("/commitments", json=_create_body(number))
    timings["create"].append(time.perf_counter() - started)
    if response.status_code != 201 or not response.json().get("history"):
        # No history: the API answered with what was submitted because the workflow's first
        # view did not come within its wait, a finding.
        errors[f"create {response.status_code}"] += 1


async def _fresh_worker(env: dict[str, str], log_path: Path) -> tuple[WorkerProcess, float]:
    """Start a worker with its probe port; return it once ready, and the seconds it took."""
    port = free_port()
    worker = accord_worker({**env, "ACCORD_WORKER_HEALTH_PORT": str(port)}, log_path)
    started = time.monotonic()
    await worker.start()
    await _wait_ready(worker, port)
    return worker, time.monotonic() - started


async def run(n: int, requests: int, creates: int, work_dir: Path) -> dict[str, Any]:
    """Seed the commitments, restart the worker, time the requests, return the figures."""
    async with dev_server(work_dir) as temporal:
        with sandbox_server(work_dir, tenant=away_tenant()) as sandbox:
            client = temporal.client
            queue = f"bench-api-{uuid.uuid4().hex[:8]}"
            env = worker_environment(temporal, sandbox, queue, work_dir / "accord")
            seeder = accord_worker(env, work_dir / "seed-worker.log")
            await seeder.start()
            await wait_for_pollers(client, queue)
            started = time.monotonic()
            ids = await seed_all(client, queue, n)
            seed_seconds = time.monotonic() - started
            settle_seconds = await settle_seeded(client, queue, seeder)
            await seeder.stop()
            worker, ready_seconds = await _fresh_worker(env, work_dir / "worker.log")
            entra = FakeEntra()
            org = BenchOrg()
            app = build_app(
                settings=AccordSettings(public_url=PUBLIC_URL, temporal_task_queue=queue),
                temporal=client,
                links=LinkKeyRing([secrets.token_bytes(32)]),
                directory=org,
                org=org,
                validator=entra.validator(),
            )
            rng = random.Random(5)
            timings: dict[str, list[float]] = {
                "create": [],
                "list": [],
                "list_filtered": [],
                "show": [],
            }
            errors: Counter[str] = Counter()
            load_before = load_averages()
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url=PUBLIC_URL,
                headers=entra.headers(MANAGER),
                timeout=60,
            ) as http:
                for number in range(creates):
                    await _time_create(http, number, timings, errors)
                for _ in range(requests):
                    await _time(http, "list", "/commitments", timings, errors)
                    await _time(
                        http,
                        "list_filtered",
                        f"/commitments?status=awaiting_acceptance&owner={AWAY_OWNER}",
                        timings,
                        errors,
                    )
                    await _time(http, "show", f"/commitments/{rng.choice(ids)}", timings, errors)
            load_after = load_averages()
            await worker.stop()
    return {
        "commitments": n,
        "seed_seconds": round(seed_seconds, 1),
        "settle_seconds": round(settle_seconds, 1),
        "worker_ready_seconds": round(ready_seconds, 1),
        "errors": dict(errors),
        "create": milliseconds(timings["create"]),
        "create_first_ms": round(timings["create"][0] * 1000, 1) if timings["create"] else None,
        "list": milliseconds(timings["list"]),
        "list_filtered": milliseconds(timings["list_filtered"]),
        "show": milliseconds(timings["show"]),
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the benchmark, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="open commitments")
    parser.add_argument("--requests", type=int, default=100, help="reads of each kind")
    parser.add_argument(
        "--creates", type=int, default=100, help="creates, the first right after the worker's start"
    )
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    parser.add_argument(
        "--name", default="api", help="the results file's name (api_create: the create figure)"
    )
    arguments = parser.parse_args(argv)
    bench_run = Run(
        arguments.name,
        {"n": arguments.n, "requests": arguments.requests, "creates": arguments.creates},
    )
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as work:
        figures = asyncio.run(run(arguments.n, arguments.requests, arguments.creates, Path(work)))
    bench_run.publish(figures, arguments.output)


if __name__ == "__main__":
    quiet_logs()
    main()

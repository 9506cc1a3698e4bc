"""Benchmark: the web app's pages, rendered, with many commitments (not run in CI).

``./dev python -m bench.app_pages --n 10000 --requests 200`` starts the dev server, the
sandbox and ``accord worker`` and seeds ``--n`` open commitments exactly as
:mod:`bench.api_latency` does (Lee, Maya's report, is away, so each workflow sleeps). Then,
with the API app in this process and Maya signed in through ``POST /app/session``, it times,
one request after another:

* ``GET /app/team`` (``team``): a page of 25 from visibility (one in five commitments is
  accepted, and those cards' views are read concurrently), grouped and rendered;
* ``GET /app/commitments/{id}`` (``story``) for random ids: one view query and the page.

Results name each figure with ``p95_ms`` (see :func:`bench.results.milliseconds`).
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
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from accord.settings import AccordSettings
from accord.wiring.api import build_app

# The same seeding and settling as the API's latency benchmark, so both measure the same.
from bench.api_latency import AWAY_OWNER, BenchOrg, away_tenant, seed_all, settle_seeded
from bench.results import Run, load_averages, milliseconds, quiet_logs
from bench.stack import (
    MANAGER,
    accord_worker,
    dev_server,
    sandbox_server,
    wait_for_pollers,
    worker_environment,
)
from domain.action_links import LinkKeyRing
from tests.support.api_tokens import FakeEntra
from workflows.commitment.client import apply_update
from workflows.commitment.contracts import ActorAction, Updates

PUBLIC_URL = "http://accord.bench"
ACCEPTED_SHARE = 5
"""One commitment in this many is accepted, so the team page reads some views."""


async def _accept_some(client: Client, ids: list[str]) -> None:
    gate = asyncio.Semaphore(20)

    async def one(commitment_id: str) -> None:
        async with gate:
            await apply_update(client, commitment_id, Updates.ACCEPT, ActorAction(actor=AWAY_OWNER))

    await asyncio.gather(*(one(item) for item in ids[::ACCEPTED_SHARE]))


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
        errors[f"{kind} {response.status_code}"] += 1


async def run(n: int, requests: int, work_dir: Path) -> dict[str, Any]:
    """Seed the commitments, time the pages, return the figures."""
    async with dev_server(work_dir) as temporal:
        with sandbox_server(work_dir, tenant=away_tenant()) as sandbox:
            client = temporal.client
            queue = f"bench-app-{uuid.uuid4().hex[:8]}"
            env = worker_environment(temporal, sandbox, queue, work_dir / "accord")
            worker = accord_worker(env, work_dir / "worker.log")
            await worker.start()
            await wait_for_pollers(client, queue)
            started = time.monotonic()
            ids = await seed_all(client, queue, n)
            await _accept_some(client, ids)
            seed_seconds = time.monotonic() - started
            settle_seconds = await settle_seeded(client, queue, worker)
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
            timings: dict[str, list[float]] = {"team": [], "story": []}
            errors: Counter[str] = Counter()
            load_before = load_averages()
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL, timeout=60
            ) as http:
                session = await http.post("/app/session", json={"token": entra.token(MANAGER)})
                session.raise_for_status()
                for _ in range(requests):
                    await _time(http, "team", "/app/team", timings, errors)
                    await _time(
                        http, "story", f"/app/commitments/{rng.choice(ids)}", timings, errors
                    )
            load_after = load_averages()
            await worker.stop()
    return {
        "commitments": n,
        "seed_seconds": round(seed_seconds, 1),
        "settle_seconds": round(settle_seconds, 1),
        "errors": dict(errors),
        "team": milliseconds(timings["team"]),
        "story": milliseconds(timings["story"]),
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the benchmark, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="open commitments")
    parser.add_argument("--requests", type=int, default=50, help="requests of each page")
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    arguments = parser.parse_args(argv)
    bench_run = Run("app_pages", {"n": arguments.n, "requests": arguments.requests})
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as work:
        figures = asyncio.run(run(arguments.n, arguments.requests, Path(work)))
    bench_run.publish(figures, arguments.output)


if __name__ == "__main__":
    quiet_logs()
    main()

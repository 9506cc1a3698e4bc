"""What one more cached commitment costs ``accord worker``, fresh or after answers.

``./dev python -m bench.cached_cost --first 100 --n 500`` starts the dev server, the sandbox
(round-the-clock tenant, no limits) and ``accord worker`` (cache ``--cache``, above ``--n``),
then, in one worker:

1. starts ``--first`` commitments due in a week and waits until each expectation is sent;
2. with ``--answers K``, has each owner accept and answer ``K`` check-ins (on track, with a
   note), so that each history grows as a followed commitment's does;
3. queries every one of them (a query brings a workflow back into the cache), and reads the
   worker's resident memory;
4. does the same for commitments ``--first`` to ``--n``, and reads it again.

The figure is the difference divided by ``--n - --first``: what each further cached
commitment costs, with the worker's start, the caches of imports and type adapters, and the
allocator's first growth in both readings. ``bench.memory`` measures whole workers instead
(idle, asleep, woken) at up to 10,000 open commitments.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from temporalio.client import Client

from accord.settings import COMMITMENT_RUN_EVENTS
from bench.memory import (
    SentItems,
    bounded,
    sent_all,
    start_one,
    wait_until,
    worker_running,
)
from bench.results import Run, load_averages, quiet_logs
from bench.stack import dev_server, sandbox_server
from domain.models import CheckInAnswer
from workflows.commitment.contracts import ActorAction, CheckInAnswerInput, workflow_id_for
from workflows.commitment.workflow import CommitmentWorkflow

SETTLE_SECONDS = 5.0
CONCURRENCY = 50


async def _answer(client: Client, commitment_id: str, answers: int) -> None:
    handle = client.get_workflow_handle(workflow_id_for(commitment_id))
    owner = (await handle.query(CommitmentWorkflow.view)).spec.owner.email
    _ = await handle.execute_update(CommitmentWorkflow.accept, ActorAction(actor=owner))
    for number in range(answers):
        answer = CheckInAnswerInput(
            actor=owner, answer=CheckInAnswer.ON_TRACK, note=f"Step {number}"
        )
        _ = await handle.execute_update(CommitmentWorkflow.check_in, answer)


async def _history_length(client: Client, commitment_id: str) -> int:
    history = await client.get_workflow_handle(workflow_id_for(commitment_id)).fetch_history()
    return len(history.events)


async def run(
    first: int, n: int, answers: int, cache: int, work_dir: Path, run_events: int | None
) -> dict[str, Any]:
    """Cache ``first`` and then ``n`` commitments; return the resident memory and the slope."""
    figures: dict[str, Any] = {"cache_size": cache, "answers": answers, "run_events": run_events}
    async with dev_server(work_dir) as temporal:
        with sandbox_server(work_dir) as sandbox:
            client = temporal.client
            queue = f"bench-cached-{uuid.uuid4().hex[:8]}"
            async with worker_running(temporal, sandbox, queue, cache, work_dir) as worker:
                sent = SentItems(sandbox)
                started = time.monotonic()
                ids: list[str] = []
                resident = []
                for low, high in ((0, first), (first, n)):
                    batch = await bounded(
                        CONCURRENCY,
                        [
                            start_one(client, queue, number, run_events)
                            for number in range(low, high)
                        ],
                    )
                    await wait_until(lambda high=high: sent_all(sent, high))
                    if answers:
                        await bounded(CONCURRENCY, [_answer(client, cid, answers) for cid in batch])
                    await asyncio.sleep(SETTLE_SECONDS)
                    view = CommitmentWorkflow.view
                    wakes = [
                        client.get_workflow_handle(workflow_id_for(c)).query(view) for c in batch
                    ]
                    await bounded(CONCURRENCY, wakes)
                    await asyncio.sleep(SETTLE_SECONDS)
                    resident.append(worker.resident_mib())
                    ids += batch
                figures["seconds"] = round(time.monotonic() - started, 1)
                figures["duplicate_sends"] = sent.duplicates
                lengths = await bounded(CONCURRENCY, [_history_length(client, c) for c in ids])
                figures["latest_run_events_max"] = max(lengths)
                figures["latest_run_events_median"] = sorted(lengths)[len(lengths) // 2]
                figures["load_average"] = load_averages()
    figures["cached_first"], figures["cached_last"] = first, n
    figures["resident_mib_first"], figures["resident_mib_last"] = (round(r, 1) for r in resident)
    figures["kib_per_cached_commitment"] = round(
        (resident[1] - resident[0]) * 1024 / (n - first), 1
    )
    figures["goal_kib"] = 100
    return figures


def _run_events(text: str) -> int | None:
    return None if text.strip().lower() in {"off", "none"} else int(text)


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the benchmark, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--first", type=int, default=100, help="commitments cached first")
    parser.add_argument("--n", type=int, default=500, help="commitments cached at the end")
    parser.add_argument("--answers", type=int, default=0, help="check-ins each owner answers")
    parser.add_argument(
        "--run-events",
        type=_run_events,
        default=COMMITMENT_RUN_EVENTS,
        help="each commitment's run length (CommitmentInput.run_events; 'off': one run)",
    )
    parser.add_argument("--name", default=None, help="results file name (without .json)")
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    arguments = parser.parse_args(argv)
    if not 0 < arguments.first < arguments.n:
        parser.error("--first must be above 0 and below --n")
    cache = arguments.n + 100
    name = arguments.name or f"cached_cost_answers{arguments.answers}"
    bench_run = Run(
        name,
        {
            "first": arguments.first,
            "n": arguments.n,
            "answers": arguments.answers,
            "cache": cache,
            "run_events": arguments.run_events,
        },
    )
    with tempfile.TemporaryDirectory(prefix="accord-cached-") as work:
        figures = asyncio.run(
            run(
                arguments.first,
                arguments.n,
                arguments.answers,
                cache,
                Path(work),
                arguments.run_events,
            )
        )
    bench_run.publish(figures, arguments.output)


if __name__ == "__main__":
    quiet_logs()
    main()

"""Retiring a payload key early: ``accord keys reencrypt`` and ``accord keys status``.

A running workflow's history keeps every payload it was given, encrypted with the key that
was current when it was written, until the run ends. ``reencrypt`` lists Accord's long-lived
running workflows through visibility and sends each the ``refresh_history`` signal; each
continues as new at a safe point, so its state is written again, by workers that encrypt
with the newest key, into a new run. Schedules keep the input of the workflow they start
(the digest's trigger) for as long as they exist, so ``reencrypt`` also writes those inputs
again with the newest key. ``status`` reads histories and schedules (accord/keys/inventory.py)
and counts which keys they still hold, which is what tells an operator that an old key may go.

Both are safe to run again and pace themselves (``--rate``) so as not to flood the
namespace. The procedure around them is in docs/security.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import structlog
from temporalio.api.common.v1 import Payload
from temporalio.client import (
    Client,
    ScheduleActionStartWorkflow,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from accord.keys.inventory import (
    Pacer,
    Run,
    ScheduleKeys,
    accord_schedules,
    key_status,
    list_runs,
    refresh_query,
    status_query,
)
from accord.keys.progress import Advance, no_progress, progress_bar
from accord.keys.secrets import payload_key_ring
from accord.settings import AccordSettings
from workflows.refresh import REFRESH_SIGNAL, RefreshRequest

log = structlog.get_logger("accord.keys.secrets")

# --- reencrypt ---------------------------------------------------------------------------


@dataclass
class RefreshReport:
    """What ``reencrypt`` did, per workflow type."""

    asked: Counter[str] = field(default_factory=Counter)
    moved_on: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    def lines(self, *, dry_run: bool) -> Iterator[str]:
        """The report for the terminal."""
        verb = "would ask" if dry_run else "asked"
        for name in sorted({*self.asked, *self.moved_on, *self.failed}):
            yield (
                f"{name}: {verb} {self.asked[name]}, already moved on {self.moved_on[name]}, "
                f"failed {self.failed[name]}"
            )
        yield (
            f"total: {verb} {self.asked.total()}, already moved on {self.moved_on.total()}, "
            f"failed {self.failed.total()}"
        )


async def request_refresh(
    client: Client,
    runs: list[Run],
    *,
    reason: str,
    pacer: Pacer,
    dry_run: bool = False,
    advance: Advance = no_progress,
) -> RefreshReport:
    """Send ``refresh_history`` to each run (by run id), at the pacer's rate.

    A run that has already closed (it continued as new, or ended) is counted as moved on:
    signalling it by run id is refused, so no newer run is asked twice.

    Args:
        client: a connected client (its codec encrypts the request with the newest key).
        runs: what :func:`list_runs` found.
        reason: recorded with each request.
        pacer: spaces the signals.
        dry_run: count only.
        advance: called as each run is taken up (the progress bar).

    Returns:
        The counts.
    """
    report = RefreshReport()
    request = RefreshRequest(reason=reason)
    for run in runs:
        advance()
        if dry_run:
            report.asked[run.workflow_type] += 1
            continue
        await pacer.wait()
        handle = client.get_workflow_handle(run.workflow_id, run_id=run.run_id)
        try:
            await handle.signal(REFRESH_SIGNAL, request)
        except RPCError as exc:
            if exc.status is RPCStatusCode.NOT_FOUND:
                report.moved_on[run.workflow_type] += 1
                continue
            log.warning(
                "refresh_request_failed",
                workflow_id=run.workflow_id,
                run_id=run.run_id,
                status=exc.status.name,
            )
            report.failed[run.workflow_type] += 1
            continue
        report.asked[run.workflow_type] += 1
    return report


@dataclass
class ScheduleReport:
    """What ``reencrypt`` did to Accord's schedules."""

    rewritten: int = 0
    current: int = 0
    failed: int = 0

    def line(self, *, dry_run: bool) -> str:
        """The report for the terminal."""
        verb = "would rewrite" if dry_run else "rewrote"
        return (
            f"schedules: {verb} {self.rewritten}, already current {self.current}, "
            f"failed {self.failed}"
        )


async def reencrypt_schedules(
    client: Client,
    schedules: list[ScheduleKeys],
    current_key_id: str,
    *,
    pacer: Pacer,
    dry_run: bool = False,
) -> ScheduleReport:
    """Write the stored input of each schedule not yet under the current key again.

    The input is decoded (with any key the client holds) and handed back as values, so the
    client encodes it afresh with its newest key; the rest of the schedule is kept as it is.
    Temporal's conflict token refuses the update if someone changed the schedule meanwhile;
    running the command again picks it up.

    Args:
        client: a connected client whose newest key is ``current_key_id``.
        schedules: what :func:`accord_schedules` found.
        current_key_id: the id of the newest key.
        pacer: spaces the updates.
        dry_run: count only.

    Returns:
        The counts.
    """
    report = ScheduleReport()
    for schedule in schedules:
        if not schedule.key_ids - {current_key_id}:
            report.current += 1
            continue
        if dry_run:
            report.rewritten += 1
            continue
        await pacer.wait()

        async def reencoded(current: ScheduleUpdateInput) -> ScheduleUpdate:
            action = current.description.schedule.action
            assert isinstance(action, ScheduleActionStartWorkflow)  # noqa: S101 - listed so
            values = await client.data_converter.decode(
                [arg for arg in action.args if isinstance(arg, Payload)]
            )
            action = dataclasses.replace(action, args=values)
            return ScheduleUpdate(
                schedule=dataclasses.replace(current.description.schedule, action=action)
            )

        try:
            await client.get_schedule_handle(schedule.schedule_id).update(reencoded)
        except RPCError as exc:
            log.warning(
                "schedule_not_rewritten", schedule_id=schedule.schedule_id, status=exc.status.name
            )
            report.failed += 1
            continue
        report.rewritten += 1
    return report


# --- the command -------------------------------------------------------------------------


async def run_keys_command(
    args: argparse.Namespace,
    settings: AccordSettings,
    *,
    client: Client,
    out: IO[str] | None = None,
) -> int:
    """Run ``accord keys reencrypt`` or ``accord keys status``.

    Args:
        args: the parsed command line (accord/cli/keys.py).
        settings: Accord's settings (the payload keys and the task queue).
        client: a connected client (accord/cli/keys.py connects as the settings say).
        out: where the report goes (default: stdout).

    Returns:
        The exit code: 0 done, 1 some requests failed, 2 the query was refused.
    """
    stream = out or sys.stdout
    ring = payload_key_ring(settings)
    pacer = Pacer(args.rate)
    if args.keys_command == "reencrypt":
        query = refresh_query(args.before, args.query)
    else:
        query = status_query(closed=args.closed, extra=args.query)
    try:
        runs = await list_runs(client, query)
    except RPCError as exc:
        log.error("visibility_query_refused", status=exc.status.name, reason=exc.message)
        return 2
    schedules = await accord_schedules(client, settings.temporal_task_queue, pacer=pacer)
    if args.keys_command == "reencrypt":
        with progress_bar(len(runs), "asking workflows") as advance:
            report = await request_refresh(
                client, runs, reason=args.reason, pacer=pacer, dry_run=args.dry_run, advance=advance
            )
        rewritten = await reencrypt_schedules(
            client, schedules, ring.current_key_id, pacer=pacer, dry_run=args.dry_run
        )
        stream.writelines(f"{line}\n" for line in report.lines(dry_run=args.dry_run))
        stream.write(f"{rewritten.line(dry_run=args.dry_run)}\n")
        log.info(
            "refresh_requested",
            dry_run=args.dry_run,
            asked=report.asked.total(),
            failed=report.failed.total(),
            schedules_rewritten=rewritten.rewritten,
            schedules_failed=rewritten.failed,
        )
        return 1 if report.failed or rewritten.failed else 0
    with progress_bar(len(runs), "reading histories") as advance:
        status = await key_status(client, runs, ring, pacer=pacer, advance=advance)
    status.schedules = schedules
    stream.writelines(f"{line}\n" for line in status.lines(ring, show=args.show))
    return 0

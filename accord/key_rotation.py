"""Retiring a payload key early: ``accord keys reencrypt`` and ``accord keys status``.

A running workflow's history keeps every payload it was given, encrypted with the key that
was current when it was written, until the run ends. ``reencrypt`` lists Accord's long-lived
running workflows through visibility and sends each the ``refresh_history`` signal; each
continues as new at a safe point, so its state is written again, by workers that encrypt
with the newest key, into a new run. ``status`` reads histories (without decrypting them:
each payload names its key id in the clear) and counts which keys they still hold, which
is what tells an operator that an old key may go.

Both are safe to run again and pace themselves (``--rate``) so as not to flood the
namespace. The procedure around them is in docs/security.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

import structlog
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from accord.keys import payload_key_ring
from accord.settings import AccordSettings
from integrations.temporal.client import connect
from integrations.temporal.codec import ENCODING, KEY_ID_METADATA, PayloadKeyRing
from workflows.contracts import WORKFLOW_NAME
from workflows.digest_contracts import DIGEST_WORKFLOW, ENROLMENT_WORKFLOW, TRIGGER_WORKFLOW
from workflows.intake_contracts import MESSAGE_WORKFLOW, THREAD_WORKFLOW, WATCH_WORKFLOW
from workflows.person import PERSON_WORKFLOW_NAME
from workflows.refresh import REFRESH_SIGNAL, RefreshRequest

log = structlog.get_logger("accord.keys")

REFRESHABLE_WORKFLOWS = (WORKFLOW_NAME, PERSON_WORKFLOW_NAME, WATCH_WORKFLOW)
"""The workflows that live long and answer ``refresh_history``."""
ACCORD_WORKFLOWS = (
    *REFRESHABLE_WORKFLOWS,
    THREAD_WORKFLOW,
    MESSAGE_WORKFLOW,
    DIGEST_WORKFLOW,
    TRIGGER_WORKFLOW,
    ENROLMENT_WORKFLOW,
)
"""Every workflow type of Accord, whose histories ``status`` reads."""
PAGE_SIZE = 500


# --- visibility queries ------------------------------------------------------------------


def visibility_time(when: datetime) -> str:
    """Return ``when`` as visibility queries take it (RFC 3339 in UTC)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _types(names: tuple[str, ...]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def refresh_query(before: datetime, extra: str | None = None) -> str:
    """Return the filter of the runs ``reencrypt`` asks: running, refreshable, started before.

    A run that continued as new on request starts after ``before``, so asking again with the
    same ``before`` finds only the runs still to do.

    Args:
        before: when the new key went first in every worker.
        extra: an operator's filter, joined with AND.

    Returns:
        The visibility filter.
    """
    query = (
        f"ExecutionStatus = 'Running' AND WorkflowType IN ({_types(REFRESHABLE_WORKFLOWS)}) "
        f"AND StartTime < '{visibility_time(before)}'"
    )
    return f"{query} AND ({extra})" if extra else query


def status_query(*, closed: bool, extra: str | None = None) -> str:
    """Return the filter of the runs ``status`` reads: Accord's, running (or also closed).

    Args:
        closed: include closed runs the namespace still keeps.
        extra: an operator's filter, joined with AND.

    Returns:
        The visibility filter.
    """
    query = f"WorkflowType IN ({_types(ACCORD_WORKFLOWS)})"
    if not closed:
        query = f"ExecutionStatus = 'Running' AND {query}"
    return f"{query} AND ({extra})" if extra else query


# --- pacing ------------------------------------------------------------------------------


class Pacer:
    """Spaces calls evenly: at most ``per_second`` of them in any second, no bursts."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next = clock()

    async def wait(self) -> None:
        """Return when the next call may go."""
        now = self._clock()
        if self._next > now:
            await self._sleep(self._next - now)
        self._next = max(now, self._next) + self._interval


# --- reencrypt ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One workflow run, as visibility lists it."""

    workflow_id: str
    run_id: str
    workflow_type: str


async def list_runs(client: Client, query: str) -> list[Run]:
    """Return every run that matches ``query``, reading visibility page by page.

    The list is taken whole before anything is asked: runs that continue as new leave the
    result set while it is being read, which would otherwise shift the pages.

    Args:
        client: a connected client.
        query: a visibility filter.

    Returns:
        The runs.
    """
    return [
        Run(execution.id, execution.run_id, execution.workflow_type)
        async for execution in client.list_workflows(query, page_size=PAGE_SIZE)
    ]


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

    Returns:
        The counts.
    """
    report = RefreshReport()
    request = RefreshRequest(reason=reason)
    for run in runs:
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


# --- status ------------------------------------------------------------------------------


def payloads_in(message: Message) -> Iterator[Payload]:
    """Yield every payload inside a protobuf message (a history event), however deep.

    Args:
        message: e.g. a ``HistoryEvent``.

    Yields:
        Each :class:`Payload`, in inputs, results, failures, memos, headers and markers.
    """
    if isinstance(message, Payload):
        yield message
        return
    for descriptor, value in message.ListFields():
        if descriptor.type != descriptor.TYPE_MESSAGE or descriptor.message_type is None:
            continue
        if descriptor.message_type.GetOptions().map_entry:
            items = list(value.values())
        elif isinstance(value, Message):
            items = [value]
        else:
            items = list(value)
        for item in items:
            if isinstance(item, Message):
                yield from payloads_in(item)


def key_ids_in(events: Sequence[Message]) -> set[str]:
    """Return the ids of the keys a history's encrypted payloads were encrypted with.

    Payloads that are not encrypted are Temporal's own (search attributes, the SDK's
    markers) and hold no content; they are not counted.

    Args:
        events: a run's history events.

    Returns:
        The key ids found.
    """
    return {
        payload.metadata.get(KEY_ID_METADATA, b"?").decode("ascii", "replace")
        for event in events
        for payload in payloads_in(event)
        if payload.metadata.get("encoding") == ENCODING
    }


@dataclass
class KeyStatus:
    """Which keys the histories read still hold."""

    runs_read: int = 0
    runs_by_key: Counter[str] = field(default_factory=Counter)
    not_current: list[tuple[Run, set[str]]] = field(default_factory=list)
    unreadable: int = 0

    def lines(self, ring: PayloadKeyRing, *, show: bool) -> Iterator[str]:
        """The report for the terminal."""
        held = set(ring.key_ids)
        yield f"keys held here: {', '.join(ring.key_ids)} (the first encrypts)"
        yield f"histories read: {self.runs_read}, unreadable: {self.unreadable}"
        for key_id, runs in self.runs_by_key.most_common():
            if key_id == ring.current_key_id:
                note = "current key"
            elif key_id in held:
                note = "older key, still held"
            else:
                note = "NOT held here: these histories cannot be replayed or decoded"
            yield f"  {key_id}: {runs} {'history' if runs == 1 else 'histories'} ({note})"
        yield f"histories holding only the current key: {self.runs_read - len(self.not_current)}"
        if show:
            for run, key_ids in self.not_current:
                yield f"  {run.workflow_type} {run.workflow_id} {run.run_id}: {sorted(key_ids)}"


async def key_status(
    client: Client, runs: list[Run], ring: PayloadKeyRing, *, pacer: Pacer
) -> KeyStatus:
    """Read each run's history at the pacer's rate and count the keys it holds.

    Args:
        client: a connected client.
        runs: what :func:`list_runs` found.
        ring: the keys this process holds (the first is the current one).
        pacer: spaces the history reads.

    Returns:
        The counts.
    """
    status = KeyStatus()
    for run in runs:
        await pacer.wait()
        handle = client.get_workflow_handle(run.workflow_id, run_id=run.run_id)
        try:
            events = [event async for event in handle.fetch_history_events()]
        except RPCError as exc:
            # Deleted by retention between listing and reading, most likely.
            log.warning("history_unreadable", workflow_id=run.workflow_id, status=exc.status.name)
            status.unreadable += 1
            continue
        key_ids = key_ids_in(events)
        status.runs_read += 1
        status.runs_by_key.update(key_ids)
        if key_ids - {ring.current_key_id}:
            status.not_current.append((run, key_ids))
    return status


# --- the command -------------------------------------------------------------------------


async def run_keys_command(
    args: argparse.Namespace,
    settings: AccordSettings,
    *,
    client: Client | None = None,
    out: IO[str] | None = None,
) -> int:
    """Run ``accord keys reencrypt`` or ``accord keys status``.

    Args:
        args: the parsed command line (accord/keys_cli.py).
        settings: Accord's settings (Temporal's address and the payload keys).
        client: a connected client (default: one from the settings).
        out: where the report goes (default: stdout).

    Returns:
        The exit code: 0 done, 1 some requests failed, 2 the query was refused.
    """
    stream = out or sys.stdout
    client = client or await connect(settings)
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
    if args.keys_command == "reencrypt":
        report = await request_refresh(
            client, runs, reason=args.reason, pacer=pacer, dry_run=args.dry_run
        )
        stream.writelines(f"{line}\n" for line in report.lines(dry_run=args.dry_run))
        log.info(
            "refresh_requested",
            dry_run=args.dry_run,
            asked=report.asked.total(),
            failed=report.failed.total(),
        )
        return 1 if report.failed else 0
    ring = payload_key_ring(settings)
    status = await key_status(client, runs, ring, pacer=pacer)
    stream.writelines(f"{line}\n" for line in status.lines(ring, show=args.show))
    return 0

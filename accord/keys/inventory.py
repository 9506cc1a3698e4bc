"""What still depends on which payload key: Accord's workflows, their histories, its schedules.

The read-only half of ``accord keys`` (accord/keys/rotation.py asks for changes): which
workflow types Accord has and which of them live long, the visibility filters that find
their runs, the pacing that keeps the commands from flooding the namespace, and the key ids
that histories and schedules hold. Payloads carry their key id in the clear, so none of this
decrypts anything.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, ScheduleActionStartWorkflow, ScheduleDescription
from temporalio.service import RPCError, RPCStatusCode

from integrations.temporal.codec import ENCODING, KEY_ID_METADATA, PayloadKeyRing
from workflows import visibility
from workflows.commitment.contracts import WORKFLOW_NAME
from workflows.digest.contracts import DIGEST_WORKFLOW, ENROLMENT_WORKFLOW, TRIGGER_WORKFLOW
from workflows.intake.contracts import MESSAGE_WORKFLOW, THREAD_WORKFLOW, WATCH_WORKFLOW
from workflows.person.contracts import PERSON_WORKFLOW_NAME

log = structlog.get_logger("accord.keys.secrets")

REFRESHABLE_WORKFLOWS = (
    WORKFLOW_NAME,
    PERSON_WORKFLOW_NAME,
    WATCH_WORKFLOW,
    THREAD_WORKFLOW,
    DIGEST_WORKFLOW,
)
"""The workflows that can live for days or longer; each answers ``refresh_history``."""
ACCORD_WORKFLOWS = (*REFRESHABLE_WORKFLOWS, MESSAGE_WORKFLOW, TRIGGER_WORKFLOW, ENROLMENT_WORKFLOW)
"""Every workflow type of Accord, whose histories ``status`` reads. The last three end within
minutes (reading one message, starting a digest, enrolling managers)."""
PAGE_SIZE = 500


# --- visibility queries ------------------------------------------------------------------


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
    query = visibility.all_of(
        visibility.running(),
        visibility.workflow_type(*REFRESHABLE_WORKFLOWS),
        visibility.compare(visibility.START_TIME, "<", before),
    )
    return visibility.all_of(query, visibility.group(extra)) if extra else query


def status_query(*, closed: bool, extra: str | None = None) -> str:
    """Return the filter of the runs ``status`` reads: Accord's, running (or also closed).

    Args:
        closed: include closed runs the namespace still keeps.
        extra: an operator's filter, joined with AND.

    Returns:
        The visibility filter.
    """
    query = visibility.workflow_type(*ACCORD_WORKFLOWS)
    if not closed:
        query = visibility.all_of(visibility.running(), query)
    return visibility.all_of(query, visibility.group(extra)) if extra else query


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


# --- runs --------------------------------------------------------------------------------


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


# --- schedules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleKeys:
    """One of Accord's schedules and the keys its stored workflow input was encrypted with."""

    schedule_id: str
    key_ids: frozenset[str]


def _stored_input(description: ScheduleDescription, task_queue: str) -> list[Payload] | None:
    action = description.schedule.action
    if not isinstance(action, ScheduleActionStartWorkflow):
        return None
    if action.workflow not in ACCORD_WORKFLOWS or action.task_queue != task_queue:
        return None  # another application's schedule in a shared namespace
    return [arg for arg in action.args if isinstance(arg, Payload)]


async def accord_schedules(client: Client, task_queue: str, *, pacer: Pacer) -> list[ScheduleKeys]:
    """Return Accord's schedules (those starting its workflows on its task queue) and keys.

    Args:
        client: a connected client.
        task_queue: Accord's task queue (``ACCORD_TEMPORAL_TASK_QUEUE``).
        pacer: spaces the reads.

    Returns:
        Each schedule with the key ids of its stored input.
    """
    found = []
    async for listed in await client.list_schedules():
        await pacer.wait()
        try:
            description = await client.get_schedule_handle(listed.id).describe()
        except RPCError as exc:
            if exc.status is RPCStatusCode.NOT_FOUND:
                continue  # deleted since it was listed
            raise
        stored = _stored_input(description, task_queue)
        if stored is not None:
            found.append(ScheduleKeys(listed.id, frozenset(key_ids_in(stored))))
    return found


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
    schedules: list[ScheduleKeys] = field(default_factory=list)

    def lines(self, ring: PayloadKeyRing, *, show: bool) -> Iterator[str]:
        """The report for the terminal."""
        yield f"keys held here: {', '.join(ring.key_ids)} (the first encrypts)"
        yield f"histories read: {self.runs_read}, unreadable: {self.unreadable}"
        yield from _by_key(self.runs_by_key, ring, ("history", "histories"))
        yield f"histories holding only the current key: {self.runs_read - len(self.not_current)}"
        if show:
            for run, key_ids in self.not_current:
                yield f"  {run.workflow_type} {run.workflow_id} {run.run_id}: {sorted(key_ids)}"
        schedules_by_key = Counter(key for s in self.schedules for key in s.key_ids)
        yield f"schedules read: {len(self.schedules)}"
        yield from _by_key(schedules_by_key, ring, ("schedule", "schedules"))
        if show:
            for schedule in self.schedules:
                if schedule.key_ids - {ring.current_key_id}:
                    yield f"  schedule {schedule.schedule_id}: {sorted(schedule.key_ids)}"


def _by_key(counts: Counter[str], ring: PayloadKeyRing, nouns: tuple[str, str]) -> Iterator[str]:
    for key_id, count in counts.most_common():
        if key_id == ring.current_key_id:
            note = "current key"
        elif key_id in ring.key_ids:
            note = "older key, still held"
        else:
            note = "NOT held here: cannot be replayed or decoded"
        yield f"  {key_id}: {count} {nouns[0] if count == 1 else nouns[1]} ({note})"


async def key_status(
    client: Client,
    runs: list[Run],
    ring: PayloadKeyRing,
    *,
    pacer: Pacer,
    advance: Callable[[], None] = lambda: None,
) -> KeyStatus:
    """Read each run's history at the pacer's rate and count the keys it holds.

    Args:
        client: a connected client.
        runs: what :func:`list_runs` found.
        ring: the keys this process holds (the first is the current one).
        pacer: spaces the history reads.
        advance: called as each run is taken up (the progress bar).

    Returns:
        The counts.
    """
    status = KeyStatus()
    for run in runs:
        advance()
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

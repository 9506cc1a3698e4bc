"""The per-person courier: a commitment's messages, each delivered in its reader's working hours.

One courier per person delivers that person's messages in order, each waiting for its
reader's working hours without holding up the rest of the lifecycle. A message that no
longer makes sense by the time its reader can read it (a check-in for work finished
overnight) is dropped, and one that could not be sent is recorded in the history.

Humane timing (docs/decisions.md, "Humane timing for every contact"): a check-in waits a
working day after the last one and after the owner's last answer, and a newer check-in
replaces one still waiting; a send whose reader's working window closed before it went out
(pacing, retries) comes back deferred and waits for the next window.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.directory.contracts import GET_PERSON_SCHEDULE, ScheduleLookup
    from activities.messaging.contracts import SEND_MESSAGE, OutgoingMessage, SentMessage
    from domain.action_links import LinkAction
    from domain.contact_timing import (
        absence_ended_at,
        check_in_not_before,
        miss_not_before,
        sending_window_end,
    )
    from domain.messages.kinds import MessageKind
    from domain.models import Actor, CommitmentStatus
    from domain.working_time import PersonSchedule, next_reachable
    from workflows.commitment.state import CommitmentState
    from workflows.patches import (
        RETURN_BEFORE_MISS,
        SEND_WINDOW_RECHECK,
        SPACED_CHECK_INS,
        TEAMS_FALLBACK_NOTICE,
    )
    from workflows.retries import GRAPH_RETRY, SEND_RETRY
    from workflows.sending import send_queue_for

ACTIVITY_TIMEOUT = timedelta(seconds=60)
ABSENCE_RECHECK = timedelta(hours=12)
"""How often someone out of office with no known return has their settings read again."""


@dataclass
class PendingMessage:
    """A message the courier still has to deliver.

    ``valid_in`` lists the statuses in which it still makes sense (a check-in waiting for the
    owner's morning is dropped if they finished overnight); ``None`` means it always does.
    ``earliest`` gives, from the reader's schedule, an instant before which it must not go
    (read again whenever the courier looks); ``coalesce`` makes a newer message of the same
    kind replace this one while it waits (``superseded``).
    """

    kind: MessageKind
    role: Actor
    details: dict[str, Any] = field(default_factory=dict)
    actions: dict[str, LinkAction] = field(default_factory=dict)
    valid_in: frozenset[CommitmentStatus] | None = None
    earliest: Callable[[PersonSchedule], datetime | None] | None = None
    coalesce: bool = False
    superseded: bool = False

    def still_wanted(self, status: CommitmentStatus) -> bool:
        """Whether the message still makes sense for a commitment in ``status``."""
        if self.valid_in is not None:
            return status in self.valid_in
        return True


async def schedule_of(email: str) -> PersonSchedule:
    """Read a person's zone, working hours and out-of-office from their mailbox settings."""
    schedule: PersonSchedule = await workflow.execute_activity(
        GET_PERSON_SCHEDULE,
        ScheduleLookup(email=email),
        result_type=PersonSchedule,
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=GRAPH_RETRY,
    )
    return schedule


async def settle_in_after_return(owner: PersonSchedule, wake: Callable[[], bool]) -> bool:
    """After an absence, wait a working day before anything about a miss is sent.

    Args:
        owner: the owner's schedule, read as they are seen to be back.
        wake: what ends the wait early (a person changed something).

    Returns:
        True when the day has passed (the miss may be told), False when ``wake`` came first.
    """
    if not workflow.patched(RETURN_BEFORE_MISS):
        return True
    ready = miss_not_before(absence_ended_at(workflow.now(), owner), owner)
    if ready <= workflow.now():
        return True
    try:
        await workflow.wait_condition(wake, timeout=ready - workflow.now())
    except TimeoutError:
        return True
    return False


class Couriers:
    """The owner's and the manager's couriers of one commitment.

    Args:
        commitment_id: the commitment (part of every message's idempotency key).
        state: the commitment's state, read for the status and the spec, and where each
            delivery is recorded.
    """

    def __init__(self, commitment_id: str, state: CommitmentState) -> None:
        self._id = commitment_id
        self._state = state
        self._queues: dict[Actor, list[PendingMessage]] = {Actor.OWNER: [], Actor.MANAGER: []}
        self._running: dict[Actor, asyncio.Task[None]] = {}
        self._current: dict[Actor, PendingMessage] = {}
        self._queued: dict[Actor, int] = {Actor.OWNER: 0, Actor.MANAGER: 0}
        self._settled: dict[Actor, int] = {Actor.OWNER: 0, Actor.MANAGER: 0}

    @property
    def idle(self) -> bool:
        """Whether no message is on its way (a courier ends when its queue is empty)."""
        return not self._running

    def queue(self, pending: PendingMessage) -> None:
        """Give a message to its reader's courier, sending one out if none is under way."""
        if pending.kind is MessageKind.CHECK_IN and workflow.patched(SPACED_CHECK_INS):
            pending.earliest = self._check_in_spacing
            pending.coalesce = True
        if pending.coalesce:
            current = self._current.get(pending.role)
            for earlier in [*self._queues[pending.role], *([current] if current else [])]:
                if earlier.kind is pending.kind:
                    earlier.superseded = True
        self._queued[pending.role] += 1
        self._queues[pending.role].append(pending)
        if pending.role not in self._running:
            self._running[pending.role] = asyncio.create_task(self._courier(pending.role))

    def waiting_for(self, role: Actor) -> list[PendingMessage]:
        """The messages still waiting for a person (the list itself: changes reach them)."""
        return self._queues[role]

    def queued_so_far(self, role: Actor) -> int:
        """How many messages were given to a person's courier so far (a mark to wait for)."""
        return self._queued[role]

    def settled_through(self, role: Actor, mark: int) -> bool:
        """Whether every message given to a person's courier up to ``mark`` is sent or dropped."""
        return self._settled[role] >= mark

    def _check_in_spacing(self, owner: PersonSchedule) -> datetime | None:
        """A working day after the last check-in sent and after the owner's last answer."""
        answers = self._state.check_ins
        return check_in_not_before(
            owner,
            last_asked=self._state.last_sent_at(MessageKind.CHECK_IN),
            last_answered=answers[-1].at if answers else None,
        )

    async def _courier(self, role: Actor) -> None:
        queue = self._queues[role]
        try:
            while queue:
                pending = queue.pop(0)
                self._current[role] = pending
                try:
                    if self._unwanted(pending):
                        continue
                    await self._deliver(pending)
                except ActivityError as failure:
                    # Recorded, not dropped silently: the view shows what could not be sent.
                    cause = str(failure.cause or failure)
                    self._record(f"send_failed:{pending.kind.value}", cause)
                finally:
                    del self._current[role]
                    self._settled[role] += 1
        finally:
            del self._running[role]

    def _unwanted(self, pending: PendingMessage) -> bool:
        return pending.superseded or not pending.still_wanted(self._state.status)

    @staticmethod
    def _sendable_at(pending: PendingMessage, schedule: PersonSchedule) -> datetime | None:
        """When the reader can be reached and the message's own timing allows it."""
        reachable = next_reachable(workflow.now(), schedule)
        earliest = pending.earliest(schedule) if pending.earliest is not None else None
        if reachable is None or earliest is None or earliest <= reachable:
            return reachable
        # Later than the next reachable instant: from there, the first reachable one.
        return next_reachable(earliest, schedule)

    async def _deliver(self, pending: PendingMessage) -> None:
        person = self._state.spec.person(pending.role)
        schedule = await schedule_of(person.email)
        key: str | None = None
        while True:
            while True:
                at = self._sendable_at(pending, schedule)
                if at is not None and at <= workflow.now():
                    break
                wait = (at - workflow.now()) if at else ABSENCE_RECHECK
                try:
                    await workflow.wait_condition(
                        lambda: self._unwanted(pending), timeout=min(wait, ABSENCE_RECHECK)
                    )
                    return
                except TimeoutError:
                    schedule = await schedule_of(person.email)
            if key is None:
                # One key for every attempt: a deferred send sent nothing, so it is the same
                # message when it goes the next morning.
                self._state.message_sequence += 1
                key = f"{self._id}:{self._state.message_sequence}:{pending.kind.value}"
            deliver_until = None
            if workflow.patched(SEND_WINDOW_RECHECK):
                deliver_until = sending_window_end(workflow.now(), schedule)
            sent: SentMessage = await workflow.execute_activity(
                SEND_MESSAGE,
                OutgoingMessage(
                    idempotency_key=key,
                    commitment_id=self._id,
                    kind=pending.kind,
                    recipient_role=pending.role,
                    spec=self._state.spec,
                    recipient_time_zone=schedule.time_zone,
                    details=pending.details,
                    actions=pending.actions,
                    deliver_until=deliver_until,
                ),
                result_type=SentMessage,
                task_queue=await send_queue_for(person.email),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=SEND_RETRY,
            )
            if not sent.deferred:
                break
            self._record(
                f"send_deferred:{pending.kind.value}",
                f"The {pending.role.value}'s working day ended first; it waits for the next.",
            )
        self._record(f"sent:{pending.kind.value}", f"Sent to the {pending.role.value}.")
        if sent.teams_unreachable:
            self._note_teams_unreachable(pending.role)

    def _note_teams_unreachable(self, role: Actor) -> None:
        """Teams could not reach someone who wants Teams alone; tell the manager, once."""
        first = not any(entry.kind == "teams_unreachable" for entry in self._state.history)
        self._record("teams_unreachable", f"Sent to the {role.value} by email.")
        if first and role is Actor.OWNER and workflow.patched(TEAMS_FALLBACK_NOTICE):
            self.queue(PendingMessage(MessageKind.TEAMS_FALLBACK, Actor.MANAGER))

    def _record(self, kind: str, detail: str) -> None:
        self._state.record(workflow.now(), Actor.SYSTEM, kind, detail)

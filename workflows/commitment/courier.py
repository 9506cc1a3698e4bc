"""The per-person courier: a commitment's messages, each delivered in its reader's working hours.

One courier per person delivers that person's messages in order, each waiting for its
reader's working hours without holding up the rest of the lifecycle. A message that no
longer makes sense by the time its reader can read it (a check-in for work finished
overnight) is dropped, and one that could not be sent is recorded in the history.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.directory.contracts import GET_PERSON_SCHEDULE, ScheduleLookup
    from activities.messaging.contracts import SEND_MESSAGE, OutgoingMessage, SentMessage
    from domain.action_links import LinkAction
    from domain.messages.kinds import MessageKind
    from domain.models import Actor, CommitmentStatus
    from domain.working_time import PersonSchedule, next_reachable
    from workflows.commitment.state import CommitmentState
    from workflows.patches import TEAMS_FALLBACK_NOTICE
    from workflows.retries import GRAPH_RETRY, SEND_RETRY

ACTIVITY_TIMEOUT = timedelta(seconds=60)
ABSENCE_RECHECK = timedelta(hours=12)
"""How often someone out of office with no known return has their settings read again."""


@dataclass
class PendingMessage:
    """A message the courier still has to deliver.

    ``valid_in`` lists the statuses in which it still makes sense (a check-in waiting for the
    owner's morning is dropped if they finished overnight); ``None`` means it always does.
    """

    kind: MessageKind
    role: Actor
    details: dict[str, Any] = field(default_factory=dict)
    actions: dict[str, LinkAction] = field(default_factory=dict)
    valid_in: frozenset[CommitmentStatus] | None = None

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

    @property
    def idle(self) -> bool:
        """Whether no message is on its way (a courier ends when its queue is empty)."""
        return not self._running

    def queue(self, pending: PendingMessage) -> None:
        """Give a message to its reader's courier, sending one out if none is under way."""
        self._queues[pending.role].append(pending)
        if pending.role not in self._running:
            self._running[pending.role] = asyncio.create_task(self._courier(pending.role))

    def waiting_for(self, role: Actor) -> list[PendingMessage]:
        """The messages still waiting for a person (the list itself: changes reach them)."""
        return self._queues[role]

    async def _courier(self, role: Actor) -> None:
        queue = self._queues[role]
        try:
            while queue:
                pending = queue.pop(0)
                if not pending.still_wanted(self._state.status):
                    continue
                try:
                    await self._deliver(pending)
                except ActivityError as failure:
                    # Recorded, not dropped silently: the view shows what could not be sent.
                    cause = str(failure.cause or failure)
                    self._record(f"send_failed:{pending.kind.value}", cause)
        finally:
            del self._running[role]

    async def _deliver(self, pending: PendingMessage) -> None:
        person = self._state.spec.person(pending.role)
        schedule = await schedule_of(person.email)
        while True:
            reachable = next_reachable(workflow.now(), schedule)
            if reachable is not None and reachable <= workflow.now():
                break
            wait = (reachable - workflow.now()) if reachable else ABSENCE_RECHECK
            try:
                await workflow.wait_condition(
                    lambda: not pending.still_wanted(self._state.status),
                    timeout=min(wait, ABSENCE_RECHECK),
                )
                return
            except TimeoutError:
                schedule = await schedule_of(person.email)
        self._state.message_sequence += 1
        key = f"{self._id}:{self._state.message_sequence}:{pending.kind.value}"
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
            ),
            result_type=SentMessage,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=SEND_RETRY,
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

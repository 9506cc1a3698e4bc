"""Starting the regular 1:1's workflows, each at most once, and the daily sweep's schedule.

The planning activity starts an occurrence's agenda and a quarter's offer through here,
under ids Temporal refuses a second time (``REJECT_DUPLICATE``): planning every day finds
the same occurrence again and starts nothing. The mails' idempotency keys cover the
time after Temporal has forgotten a closed workflow (its retention).
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from temporalio.client import Client, Schedule, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from workflows.agenda.contracts import (
    AGENDA_WORKFLOW,
    BOOK_UPDATE,
    OFFER_QUERY,
    OFFER_WORKFLOW,
    SWEEP_SCHEDULE_ID,
    SWEEP_WORKFLOW,
    AgendaRun,
    Booking,
    BookOneOnOne,
    OfferRun,
    OfferState,
    agenda_id_for,
    offer_id_for,
)
from workflows.schedules import ensure_schedule, interval_schedule, remove_schedule

SWEEP_INTERVAL = timedelta(hours=24)
"""Agendas go out the working day before; a daily look a week ahead is early enough."""
SWEEP_TIMEOUT = timedelta(hours=1)
AGENDA_TIMEOUT = timedelta(days=30)
"""No agenda waits longer than this: it is sent, skipped or cancelled well before."""

BOOK_TIMEOUT = timedelta(seconds=60)
"""The press waits for the series to be created (or for when it will be)."""

log = structlog.get_logger("accord.temporal.agenda")


class OfferNotFoundError(Exception):
    """No offer of a 1:1 has this id (or Temporal has forgotten it)."""


class OfferClosedError(Exception):
    """The offer takes no press; ``reason`` is meant for the manager."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def read_offer(client: Client, offer_id: str) -> OfferState:
    """Read what an offer proposed and what became of it.

    Args:
        client: the Temporal client.
        offer_id: the offer's workflow id (the booking link names it).

    Returns:
        The offer.

    Raises:
        OfferNotFoundError: when there is no such offer.
    """
    handle = client.get_workflow_handle(offer_id)
    try:
        state: OfferState = await handle.query(OFFER_QUERY, result_type=OfferState)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise OfferNotFoundError(offer_id) from None
        raise
    return state


async def book_offer(client: Client, offer_id: str, press: BookOneOnOne) -> Booking:
    """Apply the manager's press on an offer: book the weekly series once.

    Args:
        client: the Temporal client.
        offer_id: the offer's workflow id.
        press: who pressed, and the link's id (the same id twice is applied once).

    Returns:
        What was booked, or when it will be.

    Raises:
        OfferNotFoundError: when there is no such offer.
        OfferClosedError: when the offer takes no press (closed, or not this person's).
    """
    handle = client.get_workflow_handle(offer_id)
    try:
        booking: Booking = await handle.execute_update(
            BOOK_UPDATE, press, id=press.action_id, result_type=Booking, rpc_timeout=BOOK_TIMEOUT
        )
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError):
            raise OfferClosedError(cause.message) from None
        raise
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            # A finished workflow takes no update; one that never was is simply not found.
            await read_offer(client, offer_id)
            raise OfferClosedError("This offer is no longer open.") from None
        raise
    log.info("one_on_one_booking_pressed", offer_id=offer_id, booked=booking.event_id is not None)
    return booking


async def start_agenda(client: Client, run: AgendaRun, task_queue: str) -> bool:
    """Start an occurrence's agenda unless it was started before.

    Args:
        client: the Temporal client.
        run: the occurrence.
        task_queue: where the workers listen.

    Returns:
        True when it was started now.
    """
    workflow_id = agenda_id_for(run.manager.email, run.report.email, run.day)
    return await _start_once(client, AGENDA_WORKFLOW, run, workflow_id, task_queue)


async def start_offer(client: Client, run: OfferRun, task_queue: str) -> bool:
    """Start the quarter's offer of a 1:1 unless it was started before.

    Args:
        client: the Temporal client.
        run: the manager, the report and the quarter.
        task_queue: where the workers listen.

    Returns:
        True when it was started now.
    """
    workflow_id = offer_id_for(run.manager.email, run.report.email, run.quarter)
    return await _start_once(client, OFFER_WORKFLOW, run, workflow_id, task_queue)


async def _start_once(
    client: Client, workflow: str, run: AgendaRun | OfferRun, workflow_id: str, task_queue: str
) -> bool:
    try:
        await client.start_workflow(
            workflow,
            run,
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            execution_timeout=AGENDA_TIMEOUT,
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


def sweep_schedule(task_queue: str) -> Schedule:
    """Describe the daily schedule that plans every manager's 1:1s.

    Args:
        task_queue: where the workers listen.

    Returns:
        The schedule.
    """
    return interval_schedule(
        SWEEP_WORKFLOW,
        SWEEP_SCHEDULE_ID,
        task_queue,
        every=SWEEP_INTERVAL,
        timeout=SWEEP_TIMEOUT,
        catchup_window=SWEEP_INTERVAL,
    )


async def ensure_sweep_schedule(client: Client, task_queue: str) -> bool:
    """Create the daily sweep's schedule (and run it at once) unless it exists already.

    Args:
        client: the Temporal client.
        task_queue: where the workers listen.

    Returns:
        True when it was created now.
    """
    if not await ensure_schedule(client, SWEEP_SCHEDULE_ID, sweep_schedule(task_queue)):
        return False
    log.info("agenda_sweep_scheduled", every_seconds=SWEEP_INTERVAL.total_seconds())
    return True


async def remove_sweep_schedule(client: Client) -> bool:
    """Delete the daily sweep's schedule, when an organisation turns agendas off.

    Args:
        client: the Temporal client.

    Returns:
        True when it was there and is gone now.
    """
    removed = await remove_schedule(client, SWEEP_SCHEDULE_ID)
    if removed:
        log.info("agenda_sweep_removed")
    return removed

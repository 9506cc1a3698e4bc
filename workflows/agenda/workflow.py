"""The regular 1:1's workflows: a daily sweep, each manager's planning, an agenda, an offer.

:class:`AgendaSweepWorkflow` (started by the ``agenda-sweep`` schedule) lists the managers of
open commitments and runs each one's planning activity, which reads their calendar and
starts the workflows below through the agenda client, under ids Temporal refuses twice.
(The activity starts them, rather than this workflow starting children, so nothing is left
as an abandoned child.) :class:`OneOnOnePlanWorkflow` does the same for one manager.

:class:`AgendaWorkflow` is one occurrence's agenda. For each reader (the manager, and the
report if they asked for a copy) it waits until the working day before the meeting, inside
that reader's working hours and not while they are away (``domain.agenda``), re-reading
their settings at least every 12 hours. Just before each send it reads the occurrence
again: a cancelled one gets no agenda, a moved one is waited for at its new time. Each mail
has a key naming the occurrence and the reader, so it is sent once.

:class:`OneOnOneOfferWorkflow` waits (at most six days) until the manager is reachable,
finds a half hour free for both inside both people's hours, and offers it once. The offer
stays open two weeks: the manager's press (the ``book`` update, which
the API's link route applies) books the weekly series, once, inside both people's hours, at
the offered time if it is still free for both, or else at the next time that is.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.agenda.contracts import (
        BOOK_ONE_ON_ONE,
        CHECK_OCCURRENCE,
        GATHER_AGENDA,
        LIST_AGENDA_MANAGERS,
        PLAN_ONE_ON_ONES,
        READ_AGENDA_COPY,
        SEND_AGENDA,
        SEND_ONE_ON_ONE_OFFER,
        AgendaCopyLookup,
        AgendaDelivery,
        AgendaRequest,
        MailSent,
        ManagerListing,
        Managers,
        OccurrenceLookup,
        OccurrenceState,
        OfferDelivery,
        PlanRequest,
        PlanStarted,
        SeriesBooked,
        SeriesBooking,
    )
    from activities.calendar.contracts import FIND_MEETING_SLOT, SlotSearch
    from activities.directory.contracts import GET_PERSON_SCHEDULE, ScheduleLookup
    from domain.agenda import Agenda, agenda_delivery_at
    from domain.contact_timing import meeting_contact_at
    from domain.models import Person, TimeSlot
    from domain.working_time import PersonSchedule, next_reachable
    from workflows.agenda.contracts import (
        AGENDA_WORKFLOW,
        BOOK_UPDATE,
        OFFER_QUERY,
        OFFER_WORKFLOW,
        PLAN_WORKFLOW,
        SWEEP_WORKFLOW,
        AgendaOutcome,
        AgendaResult,
        AgendaRun,
        Booking,
        BookOneOnOne,
        Delivery,
        OfferRun,
        OfferState,
        PlanOutcome,
        PlanRun,
        agenda_key_for,
        booking_transaction_for,
        offer_key_for,
    )
    from workflows.patches import ONE_ON_ONE_BOOKING
    from workflows.refresh import REFRESH_SIGNAL, RefreshRequest
    from workflows.retries import SEND_RETRY, graph_retry
    from workflows.sending import send_queue_for

RECHECK = timedelta(hours=12)
"""How often a waiting agenda or offer re-reads its reader's settings (an absence may begin)."""
OFFER_HOLD_LIMIT = timedelta(days=6)
READ_TIMEOUT = timedelta(seconds=60)
PLAN_TIMEOUT = timedelta(minutes=3)
SEND_TIMEOUT = timedelta(minutes=2)
OFFER_LENGTH = timedelta(minutes=30)
OFFER_SEARCH_DAYS = 10
OFFER_NOTICE = timedelta(days=1)
"""The proposed first 1:1 is at least a day away, so both can plan for it."""
SWEEP_CONCURRENCY = 8
BOOKING_OPEN = timedelta(days=14)
"""How long a sent offer waits for the manager's press (within its link's lifetime)."""
BOOKING_WAIT_LIMIT = timedelta(days=7)
"""How long a press waits for a moment both can be reached before it gives up. With the hold
before the offer and the time it stays open, within the workflow's 30 days."""
BOOKING_NOTICE = timedelta(hours=2)
"""The offered time is kept if it is at least this far ahead when the series is created."""
OFFER_CLOSED = "OfferClosed"
GRAPH_RETRY = graph_retry("InvalidMailboxSettings")


async def _schedule_of(email: str) -> PersonSchedule:
    schedule: PersonSchedule = await workflow.execute_activity(
        GET_PERSON_SCHEDULE,
        ScheduleLookup(email=email),
        result_type=PersonSchedule,
        start_to_close_timeout=READ_TIMEOUT,
        retry_policy=GRAPH_RETRY,
    )
    return schedule


async def _plan(manager: str) -> PlanStarted:
    started: PlanStarted = await workflow.execute_activity(
        PLAN_ONE_ON_ONES,
        PlanRequest(manager=manager, now=workflow.now()),
        result_type=PlanStarted,
        start_to_close_timeout=PLAN_TIMEOUT,
        retry_policy=GRAPH_RETRY,
    )
    return started


@workflow.defn(name=SWEEP_WORKFLOW)
class AgendaSweepWorkflow:
    """Started by its schedule: plans every manager's 1:1s."""

    @workflow.run
    async def run(self) -> PlanOutcome:
        """List the managers, then plan each one's 1:1s, a few at a time."""
        listed: Managers = await workflow.execute_activity(
            LIST_AGENDA_MANAGERS,
            ManagerListing(),
            result_type=Managers,
            start_to_close_timeout=PLAN_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        agendas = offers = 0
        for first in range(0, len(listed.managers), SWEEP_CONCURRENCY):
            batch = listed.managers[first : first + SWEEP_CONCURRENCY]
            for started in await asyncio.gather(*(self._plan_one(manager) for manager in batch)):
                agendas += started.agendas_started
                offers += started.offers_started
        return PlanOutcome(agendas_started=agendas, offers_started=offers)

    async def _plan_one(self, manager: str) -> PlanStarted:
        try:
            return await _plan(manager)
        except ActivityError:
            # One calendar that cannot be read (a mailbox gone) must not hold up the others;
            # tomorrow's sweep tries it again.
            workflow.logger.warning("agenda planning failed for one manager")
            return PlanStarted()


@workflow.defn(name=PLAN_WORKFLOW)
class OneOnOnePlanWorkflow:
    """Plans one manager's 1:1s (the sweep does this for every manager)."""

    @workflow.run
    async def run(self, run: PlanRun) -> PlanOutcome:
        """Run the planning activity once."""
        started = await _plan(run.manager)
        return PlanOutcome(
            agendas_started=started.agendas_started, offers_started=started.offers_started
        )


@workflow.defn(name=AGENDA_WORKFLOW)
class AgendaWorkflow:
    """One occurrence's agenda, to the manager and (if they asked) the report."""

    def __init__(self) -> None:
        self._refresh_requested = False

    @workflow.signal(name=REFRESH_SIGNAL)
    def refresh_history(self, request: RefreshRequest) -> None:
        """An operator asks for a fresh history (a payload key is being retired).

        Honoured while the agenda waits; a mail already sent is not sent again after it
        (its key is in Sent Items).
        """
        del request  # the reason is for the operator's record
        self._refresh_requested = True

    @workflow.run
    async def run(self, run: AgendaRun) -> AgendaOutcome:
        """Wait for each reader's working day before the 1:1, check it is still on, send."""
        wants_copy: bool = await workflow.execute_activity(
            READ_AGENDA_COPY,
            AgendaCopyLookup(report=run.report.email),
            result_type=bool,
            start_to_close_timeout=READ_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        pending = [run.manager, *([run.report] if wants_copy else [])]
        start = run.start
        deliveries: list[Delivery] = []
        while pending:
            now = workflow.now()
            schedules = {reader.email: await _schedule_of(reader.email) for reader in pending}
            times: dict[str, datetime] = {}
            for person in pending:
                at = agenda_delivery_at(start, schedules[person.email], now)
                if at is not None:
                    times[person.email] = at
            # A reader who cannot be reached before the meeting gets no agenda this time.
            pending = [person for person in pending if person.email in times]
            if not pending:
                break
            reader = min(pending, key=lambda person: (times[person.email], person.email))
            at = times[reader.email]
            if at > now:
                # The same timer as a sleep, which a request to refresh cuts short.
                try:
                    await workflow.wait_condition(
                        lambda: self._refresh_requested, timeout=min(at - now, RECHECK)
                    )
                except TimeoutError:
                    continue
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    run.model_copy(update={"start": start}), memo=dict(workflow.memo())
                )
            state: OccurrenceState = await workflow.execute_activity(
                CHECK_OCCURRENCE,
                OccurrenceLookup(manager=run.manager.email, event_id=run.event_id),
                result_type=OccurrenceState,
                start_to_close_timeout=READ_TIMEOUT,
                retry_policy=GRAPH_RETRY,
            )
            if not state.on or state.start is None:
                return AgendaOutcome(result=AgendaResult.CANCELLED, deliveries=deliveries)
            if state.start != start:
                # Moved: the agenda belongs to the new time, whose working day before may
                # not have come yet.
                start = state.start
                continue
            deliveries.append(await self._send(run, reader, schedules[reader.email], start))
            pending.remove(reader)
        result = AgendaResult.SENT if deliveries else AgendaResult.UNREACHABLE
        return AgendaOutcome(result=result, deliveries=deliveries)

    async def _send(
        self, run: AgendaRun, reader: Person, schedule: PersonSchedule, start: datetime
    ) -> Delivery:
        decided_at = workflow.now()
        agenda: Agenda = await workflow.execute_activity(
            GATHER_AGENDA,
            AgendaRequest(
                manager=run.manager,
                report=run.report,
                meeting_start=start,
                since=run.previous_start,
                now=workflow.now(),
            ),
            result_type=Agenda,
            start_to_close_timeout=PLAN_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        sent: MailSent = await workflow.execute_activity(
            SEND_AGENDA,
            AgendaDelivery(
                idempotency_key=agenda_key_for(
                    run.manager.email, run.report.email, run.day, reader.email
                ),
                agenda=agenda,
                reader=reader,
                reader_time_zone=schedule.time_zone,
            ),
            result_type=MailSent,
            # The reader's sending mailbox keeps its rate on its queue, whatever the workers.
            task_queue=await send_queue_for(reader.email),
            start_to_close_timeout=SEND_TIMEOUT,
            retry_policy=SEND_RETRY,
        )
        return Delivery(reader=reader.email, at=decided_at, already_sent=sent.already_sent)


@workflow.defn(name=OFFER_WORKFLOW)
class OneOnOneOfferWorkflow:
    """Offers a manager a regular 1:1 with a report who has none, once, and books it on a press."""

    @workflow.init
    def __init__(self, run: OfferRun) -> None:
        self._run = run
        self._slot: TimeSlot | None = None
        self._zone: str | None = None
        self._open = False
        self._requested: BookOneOnOne | None = None
        self._deferred_until: datetime | None = None
        self._booking: Booking | None = None
        self._delivery: Delivery | None = None

    @workflow.query(name=OFFER_QUERY)
    def offer(self) -> OfferState:
        """What was offered, whether a press is taken now, and what it booked."""
        return OfferState(
            manager=self._run.manager,
            report=self._run.report,
            slot=self._slot,
            manager_time_zone=self._zone,
            booking=self._booking,
            open=self._open and self._booking is None,
            delivery=self._delivery,
        )

    @workflow.update(name=BOOK_UPDATE)
    async def book(self, press: BookOneOnOne) -> Booking:
        """The manager's press: book the series (or say when it will be, or that it was)."""
        if self._booking is not None:
            return self._booking.model_copy(update={"already_booked": True})
        if self._requested is None:
            self._requested = press
        await workflow.wait_condition(
            lambda: self._booking is not None or self._deferred_until is not None
        )
        if self._booking is not None:
            return self._booking
        return Booking(slot=self._slot, not_before=self._deferred_until)

    @book.validator
    def _check_press(self, press: BookOneOnOne) -> None:
        if press.actor.lower() != self._run.manager.email.lower():
            raise ApplicationError("Only the manager can book this 1:1.", type=OFFER_CLOSED)
        if self._booking is None and not self._open:
            raise ApplicationError("This offer is no longer open.", type=OFFER_CLOSED)

    @workflow.run
    async def run(self, run: OfferRun) -> AgendaOutcome:
        """Wait until the manager is reachable, find a slot free for both, offer it."""
        deadline = workflow.now() + OFFER_HOLD_LIMIT
        while True:
            now = workflow.now()
            schedule = await _schedule_of(run.manager.email)
            reachable = next_reachable(now, schedule)
            if reachable is not None and reachable <= now:
                break
            if now >= deadline or (reachable is not None and reachable >= deadline):
                return AgendaOutcome(result=AgendaResult.UNREACHABLE)
            wait = RECHECK if reachable is None else reachable - now
            await workflow.sleep(min(wait, RECHECK, deadline - now))
        slot = await self._find_slot(run, workflow.now() + OFFER_NOTICE)
        if slot is None:
            return AgendaOutcome(result=AgendaResult.NO_SLOT)
        self._slot, self._zone = slot, schedule.time_zone
        # Offers sent before one-click booking existed carry no link and wait for nothing.
        bookable = workflow.patched(ONE_ON_ONE_BOOKING)
        sent: MailSent = await workflow.execute_activity(
            SEND_ONE_ON_ONE_OFFER,
            OfferDelivery(
                idempotency_key=offer_key_for(run.manager.email, run.report.email, run.quarter),
                manager=run.manager,
                report=run.report,
                slot=slot,
                manager_time_zone=schedule.time_zone,
                offer_id=workflow.info().workflow_id if bookable else "",
            ),
            result_type=MailSent,
            task_queue=await send_queue_for(run.manager.email),
            start_to_close_timeout=SEND_TIMEOUT,
            retry_policy=SEND_RETRY,
        )
        delivery = Delivery(
            reader=run.manager.email, at=workflow.now(), already_sent=sent.already_sent
        )
        self._delivery = delivery
        outcome = AgendaOutcome(result=AgendaResult.SENT, deliveries=[delivery])
        if not bookable:
            return outcome
        self._open = True
        try:
            await workflow.wait_condition(lambda: self._requested is not None, timeout=BOOKING_OPEN)
        except TimeoutError:
            self._open = False
            return outcome
        self._booking = await self._book(run, slot)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return outcome.model_copy(update={"booking": self._booking})

    async def _find_slot(self, run: OfferRun, not_before: datetime) -> TimeSlot | None:
        slot: TimeSlot | None = await workflow.execute_activity(
            FIND_MEETING_SLOT,
            SlotSearch(
                organizer=run.manager,
                attendee=run.report,
                not_before=not_before,
                duration=OFFER_LENGTH,
                working_days=OFFER_SEARCH_DAYS,
            ),
            result_type=TimeSlot,
            start_to_close_timeout=READ_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return slot

    async def _book(self, run: OfferRun, offered: TimeSlot) -> Booking:
        """Wait for a moment the invitation may reach both, re-check the time, create the series."""
        give_up = workflow.now() + BOOKING_WAIT_LIMIT
        while True:
            now = workflow.now()
            manager = await _schedule_of(run.manager.email)
            report = await _schedule_of(run.report.email)
            at = meeting_contact_at(now, manager, report)
            if at is not None and at <= now:
                break
            if now >= give_up:
                return Booking(slot=offered, no_slot=True)
            # The page tells the manager when; the report is away with no known return: later.
            self._deferred_until = at if at is not None else now + RECHECK
            await workflow.sleep(min(self._deferred_until - now, RECHECK, give_up - now))
        # The offered time may have been taken since, or be too close or past: then the first
        # time free for both, a day on.
        close = offered.start < now + BOOKING_NOTICE
        slot = await self._find_slot(run, now + OFFER_NOTICE if close else offered.start)
        if slot is None:
            return Booking(slot=offered, no_slot=True)
        booked: SeriesBooked = await workflow.execute_activity(
            BOOK_ONE_ON_ONE,
            SeriesBooking(
                transaction_id=booking_transaction_for(
                    run.manager.email, run.report.email, run.quarter
                ),
                manager=run.manager,
                report=run.report,
                slot=slot,
                manager_time_zone=manager.time_zone,
            ),
            result_type=SeriesBooked,
            start_to_close_timeout=SEND_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return Booking(slot=slot, event_id=booked.event_id, moved=slot.start != offered.start)

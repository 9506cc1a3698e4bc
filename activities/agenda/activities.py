"""The regular 1:1's activities: plan from the calendar, re-check, gather, send once.

Planning reads the manager's direct reports and calendarView (series expanded into
occurrences, from five weeks back, to know the previous 1:1, to six weeks ahead, so a
monthly 1:1 counts too) and starts the agenda and offer workflows through their client.
Mails go out from Accord's mailbox on the exactly-once path every message takes
(:meth:`MessagingActivities.send_once`).
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.internet_message_header import InternetMessageHeader
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.models.single_value_legacy_extended_property import (
    SingleValueLegacyExtendedProperty,
)
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.agenda.calendar_reads import read_occurrence, read_occurrences
from activities.agenda.contracts import (
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
)
from activities.agenda.views import AgendaViews, CommitmentsUnreadableError, agenda_inputs
from activities.directory.activities import read_schedule
from activities.directory.schedule_cache import ScheduleCache
from activities.messaging.activities import (
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_PROPERTY,
    MessagingActivities,
)
from domain.action_links import LinkAction
from domain.agenda import OFFER_LOOKAHEAD, Agenda, build_agenda, quarter_label, render_agenda
from domain.agenda import render_offer as render_offer_message
from domain.messages.email import email_body
from domain.messages.rendered import RenderedMessage
from domain.models import Person
from domain.one_on_ones import find_one_on_ones
from integrations.graph.errors import graph_errors
from integrations.graph.json_reads import send_for_json
from integrations.graph.people import GraphOrgChart
from workflows.agenda.client import start_agenda, start_offer
from workflows.agenda.contracts import AgendaRun, OfferRun
from workflows.commitment.client import open_commitments_query
from workflows.commitment.contracts import MANAGER_KEY
from workflows.person.client import PersonStore

HISTORY = timedelta(weeks=5)
"""How far back the calendar is read to find the previous 1:1 of a series."""
COMMITMENTS_UNAVAILABLE = "CommitmentsUnavailable"

log = structlog.get_logger("accord.activities.agenda")


class AgendaActivities:
    """Plans regular 1:1s, and gathers and sends their agendas and offers.

    Args:
        temporal: the Temporal client, to start the agenda and offer workflows.
        graph: the SDK client: calendars, the org chart, mailbox settings, mail.
        messaging: the mail activities (sending mailbox, pacing, exactly once).
        views: where the reports' commitments are read from.
        people: the people's records (a report's wish for a copy); ``None``: nobody
            asked for one.
        task_queue: where the agenda workflows run.
        schedules: the worker's cache of recent mailbox-settings reads.
    """

    def __init__(
        self,
        temporal: Client,
        graph: GraphServiceClient,
        messaging: MessagingActivities,
        views: AgendaViews,
        *,
        people: PersonStore | None,
        task_queue: str,
        schedules: ScheduleCache | None = None,
    ) -> None:
        self._temporal = temporal
        self._graph = graph
        self._messaging = messaging
        self._views = views
        self._people = people
        self._task_queue = task_queue
        self._schedules = schedules

    @activity.defn(name=LIST_AGENDA_MANAGERS)
    async def list_agenda_managers(self, listing: ManagerListing) -> Managers:
        """List the managers of open commitments (whose 1:1s are planned).

        Args:
            listing: how many open commitments to look through at most.

        Returns:
            The managers, sorted.
        """
        managers: set[str] = set()
        async for execution in self._temporal.list_workflows(
            open_commitments_query(), limit=listing.limit
        ):
            manager = execution.typed_search_attributes.get(MANAGER_KEY)
            if manager:
                managers.add(manager.lower())
        return Managers(managers=sorted(managers))

    @activity.defn(name=PLAN_ONE_ON_ONES)
    async def plan_one_on_ones(self, request: PlanRequest) -> PlanStarted:
        """Find the manager's regular 1:1s; start agendas for the coming ones, offers where none.

        Args:
            request: whose, as of when, and how close an occurrence must be.

        Returns:
            How many workflows were started now.
        """
        manager = request.manager.lower()
        reports = await GraphOrgChart(self._graph).reports_with_names(manager)
        if not reports:
            return PlanStarted()
        names = dict(reports)
        schedule = await read_schedule(self._graph, manager, self._schedules)
        occurrences = await read_occurrences(
            self._graph, manager, request.now - HISTORY, request.now + OFFER_LOOKAHEAD
        )
        search = find_one_on_ones(manager, names, occurrences, now=request.now)
        me = Person(email=manager, display_name=await self._display_name(manager))
        agendas = offers = 0
        for found in search.found:
            if found.start > request.now + request.lookahead:
                continue
            run = AgendaRun(
                manager=me,
                report=Person(email=found.report, display_name=names[found.report] or found.report),
                event_id=found.event_id,
                series_id=found.series_id,
                start=found.start,
                day=found.start.astimezone(schedule.zone).date(),
                previous_start=found.previous_start,
            )
            agendas += await start_agenda(self._temporal, run, self._task_queue)
        quarter = quarter_label(request.now, schedule)
        for report in search.without:
            run_offer = OfferRun(
                manager=me,
                report=Person(email=report, display_name=names[report] or report),
                quarter=quarter,
            )
            offers += await start_offer(self._temporal, run_offer, self._task_queue)
        log.info(
            "one_on_ones_planned",
            found=len(search.found),
            without=len(search.without),
            agendas_started=agendas,
            offers_started=offers,
        )
        return PlanStarted(agendas_started=agendas, offers_started=offers)

    async def _display_name(self, email: str) -> str:
        # Raw JSON: the SDK's User model imports every entity type on first use.
        parameters = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=["displayName"]
        )
        request = self._graph.users.by_user_id(email).to_get_request_information(
            RequestConfiguration(query_parameters=parameters)
        )
        with graph_errors():
            user = await send_for_json(self._graph, request)
        return str(user.get("displayName") or email)

    @activity.defn(name=CHECK_OCCURRENCE)
    async def check_one_on_one(self, lookup: OccurrenceLookup) -> OccurrenceState:
        """Read the occurrence again, just before its agenda goes out.

        Args:
            lookup: the manager and the occurrence's id.

        Returns:
            Whether it still takes place, and when.
        """
        state = await read_occurrence(self._graph, lookup.manager, lookup.event_id)
        log.info("one_on_one_checked", on=state.on)
        return state

    @activity.defn(name=READ_AGENDA_COPY)
    async def read_agenda_copy(self, lookup: AgendaCopyLookup) -> bool:
        """Say whether the report asked for a copy of their 1:1 agendas.

        Args:
            lookup: the report.

        Returns:
            True when they opted in.
        """
        if self._people is None:
            return False
        record = await self._people.get(lookup.report)
        return record.agenda_copy

    @activity.defn(name=GATHER_AGENDA)
    async def gather_agenda(self, request: AgendaRequest) -> Agenda:
        """Gather the agenda: the report's commitments with this manager, and the support.

        Args:
            request: the two people, the meeting, the previous one, and now.

        Returns:
            The agenda.
        """
        since = request.since or request.now - HISTORY
        try:
            facts, support = await agenda_inputs(
                self._views, request.report.email, request.manager.email, since, request.now
            )
        except CommitmentsUnreadableError:
            raise ApplicationError(
                "the commitments could not be read", type=COMMITMENTS_UNAVAILABLE
            ) from None
        agenda = build_agenda(
            request.manager,
            request.report,
            facts,
            support=support,
            meeting_start=request.meeting_start,
            since=request.since,
            now=request.now,
        )
        log.info("agenda_gathered", open_items=len(agenda.open_items), at_risk=len(agenda.at_risk))
        return agenda

    @activity.defn(name=SEND_AGENDA)
    async def send_agenda(self, delivery: AgendaDelivery) -> MailSent:
        """Send one reader's agenda, unless an earlier attempt did.

        Args:
            delivery: the agenda, its reader and their zone, and the idempotency key.

        Returns:
            Whether it had been sent before.
        """
        rendered = render_agenda(delivery.agenda, delivery.reader, delivery.reader_time_zone)
        return await self._send(delivery.idempotency_key, delivery.reader, rendered)

    @activity.defn(name=SEND_ONE_ON_ONE_OFFER)
    async def send_one_on_one_offer(self, delivery: OfferDelivery) -> MailSent:
        """Offer the manager a regular 1:1 at a slot free for both, unless already offered.

        Args:
            delivery: the two people, the slot, the manager's zone and the key.

        Returns:
            Whether it had been sent before.
        """
        book_url = None
        if delivery.offer_id:
            book_url = self._messaging.action_url(
                delivery.offer_id,
                delivery.manager.email,
                LinkAction.BOOK_ONE_ON_ONE,
                f"{delivery.idempotency_key}:book",
            )
        rendered = render_offer_message(
            delivery.manager,
            delivery.report,
            delivery.slot,
            delivery.manager_time_zone,
            book_url=book_url,
        )
        return await self._send(delivery.idempotency_key, delivery.manager, rendered)

    async def _send(self, key: str, reader: Person, rendered: RenderedMessage) -> MailSent:
        message = Message(
            subject=rendered.subject,
            body=ItemBody(content_type=BodyType.Html, content=email_body(rendered).html),
            to_recipients=[
                Recipient(
                    email_address=EmailAddress(address=reader.email, name=reader.display_name)
                )
            ],
            internet_message_headers=[InternetMessageHeader(name=IDEMPOTENCY_HEADER, value=key)],
            single_value_extended_properties=[
                SingleValueLegacyExtendedProperty(id=IDEMPOTENCY_PROPERTY, value=key)
            ],
        )
        request = SendMailPostRequestBody(message=message, save_to_sent_items=True)
        sender = self._messaging.sender_for(reader.email)
        already_sent = await self._messaging.send_once(
            sender, key, lambda: self._graph.users.by_user_id(sender).send_mail.post(request)
        )
        log.info("agenda_mail_sent", idempotency_key=key, already_sent=already_sent)
        return MailSent(idempotency_key=key, recipient=reader.email, already_sent=already_sent)

"""Calendar activities: find a time for a 1:1, put it on both calendars, follow the answer.

Slots come from ``getSchedule`` plus both people's mailbox settings, because
``findMeetingTimes`` has no application permission. Events are created by the manager (the
organizer) with a ``transactionId``, so a retried create returns the event the first attempt
made instead of inviting the owner twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import structlog
from kiota_abstractions.api_error import APIError
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
    GetSchedulePostRequestBody,
)
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder
from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import (
    CancelPostRequestBody,
)
from msgraph.generated.users.item.events.item.event_item_request_builder import (
    EventItemRequestBuilder,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity
from temporalio.service import RPCError

from activities.calendar.contracts import (
    CANCEL_MEETING,
    FIND_MEETING_SLOT,
    GET_MEETING_RESPONSE,
    SCHEDULE_MEETING,
    MeetingCancellation,
    MeetingCreated,
    MeetingLookup,
    MeetingRequest,
    MeetingResponse,
    SlotSearch,
)
from activities.calendar.watch import MeetingWatch
from activities.directory.activities import read_schedule
from activities.directory.schedule_cache import ScheduleCache
from activities.messaging.rendering import render_for
from domain.messages.email import email_body
from domain.models import Actor, Person, TimeSlot
from domain.slots import (
    DEFAULT_GRANULARITY,
    Participant,
    ScheduleAvailability,
    find_common_slot,
    find_edge_slot,
)
from domain.working_time import reachable_periods
from integrations.graph.errors import graph_errors, graph_status
from integrations.graph.events import GraphEvent, GraphEventPage
from integrations.graph.json_reads import send_for_json
from integrations.telemetry.metrics import count_invitation_sent
from workflows.calendar.contracts import WatchedMeeting

log = structlog.get_logger("accord.activities.calendar")

AVAILABILITY_INTERVAL_MINUTES = 15
"""One digit of the free/busy view per quarter hour, the granularity slots start on."""
MAX_SCHEDULE_WINDOW = timedelta(days=62)
"""The longest window getSchedule answers for; beyond it, time counts as unknown (busy)."""
_GRAPH_LOCAL = "%Y-%m-%dT%H:%M:%S"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _utc_time(at: datetime) -> DateTimeTimeZone:
    return DateTimeTimeZone(date_time=at.astimezone(UTC).strftime(_GRAPH_LOCAL), time_zone="UTC")


def _floor(at: datetime, step: timedelta) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((at - epoch) // step) * step


def _odata_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class CalendarActivities:
    """Meetings between a manager (the organizer) and an owner.

    Args:
        graph: the SDK client.
        clock: the current instant; no slot is proposed before it.
        schedules: a cache of recent schedule reads shared by the worker's activities;
            ``None``: every read asks Graph.
        watch: registers each booked 1:1 with the watch on its organizer's calendar, so a
            decline is seen within minutes; ``None``: the commitments' polling alone.
    """

    def __init__(
        self,
        graph: GraphServiceClient,
        *,
        clock: Callable[[], datetime] = _utc_now,
        schedules: ScheduleCache | None = None,
        watch: MeetingWatch | None = None,
    ) -> None:
        self._graph = graph
        self._clock = clock
        self._schedules = schedules
        self._watch = watch

    @activity.defn(name=FIND_MEETING_SLOT)
    async def find_meeting_slot(self, search: SlotSearch) -> TimeSlot | None:
        """Find the earliest slot both people are free, working and not away.

        Args:
            search: who, from when, how long, over how many working days, and which slots
                were already declined.

        Returns:
            The slot in UTC, or ``None`` when there is none in the window.
        """
        not_before = max(search.not_before, self._clock())
        people = (search.organizer, search.attendee)
        schedules = [await read_schedule(self._graph, p.email, self._schedules) for p in people]
        periods = [reachable_periods(not_before, search.working_days, s) for s in schedules]
        if not all(periods):
            log.info("meeting_slot_none", reason="someone_unreachable")
            return None
        # Align the view to the slot granularity so free/busy digits match proposable starts.
        window_start = _floor(not_before, DEFAULT_GRANULARITY)
        window_end = min(
            max(person_periods[-1].end for person_periods in periods),
            window_start + MAX_SCHEDULE_WINDOW,
        )
        availability = await self._availability(people, window_start, window_end)
        participants = [
            Participant(availability=availability[person.email], schedule=schedule)
            for person, schedule in zip(people, schedules, strict=True)
        ]
        find = find_edge_slot if search.at_the_edge else find_common_slot
        slot = find(
            participants,
            not_before,
            length=search.duration,
            working_days=search.working_days,
            exclude=search.exclude,
        )
        log.info("meeting_slot_searched", found=slot is not None, at_the_edge=search.at_the_edge)
        return slot

    async def _availability(
        self, people: tuple[Person, ...], start: datetime, end: datetime
    ) -> dict[str, ScheduleAvailability]:
        body = GetSchedulePostRequestBody(
            schedules=[person.email for person in people],
            start_time=_utc_time(start),
            end_time=_utc_time(end),
            availability_view_interval=AVAILABILITY_INTERVAL_MINUTES,
        )
        request = self._graph.users.by_user_id(
            people[0].email
        ).calendar.get_schedule.to_post_request_information(body)
        with graph_errors():
            answer = await send_for_json(self._graph, request)
        by_address = {
            str(item.get("scheduleId", "")).lower(): item
            for item in answer.get("value") or []
            if isinstance(item, dict)
        }
        availability = {}
        for person in people:
            item = by_address.get(person.email)
            if item is None or item.get("error"):
                # An unreadable calendar offers no free time, rather than failing the search.
                log.warning("schedule_unavailable", has_item=item is not None)
                item = {"availabilityView": ""}
            availability[person.email] = ScheduleAvailability.from_graph(
                item, start, AVAILABILITY_INTERVAL_MINUTES
            )
        return availability

    @activity.defn(name=SCHEDULE_MEETING)
    async def schedule_meeting(self, request: MeetingRequest) -> MeetingCreated:
        """Put a 1:1 on the manager's calendar and invite the owner, once per transaction id.

        Args:
            request: the meeting, its slot, and the kind of message its body is.

        Returns:
            The organizer's event id.
        """
        organizer = request.spec.manager.email
        logger = log.bind(
            commitment_id=request.commitment_id,
            transaction_id=request.transaction_id,
            kind=str(request.kind),
        )
        existing = await self._event_with_transaction(organizer, request.transaction_id)
        if existing is not None:
            logger.info("meeting_already_scheduled", event_id=existing)
            await self._watch_answers(request, existing)
            return MeetingCreated(event_id=existing, transaction_id=request.transaction_id)
        rendered = render_for(
            request.kind,
            spec=request.spec,
            # The invitation's body is read by both; it speaks to the owner, in their zone.
            recipient_role=Actor.OWNER,
            recipient_time_zone=request.attendee_time_zone,
            details=request.details,
        )
        owner = request.spec.owner
        event = Event(
            subject=rendered.subject,
            # An invitation's body is the message laid out as email, the same for both.
            body=ItemBody(content_type=BodyType.Html, content=email_body(rendered).html),
            start=_utc_time(request.slot.start),
            end=_utc_time(request.slot.end),
            attendees=[
                Attendee(
                    email_address=EmailAddress(address=owner.email, name=owner.display_name),
                    type=AttendeeType.Required,
                )
            ],
            response_requested=True,
            transaction_id=request.transaction_id,
        )
        create = self._graph.users.by_user_id(organizer).events.to_post_request_information(event)
        with graph_errors():
            created = GraphEvent.model_validate(await send_for_json(self._graph, create))
        if not created.id:
            raise RuntimeError("Graph created the event but sent back no id")
        logger.info("meeting_scheduled", event_id=created.id)
        count_invitation_sent(activity.metric_meter(), kind=str(request.kind))
        await self._watch_answers(request, created.id)
        return MeetingCreated(event_id=created.id, transaction_id=request.transaction_id)

    async def _watch_answers(self, request: MeetingRequest, event_id: str) -> None:
        """Have the organizer's calendar watched for this 1:1's answers until it starts."""
        if self._watch is None:
            return
        meeting = WatchedMeeting(
            event_id=event_id, commitment_id=request.commitment_id, until=request.slot.start
        )
        try:
            await self._watch.register(request.spec.manager.email, meeting)
        except RPCError:
            # The booking stands; the commitment's own look every two hours sees a decline.
            log.warning("meeting_watch_unavailable", commitment_id=request.commitment_id)

    async def _event_with_transaction(self, organizer: str, transaction_id: str) -> str | None:
        parameters = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(
            filter=f"transactionId eq {_odata_string(transaction_id)}",
            select=["id", "transactionId"],
            top=1,
        )
        query = self._graph.users.by_user_id(organizer).events.to_get_request_information(
            RequestConfiguration(query_parameters=parameters)
        )
        with graph_errors():
            try:
                found = GraphEventPage.model_validate(await send_for_json(self._graph, query))
            except APIError as exc:
                if graph_status(exc) != 400:
                    raise
                # A service that cannot filter on transactionId still honours it on create.
                log.info("transaction_filter_unsupported")
                return None
        for event in found.value:
            if event.id and event.transaction_id == transaction_id:
                return event.id
        return None

    @activity.defn(name=GET_MEETING_RESPONSE)
    async def get_meeting_response(self, lookup: MeetingLookup) -> MeetingResponse:
        """Read the attendee's answer on the organizer's event.

        A deleted event reads as cancelled; an attendee no longer invited as ``none``.

        Args:
            lookup: the organizer, the event and the attendee.

        Returns:
            The attendee's response and whether the meeting is cancelled.
        """
        parameters = EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(
            select=["attendees", "isCancelled"]
        )
        item = self._graph.users.by_user_id(lookup.organizer).events.by_event_id(lookup.event_id)
        query = item.to_get_request_information(RequestConfiguration(query_parameters=parameters))
        with graph_errors():
            try:
                event = GraphEvent.model_validate(await send_for_json(self._graph, query))
            except APIError as exc:
                if graph_status(exc) != 404:
                    raise
                return MeetingResponse(response="none", cancelled=True)
        response = event.response_of(lookup.attendee) or "none"
        log.info("meeting_response_read", event_id=lookup.event_id, response=response)
        return MeetingResponse(response=response, cancelled=event.is_cancelled)

    @activity.defn(name=CANCEL_MEETING)
    async def cancel_meeting(self, cancellation: MeetingCancellation) -> None:
        """Cancel the organizer's event and tell the attendees; already cancelled or gone is fine.

        Args:
            cancellation: the organizer, the event and an optional comment for attendees.
        """
        item = self._graph.users.by_user_id(cancellation.organizer).events.by_event_id(
            cancellation.event_id
        )
        parameters = EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(
            select=["isCancelled"]
        )
        query = item.to_get_request_information(RequestConfiguration(query_parameters=parameters))
        with graph_errors():
            try:
                event = GraphEvent.model_validate(await send_for_json(self._graph, query))
                if event.is_cancelled:
                    log.info("meeting_already_cancelled", event_id=cancellation.event_id)
                    return
                await item.cancel.post(CancelPostRequestBody(comment=cancellation.comment))
            except APIError as exc:
                if graph_status(exc) != 404:
                    raise
                log.info("meeting_gone", event_id=cancellation.event_id)
                return
        log.info("meeting_cancelled", event_id=cancellation.event_id)

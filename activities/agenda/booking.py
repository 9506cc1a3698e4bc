"""Booking the offered regular 1:1: a weekly series in the manager's calendar, once.

The manager organises it and invites the report, as every 1:1 Accord creates (see
``activities/calendar/activities.py``). The series repeats weekly on the offered weekday at
the offered local time in the manager's zone, with no end (a regular 1:1 is open-ended; either
of them ends it in their calendar). Its ``transactionId`` makes a retried create return the
series the first attempt made, so the report is invited once.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.patterned_recurrence import PatternedRecurrence
from msgraph.generated.models.recurrence_pattern import RecurrencePattern
from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
from msgraph.generated.models.recurrence_range import RecurrenceRange
from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity

from activities.agenda.contracts import BOOK_ONE_ON_ONE, SeriesBooked, SeriesBooking
from domain.timezones import resolve_zone
from integrations.graph.errors import graph_errors
from integrations.graph.events import GraphEvent
from integrations.graph.json_reads import send_for_json

log = structlog.get_logger("accord.activities.agenda.booking")

_GRAPH_LOCAL = "%Y-%m-%dT%H:%M:%S"
_WEEKDAYS = (
    DayOfWeek.Monday,
    DayOfWeek.Tuesday,
    DayOfWeek.Wednesday,
    DayOfWeek.Thursday,
    DayOfWeek.Friday,
    DayOfWeek.Saturday,
    DayOfWeek.Sunday,
)
BODY = (
    "<p>A regular half hour for the two of you: how things are going, what is in the way, "
    "and what would help. Accord sends an agenda the working day before each one.</p>"
)


def _local(at: datetime, zone_name: str) -> DateTimeTimeZone:
    local = at.astimezone(resolve_zone(zone_name))
    return DateTimeTimeZone(date_time=local.strftime(_GRAPH_LOCAL), time_zone=zone_name)


def series_event(booking: SeriesBooking) -> Event:
    """Return the series master to create: weekly from the slot, in the manager's zone.

    Args:
        booking: who, when and in which zone.

    Returns:
        The Graph event.
    """
    zone = booking.manager_time_zone
    first = booking.slot.start.astimezone(resolve_zone(zone))
    report = booking.report
    return Event(
        subject=f"1:1 {booking.manager.display_name} / {report.display_name}",
        body=ItemBody(content_type=BodyType.Html, content=BODY),
        start=_local(booking.slot.start, zone),
        end=_local(booking.slot.end, zone),
        attendees=[
            Attendee(
                email_address=EmailAddress(address=report.email, name=report.display_name),
                type=AttendeeType.Required,
            )
        ],
        recurrence=PatternedRecurrence(
            pattern=RecurrencePattern(
                type=RecurrencePatternType.Weekly,
                interval=1,
                days_of_week=[_WEEKDAYS[first.weekday()]],
                first_day_of_week=DayOfWeek.Monday,
            ),
            range=RecurrenceRange(
                type=RecurrenceRangeType.NoEnd,
                start_date=first.date(),
                recurrence_time_zone=zone,
            ),
        ),
        response_requested=True,
        transaction_id=booking.transaction_id,
    )


class OneOnOneBooking:
    """Creates the offered weekly 1:1 in the manager's calendar.

    Args:
        graph: the SDK client.
    """

    def __init__(self, graph: GraphServiceClient) -> None:
        self._graph = graph

    @activity.defn(name=BOOK_ONE_ON_ONE)
    async def book_one_on_one(self, booking: SeriesBooking) -> SeriesBooked:
        """Create the weekly series and invite the report, once per transaction id.

        Args:
            booking: the two people, the first meeting and the manager's zone.

        Returns:
            The series master's id in the manager's calendar.
        """
        organizer = booking.manager.email
        create = self._graph.users.by_user_id(organizer).events.to_post_request_information(
            series_event(booking)
        )
        with graph_errors():
            created = GraphEvent.model_validate(await send_for_json(self._graph, create))
        if not created.id:
            raise RuntimeError("Graph created the series but sent back no id")
        log.info("one_on_one_booked", event_id=created.id, transaction_id=booking.transaction_id)
        return SeriesBooked(event_id=created.id)

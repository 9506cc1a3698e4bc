"""What the agenda workflows exchange with the agenda activities.

Workflows import this module through ``workflow.unsafe.imports_passed_through()``; it holds
no I/O.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from domain.agenda import Agenda
from domain.models import Person, TimeSlot, UtcDatetime
from domain.timezones import ZoneName

PLAN_ONE_ON_ONES = "plan_one_on_ones"
"""Read a manager's calendar, start agendas and offers: :class:`PlanRequest` to
:class:`PlanStarted`."""
CHECK_OCCURRENCE = "check_one_on_one"
"""Is the occurrence still on: :class:`OccurrenceLookup` to :class:`OccurrenceState`."""
GATHER_AGENDA = "gather_agenda"
"""Gather the agenda: :class:`AgendaRequest` to ``domain.agenda.Agenda``."""
READ_AGENDA_COPY = "read_agenda_copy"
"""Whether the report asked for a copy: :class:`AgendaCopyLookup` to ``bool``."""
SEND_AGENDA = "send_agenda"
"""Send one reader's agenda once: :class:`AgendaDelivery` to :class:`MailSent`."""
SEND_ONE_ON_ONE_OFFER = "send_one_on_one_offer"
"""Offer a regular 1:1 once: :class:`OfferDelivery` to :class:`MailSent`."""
BOOK_ONE_ON_ONE = "book_one_on_one"
"""Create the weekly series in the manager's calendar once: :class:`SeriesBooking` to
:class:`SeriesBooked`."""
LIST_AGENDA_MANAGERS = "list_agenda_managers"
"""The managers of open commitments: :class:`ManagerListing` to :class:`Managers`."""


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanRequest(_Contract):
    """Plan a manager's 1:1s as of ``now`` (the workflow's clock)."""

    manager: str = Field(min_length=3)
    now: UtcDatetime
    lookahead: timedelta = Field(default=timedelta(days=8), gt=timedelta(0))
    """Agendas are started for occurrences this close; the offer looks further ahead."""


class PlanStarted(_Contract):
    """How many agenda and offer workflows the planning started (0 when they existed)."""

    agendas_started: int = 0
    offers_started: int = 0


class OccurrenceLookup(_Contract):
    """Read one occurrence of the manager's series again, just before sending."""

    manager: str
    event_id: str


class OccurrenceState(_Contract):
    """Whether the occurrence still takes place, and when it starts now."""

    on: bool
    start: UtcDatetime | None = None


class AgendaRequest(_Contract):
    """Gather the agenda of one 1:1."""

    manager: Person
    report: Person
    meeting_start: UtcDatetime
    since: UtcDatetime | None = None
    now: UtcDatetime


class AgendaCopyLookup(_Contract):
    """Ask the report's record whether they want a copy of the agenda."""

    report: str


class AgendaDelivery(_Contract):
    """Send the agenda to one reader, exactly once per ``idempotency_key``."""

    idempotency_key: str = Field(min_length=8, max_length=300)
    agenda: Agenda
    reader: Person
    reader_time_zone: ZoneName


class OfferDelivery(_Contract):
    """Offer the manager a regular 1:1 at a slot free for both, exactly once per key."""

    idempotency_key: str = Field(min_length=8, max_length=300)
    manager: Person
    report: Person
    slot: TimeSlot
    manager_time_zone: ZoneName
    offer_id: str = Field(
        default="", description="The offer's workflow id; set: the mail carries a booking link."
    )


class SeriesBooking(_Contract):
    """A weekly 1:1 from ``slot`` on, organised by the manager, in the manager's zone.

    ``transaction_id`` makes a retried create return the series the first attempt made.
    """

    transaction_id: str = Field(min_length=8, max_length=200)
    manager: Person
    report: Person
    slot: TimeSlot
    manager_time_zone: ZoneName


class SeriesBooked(_Contract):
    """The manager's series master."""

    event_id: str


class MailSent(_Contract):
    """What became of a delivery."""

    idempotency_key: str
    recipient: str
    already_sent: bool


class ManagerListing(_Contract):
    """List the managers of open commitments (at most ``limit`` commitments are read)."""

    limit: int = Field(default=1000, ge=1, le=10000)


class Managers(_Contract):
    """The managers found, lower case and sorted."""

    managers: list[str] = Field(default_factory=list)

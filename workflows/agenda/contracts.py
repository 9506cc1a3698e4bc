"""What the regular 1:1's workflows exchange: planning, one agenda, one offer of a 1:1.

A daily schedule (:data:`SWEEP_SCHEDULE_ID`) starts :data:`SWEEP_WORKFLOW`, which lists the
managers of open commitments and plans each one's 1:1s once a day: the planning activity
reads the manager's calendar and starts, through :mod:`workflows.agenda.client`, one
:data:`AGENDA_WORKFLOW` per occurrence (its id names the manager, the report and the
occurrence's date, so Temporal refuses a second one) and, for a report with no regular 1:1,
one :data:`OFFER_WORKFLOW` per quarter. The activities' inputs are in
``activities.agenda.contracts``.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.models import Person, TimeSlot, UtcDatetime

SWEEP_WORKFLOW = "AgendaSweepWorkflow"
PLAN_WORKFLOW = "OneOnOnePlanWorkflow"
AGENDA_WORKFLOW = "AgendaWorkflow"
OFFER_WORKFLOW = "OneOnOneOfferWorkflow"
SWEEP_SCHEDULE_ID = "agenda-sweep"
BOOK_UPDATE = "book"
"""The manager's one click on the offer: book the weekly series (:class:`BookOneOnOne`)."""
OFFER_QUERY = "offer"
"""What the offer proposed and what became of it (:class:`OfferState`)."""


def plan_id_for(manager: str, day: date) -> str:
    """Return the id of a manager's planning run for a day (one a day)."""
    return f"agenda-plan-{manager.lower()}-{day.isoformat()}"


def agenda_id_for(manager: str, report: str, day: date) -> str:
    """Return the id of the agenda for one occurrence (manager, report, its local date)."""
    return f"agenda-{manager.lower()}-{report.lower()}-{day.isoformat()}"


def agenda_key_for(manager: str, report: str, day: date, reader: str) -> str:
    """Return the idempotency key of one reader's agenda mail for one occurrence."""
    return f"agenda:{manager.lower()}:{report.lower()}:{day.isoformat()}:{reader.lower()}"


def offer_id_for(manager: str, report: str, quarter: str) -> str:
    """Return the id of the offer of a 1:1 for one quarter (e.g. ``2026-Q4``)."""
    return f"one-on-one-offer-{manager.lower()}-{report.lower()}-{quarter}"


def booking_transaction_for(manager: str, report: str, quarter: str) -> str:
    """Return the ``transactionId`` of the series an offer books (a retry finds it)."""
    return f"one-on-one:{manager.lower()}:{report.lower()}:{quarter}"


def offer_key_for(manager: str, report: str, quarter: str) -> str:
    """Return the idempotency key of the offer's mail."""
    return f"one-on-one-offer:{manager.lower()}:{report.lower()}:{quarter}"


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanRun(_Contract):
    """Plan one manager's 1:1s: agendas for the coming occurrences, offers where none."""

    manager: str = Field(min_length=3)


class AgendaRun(_Contract):
    """One occurrence's agenda: the manager's, and the report's copy if they asked for one."""

    manager: Person
    report: Person
    event_id: str = Field(min_length=1, description="The manager's occurrence (its Graph id).")
    series_id: str = Field(min_length=1)
    start: UtcDatetime
    day: date = Field(description="The occurrence's date in the manager's zone (in its id).")
    previous_start: UtcDatetime | None = Field(
        default=None, description="The previous 1:1 of the series, when known."
    )


class OfferRun(_Contract):
    """Offer a manager a regular 1:1 with a report who has none."""

    manager: Person
    report: Person
    quarter: str = Field(pattern=r"^\d{4}-Q[1-4]$")


class BookOneOnOne(_Contract):
    """The manager's press on the offer's booking link."""

    actor: str = Field(min_length=3)
    action_id: str = Field(min_length=1)


class Booking(_Contract):
    """What a press on the offer's link did.

    ``event_id`` is set once the series is in the calendars; until then ``not_before``
    says when the invitation will be created (inside both people's hours).
    """

    slot: TimeSlot | None = Field(default=None, description="The first meeting booked.")
    event_id: str | None = None
    moved: bool = Field(default=False, description="The offered time was taken; the next.")
    already_booked: bool = False
    not_before: UtcDatetime | None = None
    no_slot: bool = False


class AgendaResult(StrEnum):
    """What became of an occurrence's agenda, or of an offer."""

    SENT = "sent"
    CANCELLED = "cancelled"
    UNREACHABLE = "unreachable"
    NO_SLOT = "no_slot"


class Delivery(_Contract):
    """One mail of an agenda run: to whom, and when (on the workflow's clock)."""

    reader: str
    at: UtcDatetime
    already_sent: bool = False


class OfferState(_Contract):
    """The offer as the booking link's page shows it."""

    manager: Person
    report: Person
    slot: TimeSlot | None = None
    manager_time_zone: str | None = None
    booking: Booking | None = None
    open: bool = Field(default=False, description="A press would be taken now.")
    delivery: Delivery | None = Field(default=None, description="The offer's mail, once sent.")


class AgendaOutcome(_Contract):
    """The result of an agenda or offer run."""

    result: AgendaResult
    deliveries: list[Delivery] = Field(default_factory=list)
    booking: Booking | None = Field(default=None, description="An offer booked in one click.")


class PlanOutcome(_Contract):
    """What a planning run started."""

    agendas_started: int = 0
    offers_started: int = 0

"""The agenda for a regular 1:1, when it goes out, and the offer of a 1:1 where none exists. Pure.

The agenda goes to the manager (and to the report, if they asked for a copy) on the
reader's last working day before the meeting, from the start of their working hours, and
never while they are away; if they cannot be reached before the meeting starts, it is not
sent at all. It lists the report's open commitments with the latest answers and notes,
what is at risk, the support the manager promised and where it stands, and the dates moved
since the last 1:1, and it closes with questions about the work and what would help, never
about the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import Field

from domain.digest import Standing, last_answer, standing
from domain.messages.rendered import RenderedMessage
from domain.messages.rendering import render_template
from domain.models import (
    CheckInAnswer,
    CommitmentStatus,
    DomainModel,
    Person,
    TimeSlot,
    UtcDatetime,
)
from domain.reliability import CommitmentFacts
from domain.timezones import resolve_zone
from domain.working_time import WEEKDAYS, PersonSchedule, next_reachable

MAX_QUESTIONS = 5
OFFER_LOOKAHEAD = timedelta(weeks=6)
"""How far ahead a manager's calendar is read for a regular 1:1 (a monthly one shows too)."""
_CONCERNS = frozenset({Standing.AT_RISK, Standing.MISSED})


class AgendaItem(DomainModel):
    """One open commitment of the report, as the agenda shows it."""

    commitment_id: str
    title: str
    due: UtcDatetime
    standing: Standing
    latest_answer: CheckInAnswer | None = None
    latest_note: str | None = None
    answered_at: UtcDatetime | None = None


class DateMove(DomainModel):
    """An agreed change of date since the last 1:1."""

    title: str
    old_due: UtcDatetime
    new_due: UtcDatetime
    reason: str = ""


class SupportState(StrEnum):
    """Where a promise of support stands."""

    OPEN = "open"
    KEPT = "kept"
    PAST_ITS_DATE = "past_its_date"
    NO_LONGER_NEEDED = "no_longer_needed"


class AgendaSupport(DomainModel):
    """Support the manager promised on one of the report's commitments."""

    title: str
    what: str
    due: UtcDatetime
    state: SupportState


class Agenda(DomainModel):
    """Everything one 1:1's agenda says."""

    manager: Person
    report: Person
    meeting_start: UtcDatetime
    since: UtcDatetime | None = None
    open_items: list[AgendaItem] = Field(default_factory=list)
    at_risk: list[AgendaItem] = Field(default_factory=list)
    support: list[AgendaSupport] = Field(default_factory=list)
    moved: list[DateMove] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)


def support_state(
    due: datetime, linked_status: CommitmentStatus | None, now: datetime
) -> SupportState:
    """Say where a promise of support stands.

    Args:
        due: when it was promised by.
        linked_status: the status of the manager's commitment that carries it (``None``
            when it could not be read).
        now: the current instant.

    Returns:
        Kept (done), no longer needed (released), past its date, or open.
    """
    if linked_status is CommitmentStatus.DONE:
        return SupportState.KEPT
    if linked_status is CommitmentStatus.RELEASED:
        return SupportState.NO_LONGER_NEEDED
    return SupportState.PAST_ITS_DATE if due <= now else SupportState.OPEN


def _item(facts: CommitmentFacts, now: datetime) -> AgendaItem:
    latest = max(facts.check_ins, key=lambda check_in: check_in.at, default=None)
    return AgendaItem(
        commitment_id=facts.commitment_id,
        title=facts.title,
        due=facts.due,
        standing=standing(facts, now),
        latest_answer=last_answer(facts),
        latest_note=latest.note if latest is not None else None,
        answered_at=latest.at if latest is not None else None,
    )


def _quoted(title: str) -> str:
    return f"“{title}”"


def agenda_questions(at_risk: list[AgendaItem], support: list[AgendaSupport]) -> list[str]:
    """Questions about the work and what would help, never about the person.

    Args:
        at_risk: the items at risk or past their date.
        support: the support promised.

    Returns:
        At most :data:`MAX_QUESTIONS` questions, the most specific first.
    """
    questions = []
    for item in at_risk[:2]:
        questions.append(f"What got in the way on {_quoted(item.title)}?")
        questions.append(f"What would help with {_quoted(item.title)}?")
    if any(s.state is SupportState.PAST_ITS_DATE for s in support):
        questions.append("What I promised has not happened yet: what would help most now?")
    questions.extend(
        [
            "What got in the way since we last spoke?",
            "What would help?",
            "What went well that we can build on?",
        ]
    )
    unique = list(dict.fromkeys(questions))
    return unique[:MAX_QUESTIONS]


def build_agenda(
    manager: Person,
    report: Person,
    facts: Iterable[CommitmentFacts],
    *,
    support: Iterable[AgendaSupport] = (),
    meeting_start: datetime,
    since: datetime | None,
    now: datetime,
) -> Agenda:
    """Build the agenda of one 1:1 between a manager and a report.

    Args:
        manager: the manager.
        report: the report.
        facts: the report's commitments whose manager is this manager.
        support: the support the manager promised on them, with its state.
        meeting_start: when the 1:1 starts.
        since: when the previous 1:1 was (dates moved after it are listed); ``None``: the
            last four weeks.
        now: the current instant.

    Returns:
        The agenda.
    """
    since_at = since if since is not None else now - timedelta(weeks=4)
    mine = [
        f
        for f in facts
        if f.owner.email == report.email
        and f.manager.email == manager.email
        and not f.status.is_closed
    ]
    items = sorted((_item(f, now) for f in mine), key=lambda item: (item.due, item.title))
    at_risk = [item for item in items if item.standing in _CONCERNS]
    moved = sorted(
        (
            DateMove(
                title=f.title,
                old_due=revision.old_due,
                new_due=revision.new_due,
                reason=revision.reason,
            )
            for f in mine
            for revision in f.revisions
            if revision.changes_due and revision.at >= since_at
        ),
        key=lambda move: (move.new_due, move.title),
    )
    promised = sorted(support, key=lambda s: (s.due, s.what))
    return Agenda(
        manager=manager,
        report=report,
        meeting_start=meeting_start,
        since=since,
        open_items=items,
        at_risk=at_risk,
        support=promised,
        moved=moved,
        questions=agenda_questions(at_risk, promised),
    )


def agenda_send_at(meeting_start: datetime, schedule: PersonSchedule) -> datetime:
    """Return when the reader's working day before the meeting begins.

    The day is the reader's last working day (by their working hours) before the meeting's
    date in their working-hours zone; the moment is the start of their hours that day, so
    a weekly 1:1 gets its agenda at the same local time across daylight-saving changes.

    Args:
        meeting_start: when the 1:1 starts.
        schedule: the reader's schedule.

    Returns:
        The instant, in UTC.
    """
    hours = schedule.working_hours
    zone = hours.zone
    meeting_day = meeting_start.astimezone(zone).date()
    for back in range(1, 8):
        day = meeting_day - timedelta(days=back)
        if WEEKDAYS[day.weekday()] in hours.days_of_week:
            return datetime.combine(day, hours.start_time, tzinfo=zone).astimezone(UTC)
    raise AssertionError("unreachable: a week holds a working day")  # pragma: no cover


def agenda_delivery_at(
    meeting_start: datetime, schedule: PersonSchedule, now: datetime
) -> datetime | None:
    """Return when to send the reader their agenda: in working hours, not away, before the 1:1.

    Args:
        meeting_start: when the 1:1 starts.
        schedule: the reader's schedule (working hours and automatic replies).
        now: the current instant.

    Returns:
        The first reachable moment from the working day before on (``now`` if that has
        begun), or ``None`` when the reader cannot be reached before the meeting starts.
    """
    earliest = max(agenda_send_at(meeting_start, schedule), now)
    if earliest >= meeting_start:
        return None
    reachable = next_reachable(earliest, schedule)
    if reachable is None or reachable >= meeting_start:
        return None
    return reachable


def quarter_label(at: datetime, schedule: PersonSchedule) -> str:
    """Name the calendar quarter of an instant in the person's zone (e.g. ``2026-Q4``)."""
    local = at.astimezone(schedule.zone)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


AGENDA_TEMPLATE = "one_on_one_agenda"
"""The agenda's template; not a ``MessageKind`` (it is about a meeting, not one commitment)."""
OFFER_TEMPLATE = "one_on_one_offer"
"""The offer's template."""


def render_agenda(agenda: Agenda, reader: Person, reader_time_zone: str) -> RenderedMessage:
    """Render the agenda for one reader (the manager, or the report's copy).

    Args:
        agenda: the agenda.
        reader: who reads it.
        reader_time_zone: their zone (times are shown in it).

    Returns:
        The message, ready for the email adapter.
    """
    is_report = reader.email == agenda.report.email
    return render_template(
        AGENDA_TEMPLATE,
        {
            "agenda": agenda,
            "recipient": reader,
            "recipient_role": "owner" if is_report else "manager",
            "manager": agenda.manager,
            "report": agenda.report,
            "owner": agenda.report,
            "other": agenda.manager if is_report else agenda.report,
            "zone": resolve_zone(reader_time_zone),
        },
    )


def render_offer(
    manager: Person,
    report: Person,
    slot: TimeSlot,
    manager_time_zone: str,
    book_url: str | None = None,
) -> RenderedMessage:
    """Render the offer of a regular 1:1 to the manager.

    Args:
        manager: the manager.
        report: the report without a regular 1:1.
        slot: the proposed first meeting, free for both inside both people's hours.
        manager_time_zone: the manager's zone.
        book_url: the signed link that books the weekly series; ``None``: none offered.

    Returns:
        The message, ready for the email adapter.
    """
    return render_template(
        OFFER_TEMPLATE,
        {
            "recipient": manager,
            "recipient_role": "manager",
            "manager": manager,
            "report": report,
            "owner": report,
            "slot": slot,
            "zone": resolve_zone(manager_time_zone),
            "book_url": book_url,
        },
    )

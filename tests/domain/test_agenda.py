"""The 1:1 agenda: when it goes out, what it says, and its words (and the offer's)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.agenda import (
    Agenda,
    AgendaSupport,
    SupportState,
    agenda_delivery_at,
    agenda_send_at,
    build_agenda,
    quarter_label,
    render_agenda,
    render_offer,
    support_state,
)
from domain.digest import Standing
from domain.messages.email import email_body
from domain.models import (
    Actor,
    CheckIn,
    CheckInAnswer,
    CommitmentStatus,
    Person,
    Revision,
    TimeSlot,
)
from domain.reliability import CommitmentFacts
from domain.working_time import (
    WEEKDAYS,
    AutomaticReplies,
    PersonSchedule,
    WorkingHours,
    is_reachable,
)
from tests.support.message_samples import BLAME_PATTERNS

MAYA = Person(email="maya@example.com", display_name="Maya Chen")
SAM = Person(email="sam@example.com", display_name="Sam Okafor")
LONDON = "Europe/London"
NOW = datetime(2030, 3, 20, 12, tzinfo=UTC)


def hours(
    zone: str = LONDON, start: time = time(9), end: time = time(17), **replies: object
) -> PersonSchedule:
    return PersonSchedule(
        time_zone=zone,
        working_hours=WorkingHours(
            days_of_week=WEEKDAYS[:5], start_time=start, end_time=end, time_zone=zone
        ),
        automatic_replies=AutomaticReplies.model_validate(replies)
        if replies
        else AutomaticReplies(),
    )


def test_a_weekly_monday_1_1_gets_its_agenda_on_friday_at_nine_local_across_dst() -> None:
    # 10:00 London on Mondays around the change to summer time on 31 March 2030.
    meetings = [
        datetime(2030, 3, 25, 10, tzinfo=UTC),
        datetime(2030, 4, 1, 9, tzinfo=UTC),
        datetime(2030, 4, 8, 9, tzinfo=UTC),
    ]
    sends = [agenda_send_at(meeting, hours()) for meeting in meetings]
    assert sends == [
        datetime(2030, 3, 22, 9, tzinfo=UTC),  # Friday 09:00 GMT
        datetime(2030, 3, 29, 9, tzinfo=UTC),  # Friday 09:00 GMT, before the change
        datetime(2030, 4, 5, 8, tzinfo=UTC),  # Friday 09:00 BST
    ]


def test_an_agenda_waits_for_the_return_from_leave_and_is_dropped_after_the_meeting() -> None:
    meeting = datetime(2030, 4, 2, 9, tzinfo=UTC)  # Tuesday 10:00 BST
    away_monday = hours(
        status="scheduled",
        scheduled_start=datetime(2030, 3, 31, 23, tzinfo=UTC),
        scheduled_end=datetime(2030, 4, 1, 15, tzinfo=UTC),
    )
    early = datetime(2030, 3, 30, tzinfo=UTC)
    assert agenda_delivery_at(meeting, away_monday, early) == datetime(2030, 4, 1, 15, tzinfo=UTC)
    away_longer = hours(
        status="scheduled",
        scheduled_start=datetime(2030, 3, 31, 23, tzinfo=UTC),
        scheduled_end=datetime(2030, 4, 3, 15, tzinfo=UTC),
    )
    assert agenda_delivery_at(meeting, away_longer, early) is None
    assert agenda_delivery_at(meeting, hours(status="alwaysEnabled"), early) is None
    assert agenda_delivery_at(meeting, hours(), meeting + timedelta(minutes=1)) is None


ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]


@settings(deadline=None)  # shared CI cores: time per example varies
@given(
    st.datetimes(min_value=datetime(2029, 1, 1), max_value=datetime(2031, 12, 31)),
    st.sampled_from(ZONES),
    st.integers(6, 11),
    st.integers(0, 200),
)
def test_an_agenda_is_sent_inside_hours_before_the_meeting_never_before_the_day_before(
    meeting_naive: datetime, zone: str, start_hour: int, hours_before: int
) -> None:
    meeting = meeting_naive.replace(tzinfo=UTC)
    schedule = hours(zone, time(start_hour), time(start_hour + 8))
    now = meeting - timedelta(hours=hours_before)
    at = agenda_delivery_at(meeting, schedule, now)
    day_before = agenda_send_at(meeting, schedule)
    assert day_before.astimezone(schedule.zone).date() < meeting.astimezone(schedule.zone).date()
    if at is None:
        return
    assert is_reachable(at, schedule)
    assert max(now, day_before) <= at < meeting


def facts(
    title: str,
    *,
    status: CommitmentStatus = CommitmentStatus.ACTIVE,
    due: datetime = NOW + timedelta(days=5),
    check_ins: list[CheckIn] | None = None,
    revisions: list[Revision] | None = None,
    owner: Person = SAM,
) -> CommitmentFacts:
    return CommitmentFacts(
        commitment_id=title.lower().replace(" ", "-"),
        title=title,
        owner=owner,
        manager=MAYA,
        status=status,
        due=due,
        created_at=NOW - timedelta(days=30),
        check_ins=check_ins or [],
        revisions=revisions or [],
    )


def _revision(at: datetime, old: datetime, new: datetime) -> Revision:
    return Revision(
        old_due=old,
        new_due=new,
        old_scope="s",
        new_scope="s",
        reason="Waiting for the vendor's data",
        proposed_by=Actor.OWNER,
        accepted_by=Actor.MANAGER,
        at=at,
    )


def an_agenda() -> Agenda:
    blocked = CheckIn(
        at=NOW - timedelta(days=1),
        answer=CheckInAnswer.BLOCKED,
        note="No access to the finance data",
    )
    moved_recently = _revision(NOW - timedelta(days=3), NOW, NOW + timedelta(days=5))
    moved_long_ago = _revision(NOW - timedelta(days=40), NOW - timedelta(days=50), NOW)
    return build_agenda(
        MAYA,
        SAM,
        [
            facts("Vendor shortlist", check_ins=[blocked], revisions=[moved_recently]),
            facts("Quarterly report", revisions=[moved_long_ago]),
            facts("Onboarding notes", status=CommitmentStatus.DONE),
            facts("Someone else's", owner=Person(email="priya@example.com", display_name="Priya")),
        ],
        support=[
            AgendaSupport(
                title="Vendor shortlist",
                what="Access to the finance data",
                due=NOW - timedelta(days=1),
                state=SupportState.PAST_ITS_DATE,
            )
        ],
        meeting_start=NOW + timedelta(days=1),
        since=NOW - timedelta(days=7),
        now=NOW,
    )


def test_the_agenda_lists_open_work_risks_support_and_moves_since_the_last_1_1() -> None:
    agenda = an_agenda()
    assert [item.title for item in agenda.open_items] == ["Quarterly report", "Vendor shortlist"]
    (risk,) = agenda.at_risk
    assert (risk.title, risk.standing, risk.latest_note) == (
        "Vendor shortlist",
        Standing.AT_RISK,
        "No access to the finance data",
    )
    assert [move.title for move in agenda.moved] == ["Vendor shortlist"]
    assert agenda.questions[:2] == [
        "What got in the way on “Vendor shortlist”?",
        "What would help with “Vendor shortlist”?",
    ]
    assert "What would help?" in agenda.questions


def test_support_states() -> None:
    due = NOW + timedelta(days=1)
    assert support_state(due, CommitmentStatus.DONE, NOW) is SupportState.KEPT
    assert support_state(due, CommitmentStatus.RELEASED, NOW) is SupportState.NO_LONGER_NEEDED
    assert support_state(due, CommitmentStatus.ACTIVE, NOW) is SupportState.OPEN
    assert support_state(due, None, due) is SupportState.PAST_ITS_DATE


def test_quarters_are_counted_in_the_persons_zone() -> None:
    new_year_in_sydney = datetime(2030, 12, 31, 14, tzinfo=UTC)
    assert quarter_label(new_year_in_sydney, hours("Australia/Sydney")) == "2031-Q1"
    assert quarter_label(new_year_in_sydney, hours(LONDON)) == "2030-Q4"


def _rendered_texts() -> list[str]:
    agenda = an_agenda()
    empty = build_agenda(MAYA, SAM, [], meeting_start=NOW + timedelta(days=1), since=None, now=NOW)
    slot = TimeSlot(start=NOW + timedelta(days=2), end=NOW + timedelta(days=2, minutes=30))
    messages = [
        render_agenda(agenda, MAYA, LONDON),
        render_agenda(agenda, SAM, "America/New_York"),
        render_agenda(empty, MAYA, LONDON),
        render_offer(MAYA, SAM, slot, LONDON),
    ]
    texts = []
    for message in messages:
        body = email_body(message)
        texts += [message.subject, body.html, body.text]
    return texts


@pytest.mark.parametrize("pattern", BLAME_PATTERNS)
def test_the_agenda_and_the_offer_have_no_blame_words(pattern: str) -> None:
    for text in _rendered_texts():
        match = re.search(pattern, text, flags=re.IGNORECASE)
        assert match is None, match.group(0) if match else ""


def test_the_agenda_reads_to_each_person_in_their_zone() -> None:
    agenda = an_agenda()
    manager = email_body(render_agenda(agenda, MAYA, LONDON)).text
    report = email_body(render_agenda(agenda, SAM, "America/New_York")).text
    assert "Your 1:1 with Sam Okafor" in render_agenda(agenda, MAYA, LONDON).subject
    assert "Your 1:1 with Maya Chen" in render_agenda(agenda, SAM, LONDON).subject
    assert "No access to the finance data" in manager
    assert "Access to the finance data" in manager and "still open past its date" in manager
    assert "What would help?" in manager
    assert "asked for a copy" in report
    offer = email_body(
        render_offer(MAYA, SAM, TimeSlot(start=NOW, end=NOW + timedelta(minutes=30)), LONDON)
    )
    assert "Every week" in offer.text and "Sam Okafor" in offer.text

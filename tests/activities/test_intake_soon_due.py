"""Intake's guard rail for due dates too soon, and which body intake reads (``uniqueBody``)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from activities.intake.activities import sender_text
from activities.intake.soon_due import (
    BEFORE_NEXT_WORKING_MORNING,
    UNDER_TWO_WORKING_HOURS,
    next_working_morning,
    soon_due_reason,
)
from domain.working_time import PersonSchedule, WorkingHours

LONDON = PersonSchedule(
    time_zone="Europe/London",
    working_hours=WorkingHours(
        days_of_week=["monday", "tuesday", "wednesday", "thursday", "friday"],
        start_time=time(9),
        end_time=time(17),
        time_zone="Europe/London",
    ),
)
SEOUL = LONDON.model_copy(
    update={
        "time_zone": "Asia/Seoul",
        "working_hours": LONDON.working_hours.model_copy(update={"time_zone": "Asia/Seoul"}),
    }
)
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 10:00 in London, 19:00 in Seoul


def test_ten_minutes_after_sending_needs_the_manager() -> None:
    due = MONDAY_10 + timedelta(minutes=10)
    assert soon_due_reason(due, MONDAY_10, sender=LONDON, owner=LONDON) == UNDER_TWO_WORKING_HOURS


def test_two_working_hours_are_counted_in_working_time() -> None:
    friday_16 = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    # Monday 09:30 is only 1.5 working hours after Friday 16:00.
    monday_0930 = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
    assert soon_due_reason(monday_0930, friday_16, sender=LONDON, owner=LONDON) is not None
    monday_noon = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert soon_due_reason(monday_noon, friday_16, sender=LONDON, owner=LONDON) is None


def test_an_owner_whose_day_is_over_gets_until_their_next_morning() -> None:
    # Sent at 10:00 London; the owner in Seoul has finished for the day (19:00).
    evening = MONDAY_10 + timedelta(hours=4)
    assert (
        soon_due_reason(evening, MONDAY_10, sender=LONDON, owner=SEOUL)
        == BEFORE_NEXT_WORKING_MORNING
    )
    seoul_morning = next_working_morning(MONDAY_10, SEOUL)
    assert seoul_morning == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # Tuesday 09:00 in Seoul
    later = seoul_morning + timedelta(hours=3)
    assert soon_due_reason(later, MONDAY_10, sender=LONDON, owner=SEOUL) is None


@given(
    sent=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=-60, max_value=60 * 24 * 10),
)
def test_soon_means_before_two_working_hours_or_the_owners_next_morning(
    sent: datetime, minutes: int
) -> None:
    due = sent + timedelta(minutes=minutes)
    reason = soon_due_reason(due, sent, sender=LONDON, owner=SEOUL)
    if minutes < 120:
        assert reason is not None  # never less working time than wall time
    soon = (
        due < max(sent + timedelta(hours=2), next_working_morning(sent, SEOUL))
        or reason == UNDER_TWO_WORKING_HOURS
    )
    assert (reason is not None) == soon


def test_unique_body_is_read_unless_missing_or_a_forward() -> None:
    body = {"contentType": "html", "content": "<p>Thanks.</p><div>quoted ask</div>"}
    unique = {"contentType": "html", "content": "<p>Thanks.</p>"}

    assert sender_text({"subject": "RE: Q1", "body": body, "uniqueBody": unique}) == unique
    assert sender_text({"subject": "RE: Q1", "body": body}) == body
    blank = {"contentType": "html", "content": " "}
    assert sender_text({"subject": "RE: Q1", "body": body, "uniqueBody": blank}) == body
    for forward in ("FW: Q1", "Fwd: Q1", "WG: Q1", "TR: Q1", "RV: Q1"):
        assert sender_text({"subject": forward, "body": body, "uniqueBody": unique}) == body

"""Guard rail (issue 18): a due date less than two working hours after sending, or before
the owner's next working morning, is flagged so that the grace window alone never confirms
it; the manager must."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.intake.guard_rails import (
    BEFORE_NEXT_WORKING_MORNING,
    UNDER_TWO_WORKING_HOURS,
    short_notice,
)
from domain.timezones import resolve_zone
from tests.support.intake_mail import CONTEXT, SAM, read

LONDON = "Europe/London"


@pytest.mark.parametrize(
    ("body", "sent", "reason"),
    [
        # Wednesday 10:00: due an hour later, the same morning.
        (
            "Could you send the deck within 1 hour?",
            datetime(2026, 12, 2, 10, tzinfo=UTC),
            UNDER_TWO_WORKING_HOURS,
        ),
        (
            "Could you send the deck by 11am?",
            datetime(2026, 12, 2, 10, tzinfo=UTC),
            UNDER_TWO_WORKING_HOURS,
        ),
        ("Could you send the deck by noon?", datetime(2026, 12, 2, 10, tzinfo=UTC), ""),
        # Friday 18:00: due first thing Monday, before anyone is at work.
        (
            "Could you send the deck by Monday 9am?",
            datetime(2026, 12, 4, 18, tzinfo=UTC),
            BEFORE_NEXT_WORKING_MORNING,
        ),
        (
            "Could you send the deck by Monday 10am?",
            datetime(2026, 12, 4, 18, tzinfo=UTC),
            UNDER_TWO_WORKING_HOURS,
        ),
        (
            "Could you send the deck by tonight?",
            datetime(2026, 12, 2, 18, tzinfo=UTC),
            BEFORE_NEXT_WORKING_MORNING,
        ),
        ("Could you send the deck by Friday?", datetime(2026, 12, 2, 10, tzinfo=UTC), ""),
    ],
)
def test_a_close_due_date_needs_the_managers_confirmation(
    body: str, sent: datetime, reason: str
) -> None:
    reading = read(body, sent_at=sent)
    assert reading.due is not None
    assert reading.needs_manager_confirmation is bool(reason)
    assert reading.confirmation_reason == reason
    if reason:
        assert any("wait for you to confirm" in note for note in reading.notes)


def test_the_owners_zone_decides_their_morning() -> None:
    # Sent at 16:00 in London on a Wednesday, due 18:00 London: 10:00 in Chicago (working).
    sent = datetime(2026, 12, 2, 16, tzinfo=UTC)
    body = "Could you send the deck by 6pm?"
    assert read(body, sent_at=sent).confirmation_reason == UNDER_TWO_WORKING_HOURS
    context = CONTEXT.model_copy(update={"owner_time_zones": {SAM.address: "America/Chicago"}})
    assert read(body, context, sent_at=sent).needs_manager_confirmation is False


@given(
    sent_hours=st.integers(min_value=0, max_value=24 * 60),
    ahead_minutes=st.integers(min_value=1, max_value=60 * 24 * 5),
    zone=st.sampled_from([LONDON, "America/New_York", "Asia/Kolkata", "Australia/Sydney"]),
)
def test_flagged_exactly_when_working_time_is_short(
    sent_hours: int, ahead_minutes: int, zone: str
) -> None:
    sent = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=sent_hours)
    due = sent + timedelta(minutes=ahead_minutes)
    reason = short_notice(sent, due, zone, time(9), time(17))
    # Count working minutes one by one (slow, obviously right) to compare.
    tz = resolve_zone(zone)
    working = 0
    moment = sent
    while moment < due and working < 120:
        local = moment.astimezone(tz)
        if local.weekday() < 5 and time(9) <= local.time() < time(17):
            working += 1
        moment += timedelta(minutes=1)
    if abs(working - 120) > 1:
        # (Within a minute of the boundary the minute grid and exact arithmetic may differ.)
        assert bool(reason) == (working < 120), (sent, due, zone, working, reason)

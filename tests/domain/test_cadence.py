from datetime import UTC, datetime, time, timedelta

import pytest

from domain.cadence import (
    REMINDER_LIMIT,
    check_in_times,
    default_cadence,
    reachable_check_in_times,
    reminder_times,
)
from domain.working_time import WEEKDAYS, AutomaticReplies, PersonSchedule, WorkingHours

CREATED = datetime(2026, 11, 23, 10, tzinfo=UTC)  # a Monday


def london(status: str = "disabled") -> PersonSchedule:
    hours = WorkingHours(
        days_of_week=WEEKDAYS[:5], start_time=time(9), end_time=time(17), time_zone="Europe/London"
    )
    return PersonSchedule(
        time_zone="Europe/London",
        working_hours=hours,
        automatic_replies=AutomaticReplies.model_validate({"status": status}),
    )


@pytest.mark.parametrize(
    ("span", "cadence"),
    [
        (timedelta(hours=5), timedelta(days=1)),
        (timedelta(days=3), timedelta(days=1)),
        (timedelta(days=3, minutes=1), timedelta(days=2)),
        (timedelta(days=7), timedelta(days=2)),
        (timedelta(days=10), timedelta(days=3)),
        (timedelta(days=21), timedelta(days=3)),
        (timedelta(days=22), timedelta(weeks=1)),
        (timedelta(days=180), timedelta(weeks=1)),
    ],
)
def test_default_cadence_by_span(span: timedelta, cadence: timedelta) -> None:
    assert default_cadence(CREATED, CREATED + span) == cadence


def test_default_cadence_needs_a_due_date_after_creation() -> None:
    with pytest.raises(ValueError, match="after created_at"):
        default_cadence(CREATED, CREATED)


def test_check_in_times_stop_strictly_before_due() -> None:
    due = CREATED + timedelta(days=4)
    times = check_in_times(CREATED, due, timedelta(days=1))
    assert times == [CREATED + timedelta(days=n) for n in (1, 2, 3)]


def test_check_in_times_use_the_default_cadence() -> None:
    due = CREATED + timedelta(weeks=4)
    times = check_in_times(CREATED, due)
    assert times == [CREATED + timedelta(weeks=n) for n in (1, 2, 3)]


def test_short_commitments_may_have_no_check_in() -> None:
    assert check_in_times(CREATED, CREATED + timedelta(hours=6), timedelta(days=1)) == []


def test_check_in_times_refuse_a_non_positive_cadence() -> None:
    with pytest.raises(ValueError, match="positive"):
        check_in_times(CREATED, CREATED + timedelta(days=3), timedelta(0))


def test_reachable_check_ins_move_off_the_weekend_and_stay_before_due() -> None:
    friday_evening = datetime(2026, 11, 20, 18, tzinfo=UTC)
    due = datetime(2026, 11, 24, 12, tzinfo=UTC)
    times = reachable_check_in_times(friday_evening, due, london(), timedelta(days=1))
    # Saturday, Sunday and Monday evening all land on a morning; the weekend pair merges.
    assert times == [datetime(2026, 11, 23, 9, tzinfo=UTC), datetime(2026, 11, 24, 9, tzinfo=UTC)]


def test_no_check_ins_while_away_indefinitely() -> None:
    due = CREATED + timedelta(days=10)
    assert reachable_check_in_times(CREATED, due, london("alwaysEnabled")) == []


def test_reminders_after_one_and_three_working_days() -> None:
    tuesday_2pm = datetime(2026, 11, 24, 14, tzinfo=UTC)
    assert reminder_times(tuesday_2pm, london()) == [
        datetime(2026, 11, 25, 14, tzinfo=UTC),
        datetime(2026, 11, 27, 14, tzinfo=UTC),
    ]
    assert REMINDER_LIMIT == 2


def test_reminders_that_end_a_day_move_to_the_next_morning() -> None:
    friday_9am = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert reminder_times(friday_9am, london()) == [
        datetime(2026, 11, 23, 9, tzinfo=UTC),
        datetime(2026, 11, 25, 9, tzinfo=UTC),
    ]


def test_no_reminders_while_away_indefinitely() -> None:
    assert reminder_times(CREATED, london("alwaysEnabled")) == []

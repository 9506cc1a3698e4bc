"""Properties of the working-time functions over random zones, hours and absences."""

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.working_time import (
    WEEKDAYS,
    AutomaticReplies,
    PersonSchedule,
    WorkingHours,
    add_working_time,
    is_reachable,
    next_reachable,
)

ZONES = (
    "Europe/London",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific Standard Time",
    "UTC",
)
instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
quarter_hours = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@st.composite
def schedules(draw: st.DrawFn) -> PersonSchedule:
    zone = draw(st.sampled_from(ZONES))
    days = draw(st.sets(st.sampled_from(WEEKDAYS), min_size=1))
    hours = WorkingHours(
        days_of_week=days,
        start_time=draw(quarter_hours),
        end_time=draw(quarter_hours),
        time_zone=zone,
    )
    status = draw(st.sampled_from(["disabled", "scheduled", "alwaysEnabled"]))
    if status == "scheduled":
        start = draw(instants)
        length = draw(st.timedeltas(timedelta(minutes=1), timedelta(days=30)))
        replies = AutomaticReplies(
            status=status, scheduled_start=start, scheduled_end=start + length
        )
    else:
        replies = AutomaticReplies(status=status)
    return PersonSchedule(time_zone=zone, working_hours=hours, automatic_replies=replies)


@settings(max_examples=300, deadline=None)
@given(at=instants, schedule=schedules())
def test_next_reachable_is_reachable_and_not_earlier(
    at: datetime, schedule: PersonSchedule
) -> None:
    found = next_reachable(at, schedule)
    if schedule.automatic_replies.status == "alwaysEnabled":
        assert found is None
        return
    assert found is not None
    assert found >= at
    assert is_reachable(found, schedule)
    if is_reachable(at, schedule):
        assert found == at


@settings(max_examples=200, deadline=None)
@given(
    at=instants,
    schedule=schedules(),
    first=st.timedeltas(timedelta(0), timedelta(days=3)),
    second=st.timedeltas(timedelta(0), timedelta(days=3)),
)
def test_add_working_time_is_monotonic_and_composes(
    at: datetime, schedule: PersonSchedule, first: timedelta, second: timedelta
) -> None:
    after_first = add_working_time(at, first, schedule)
    assert after_first >= at
    assert after_first - at >= first
    in_one_go = add_working_time(at, first + second, schedule)
    assert in_one_go >= after_first
    assert add_working_time(after_first, second, schedule) == in_one_go

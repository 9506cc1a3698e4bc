from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.models import TimeSlot
from domain.slots import (
    DEFAULT_MEETING_LENGTH,
    Participant,
    ScheduleAvailability,
    find_common_slot,
)
from domain.working_time import (
    WEEKDAYS,
    AutomaticReplies,
    AutoReplyStatus,
    PersonSchedule,
    WorkingHours,
    is_reachable,
)

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)
SLOTS_PER_DAY = 48


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def person(
    zone: str = "Europe/London",
    busy: tuple[tuple[datetime, datetime, str], ...] = (),
    days: int = 7,
    start: time = time(9),
    end: time = time(17),
    away: tuple[datetime, datetime] | None = None,
    status: AutoReplyStatus = "disabled",
) -> Participant:
    """A participant whose availability view starts Monday 00:00 UTC in 30-minute steps."""
    view = ["0"] * (SLOTS_PER_DAY * days)
    for busy_from, busy_to, code in busy:
        for index in range((busy_from - MONDAY) // HALF_HOUR, (busy_to - MONDAY) // HALF_HOUR):
            view[index] = code
    if away:
        status = "scheduled"
    replies = AutomaticReplies(
        status=status,
        scheduled_start=away[0] if away else None,
        scheduled_end=away[1] if away else None,
    )
    hours = WorkingHours(days_of_week=WEEKDAYS[:5], start_time=start, end_time=end, time_zone=zone)
    return Participant(
        availability=ScheduleAvailability(
            availability_view="".join(view), start=MONDAY, interval=HALF_HOUR
        ),
        schedule=PersonSchedule(time_zone=zone, working_hours=hours, automatic_replies=replies),
    )


def slot(start: datetime, minutes: int = 30) -> TimeSlot:
    return TimeSlot(start=start, end=start + timedelta(minutes=minutes))


def test_first_free_slot_in_working_hours() -> None:
    found = find_common_slot([person(), person()], at(0, 7))
    assert found == slot(at(0, 9))


def test_busy_tentative_and_elsewhere_all_block() -> None:
    owner = person(busy=((at(0, 9), at(0, 10, 30), "2"),))
    manager = person(busy=((at(0, 10, 30), at(0, 11), "1"), (at(0, 11), at(0, 11, 30), "4")))
    assert find_common_slot([owner, manager], at(0, 0)) == slot(at(0, 11, 30))


def test_out_of_office_in_the_view_blocks() -> None:
    owner = person(busy=((at(0, 0), at(1, 0), "3"),))
    assert find_common_slot([owner, person()], at(0, 0)) == slot(at(1, 9))


def test_longer_meetings_need_a_long_enough_gap() -> None:
    owner = person(busy=((at(0, 9, 30), at(0, 10), "2"), (at(0, 10, 30), at(0, 12), "2")))
    found = find_common_slot([owner, person()], at(0, 0), length=timedelta(hours=1))
    assert found == slot(at(0, 12), minutes=60)


def test_starts_round_up_to_the_quarter_hour() -> None:
    assert find_common_slot([person(), person()], at(0, 9, 5)) == slot(at(0, 9, 15))


def test_different_zones_meet_in_their_overlap() -> None:
    london = person()
    new_york = person("Eastern Standard Time")  # 09:00 EST is 14:00 UTC
    assert find_common_slot([london, new_york], at(0, 0)) == slot(at(0, 14))
    kolkata = person("Asia/Kolkata", start=time(9, 30), end=time(18))  # 04:00-12:30 UTC
    assert find_common_slot([kolkata, london], at(0, 0)) == slot(at(0, 9))
    assert find_common_slot([kolkata, london], at(0, 12, 1)) == slot(at(1, 9))


def test_no_overlap_between_working_hours_means_no_slot() -> None:
    london = person()
    los_angeles = person("Pacific Standard Time")  # 17:00-01:00 UTC, London ends at 17:00
    assert find_common_slot([london, los_angeles], at(0, 0)) is None


def test_declined_slots_are_not_proposed_again() -> None:
    participants = [person(), person()]
    assert find_common_slot(participants, at(0, 0), exclude=[slot(at(0, 9))]) == slot(at(0, 9, 30))
    overlapping = slot(at(0, 9, 15))
    assert find_common_slot(participants, at(0, 0), exclude=[overlapping]) == slot(at(0, 9, 45))


def test_search_is_limited_to_the_next_working_days() -> None:
    owner = person(busy=((at(0, 0), at(1, 0), "2"),))
    assert find_common_slot([owner, person()], at(0, 8), working_days=1) is None
    assert find_common_slot([owner, person()], at(0, 8), working_days=2) == slot(at(1, 9))


def test_time_past_the_view_counts_as_busy() -> None:
    # The view covers Monday only, and Monday is busy: Tuesday is unknown, so not offered.
    short = person(days=1, busy=((at(0, 0), at(0, 17), "2"),))
    assert find_common_slot([short, person()], at(0, 0)) is None


def test_scheduled_absence_is_respected_beyond_the_calendar() -> None:
    owner = person(away=(at(0, 0), at(1, 12)))
    assert find_common_slot([owner, person()], at(0, 0)) == slot(at(1, 12))


def test_open_ended_absence_means_no_slot() -> None:
    assert find_common_slot([person(status="alwaysEnabled"), person()], at(0, 0)) is None


def test_fully_busy_means_no_slot() -> None:
    owner = person(busy=((at(0, 0), at(7, 0), "2"),))
    assert find_common_slot([owner, person()], at(0, 0)) is None


def test_needs_participants_and_a_positive_length() -> None:
    with pytest.raises(ValueError, match="at least one participant"):
        find_common_slot([], at(0, 0))
    with pytest.raises(ValueError, match="positive"):
        find_common_slot([person()], at(0, 0), length=timedelta(0))


def test_availability_from_graph() -> None:
    item = {"scheduleId": "alex@example.com", "availabilityView": "0022", "scheduleItems": []}
    availability = ScheduleAvailability.from_graph(item, MONDAY, 30)
    assert availability.end == at(0, 2)
    assert availability.free_ranges() == [(at(0, 0), at(0, 1))]


def test_availability_from_graph_reports_errors() -> None:
    item = {"scheduleId": "x@example.com", "error": {"message": "not found", "responseCode": "x"}}
    with pytest.raises(ValueError, match="could not read this schedule"):
        ScheduleAvailability.from_graph(item, MONDAY, 30)
    with pytest.raises(ValueError, match="no availabilityView"):
        ScheduleAvailability.from_graph({"scheduleId": "x@example.com"}, MONDAY, 30)


def test_availability_view_holds_only_known_codes() -> None:
    with pytest.raises(ValidationError):
        ScheduleAvailability(availability_view="01x", start=MONDAY, interval=HALF_HOUR)


@settings(max_examples=100, deadline=None)
@given(
    owner_view=st.text(alphabet="00001234", min_size=SLOTS_PER_DAY * 7, max_size=SLOTS_PER_DAY * 7),
    manager_view=st.text(
        alphabet="0000012", min_size=SLOTS_PER_DAY * 7, max_size=SLOTS_PER_DAY * 7
    ),
    manager_zone=st.sampled_from(["Europe/London", "Eastern Standard Time", "Asia/Kolkata"]),
    start_offset=st.integers(0, 4 * 24 * 60),
)
def test_found_slots_are_free_and_in_hours_for_both(
    owner_view: str, manager_view: str, manager_zone: str, start_offset: int
) -> None:
    owner = person().model_copy(
        update={
            "availability": person().availability.model_copy(
                update={"availability_view": owner_view}
            )
        }
    )
    manager_base = person(manager_zone)
    manager = manager_base.model_copy(
        update={
            "availability": manager_base.availability.model_copy(
                update={"availability_view": manager_view}
            )
        }
    )
    not_before = MONDAY + timedelta(minutes=start_offset)
    found = find_common_slot([owner, manager], not_before)
    if found is None:
        return
    assert found.start >= not_before
    assert found.length == DEFAULT_MEETING_LENGTH
    for participant in (owner, manager):
        last_instant = found.end - timedelta(microseconds=1)
        assert is_reachable(found.start, participant.schedule)
        assert is_reachable(last_instant, participant.schedule)
        free = participant.availability.free_ranges()
        assert any(start <= found.start and found.end <= end for start, end in free)

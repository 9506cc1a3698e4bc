"""Humane timing rules, with people in London, New York, Kolkata, Berlin and Sydney."""

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.contact_timing import (
    absence_ended_at,
    cancellation_at,
    check_in_not_before,
    coaching_note_in_time,
    common_reachable_at,
    common_reachable_periods,
    have_common_hours,
    meeting_contact_at,
    miss_meeting_not_before,
    miss_not_before,
    next_check_in_at,
    preparation_not_before,
    sending_window_end,
)
from domain.models import TimeSlot
from domain.slots import MAX_EDGE_STRETCH, Participant, ScheduleAvailability, find_edge_slot
from domain.working_time import (
    WEEKDAYS,
    AutomaticReplies,
    PersonSchedule,
    WorkingHours,
    add_working_time,
    is_reachable,
    is_within_working_hours,
    reachable_periods,
)


def schedule(
    zone: str, start: time = time(9), end: time = time(17), days: int = 5, **replies: object
) -> PersonSchedule:
    return PersonSchedule(
        time_zone=zone,
        working_hours=WorkingHours(
            days_of_week=WEEKDAYS[:days], start_time=start, end_time=end, time_zone=zone
        ),
        automatic_replies=AutomaticReplies.model_validate(replies),
    )


LONDON = schedule("Europe/London")
NEW_YORK = schedule("America/New_York")
KOLKATA = schedule("Asia/Kolkata", time(10), time(18, 30))
BERLIN = schedule("Europe/Berlin", time(8), time(16), days=4)
SYDNEY = schedule("Australia/Sydney")
PEOPLE = (LONDON, NEW_YORK, KOLKATA, BERLIN, SYDNEY)


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_a_check_in_held_over_the_weekend_pushes_mondays_own() -> None:
    # Saturday's check-in was held to Monday 08:00; the owner answered at 08:05.
    asked = local("America/New_York", 2026, 3, 9, 9, 0)
    answered = asked + timedelta(minutes=5)
    mondays_own = asked + timedelta(minutes=10)
    when = next_check_in_at(mondays_own, NEW_YORK, last_asked=asked, last_answered=answered)
    assert when == local("America/New_York", 2026, 3, 10, 9, 5)


def test_spacing_counts_a_four_day_week_and_a_daylight_saving_change() -> None:
    # Berlin works Monday to Thursday; clocks go forward on Sunday 29 March 2026.
    asked = local("Europe/Berlin", 2026, 3, 26, 10, 0)
    assert check_in_not_before(BERLIN, last_asked=asked, last_answered=None) == local(
        "Europe/Berlin", 2026, 3, 30, 10, 0
    )
    assert check_in_not_before(BERLIN, last_asked=None, last_answered=None) is None


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    return draw(
        st.datetimes(
            min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
        )
    )


@settings(max_examples=150, deadline=None)
@given(
    person=st.sampled_from(PEOPLE),
    nominal=instants(),
    asked=st.none() | instants(),
    answered=st.none() | instants(),
)
def test_check_ins_are_a_working_day_apart(
    person: PersonSchedule,
    nominal: datetime,
    asked: datetime | None,
    answered: datetime | None,
) -> None:
    when = next_check_in_at(nominal, person, last_asked=asked, last_answered=answered)
    assert when >= nominal
    day = person.working_hours.day_length
    for anchor in (asked, answered):
        if anchor is not None:
            assert when >= add_working_time(anchor, day, person)


PAIRS = [(a, b) for a in PEOPLE for b in PEOPLE if a is not b]


@settings(max_examples=150, deadline=None)
@given(pair=st.sampled_from(PAIRS), at=instants())
def test_meeting_contact_is_in_both_peoples_hours_when_they_meet(
    pair: tuple[PersonSchedule, PersonSchedule], at: datetime
) -> None:
    organizer, attendee = pair
    when = meeting_contact_at(at, organizer, attendee)
    assert when is not None and when >= at
    assert is_reachable(when, attendee)
    if common_reachable_at(at, [organizer, attendee]) is not None:
        assert is_reachable(when, organizer)


@settings(max_examples=150, deadline=None)
@given(pair=st.sampled_from(PAIRS), at=instants())
def test_common_periods_are_ordered_and_inside_everyones_hours(
    pair: tuple[PersonSchedule, PersonSchedule], at: datetime
) -> None:
    periods = common_reachable_periods(at, pair)
    assert all(start < end for start, end in periods)
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(periods))
    for start, end in periods:
        middle = start + (end - start) / 2
        assert all(is_reachable(middle, person) for person in pair)
    first = common_reachable_at(at, pair)
    assert first == (periods[0][0] if periods else None)


def test_kolkata_and_new_york_share_no_hour_in_any_season() -> None:
    for month in (1, 4, 7, 11):
        at = datetime(2026, month, 5, tzinfo=UTC)
        assert not have_common_hours(at, KOLKATA, NEW_YORK)
        assert have_common_hours(at, LONDON, NEW_YORK)
        assert have_common_hours(at, KOLKATA, LONDON)


def test_an_invitation_waits_for_the_morning_of_both() -> None:
    # 22:30 in London is 17:30 in New York: both are reached next morning (09:00 New York).
    at = local("Europe/London", 2026, 12, 7, 22, 30)
    assert meeting_contact_at(at, LONDON, NEW_YORK) == local("America/New_York", 2026, 12, 8, 9)
    # No common hour: the attendee's own morning.
    assert meeting_contact_at(at, KOLKATA, NEW_YORK) == local("America/New_York", 2026, 12, 8, 9)


def test_an_absence_is_not_a_lack_of_common_hours() -> None:
    away = schedule(
        "America/New_York",
        status="scheduled",
        scheduled_start=datetime(2026, 12, 1, tzinfo=UTC),
        scheduled_end=datetime(2027, 1, 30, tzinfo=UTC),
    )
    at = datetime(2026, 12, 7, tzinfo=UTC)
    assert have_common_hours(at, LONDON, away)
    assert common_reachable_at(at, [LONDON, away]) is None


def test_the_1_1_after_a_miss_leaves_time_to_hear_and_to_prepare() -> None:
    heard = local("America/New_York", 2026, 12, 8, 9)
    now = local("Europe/London", 2026, 12, 8, 13, 55)
    start = miss_meeting_not_before(heard, NEW_YORK, LONDON, now)
    assert start >= local("America/New_York", 2026, 12, 8, 13)
    assert start >= local("Europe/London", 2026, 12, 8, 15, 55)
    assert coaching_note_in_time(now, start, LONDON)
    assert not coaching_note_in_time(now, now + timedelta(minutes=30), LONDON)
    # The previous working day is always in time, however few hours are left.
    evening = local("Europe/London", 2026, 12, 7, 16, 50)
    assert coaching_note_in_time(evening, local("Europe/London", 2026, 12, 8, 9, 15), LONDON)


def test_a_miss_waits_a_working_day_after_an_absence() -> None:
    back = local("Australia/Sydney", 2026, 10, 2, 17)
    sydney = schedule(
        "Australia/Sydney",
        status="scheduled",
        scheduled_start=back - timedelta(days=7),
        scheduled_end=back,
    )
    now = back + timedelta(days=3)
    assert absence_ended_at(now, sydney) == back
    # Friday 17:00, then the weekend, a daylight-saving change (4 October) and Monday.
    assert miss_not_before(back, sydney) == local("Australia/Sydney", 2026, 10, 5, 17)
    assert absence_ended_at(back - timedelta(days=1), sydney) == back - timedelta(days=1)


def test_the_sending_window_closes_at_the_end_of_the_working_day() -> None:
    at = local("Asia/Kolkata", 2026, 12, 8, 17)
    assert sending_window_end(at, KOLKATA) == local("Asia/Kolkata", 2026, 12, 8, 18, 30)
    assert sending_window_end(local("Asia/Kolkata", 2026, 12, 8, 19), KOLKATA) is None


def _participant(person: PersonSchedule, start: datetime) -> Participant:
    # A free calendar for three weeks, in quarter hours.
    view = "0" * (4 * 24 * 21)
    return Participant(
        availability=ScheduleAvailability(
            availability_view=view, start=start, interval=timedelta(minutes=15)
        ),
        schedule=person,
    )


def test_edge_slot_for_kolkata_and_new_york() -> None:
    at = local("Asia/Kolkata", 2026, 12, 8, 9)
    found = find_edge_slot([_participant(KOLKATA, at), _participant(NEW_YORK, at)], at)
    assert found is not None
    inside = [is_within_working_hours(found.start, p) for p in (KOLKATA, NEW_YORK)]
    assert sorted(inside) == [False, True]
    # At the end of Kolkata's Tuesday, early on New York's: 18:00 and 07:30.
    assert found == TimeSlot(
        start=local("Asia/Kolkata", 2026, 12, 8, 18),
        end=local("Asia/Kolkata", 2026, 12, 8, 18, 30),
    )
    declined = find_edge_slot(
        [_participant(KOLKATA, at), _participant(NEW_YORK, at)], at, exclude=[found]
    )
    assert declined is not None and declined != found


def test_sydney_and_new_york_meet_at_the_edge_in_one_season_but_not_the_other() -> None:
    december = datetime(2026, 12, 7, tzinfo=UTC)
    near = find_edge_slot(
        [_participant(SYDNEY, december), _participant(NEW_YORK, december)], december
    )
    assert near is not None
    assert not have_common_hours(december, SYDNEY, NEW_YORK)
    june = datetime(2026, 6, 8, tzinfo=UTC)
    assert not have_common_hours(june, SYDNEY, NEW_YORK)
    far = find_edge_slot([_participant(SYDNEY, june), _participant(NEW_YORK, june)], june)
    assert far is None


@settings(max_examples=60, deadline=None)
@given(pair=st.sampled_from(PAIRS), at=instants())
def test_an_edge_slot_is_in_one_persons_hours_and_stretches_the_other_little(
    pair: tuple[PersonSchedule, PersonSchedule], at: datetime
) -> None:
    found = find_edge_slot([_participant(pair[0], at), _participant(pair[1], at)], at)
    if found is None:
        return
    assert found.start >= at
    inside = [
        is_reachable(found.start, p) and is_reachable(found.end - timedelta(minutes=1), p)
        for p in pair
    ]
    assert any(inside)
    for person, fits in zip(pair, inside, strict=True):
        if not fits:
            # The other person's nearest day needs stretching by MAX_EDGE_STRETCH at most.
            days = reachable_periods(found.start - timedelta(days=2), 6, person)
            assert any(
                max(p.start - found.start, timedelta(0)) + max(found.end - p.end, timedelta(0))
                <= MAX_EDGE_STRETCH
                for p in days
            )


def test_a_cancellation_waits_for_the_morning_unless_the_meeting_comes_first() -> None:
    night = local("Europe/London", 2026, 12, 8, 22, 30)
    morning = meeting_contact_at(night, LONDON, NEW_YORK)
    assert morning == local("America/New_York", 2026, 12, 9, 9)
    later = local("Europe/London", 2026, 12, 9, 16)
    assert cancellation_at(morning, night, later) == morning
    # A 1:1 at the very start of the shared hours is cancelled now rather than at its start.
    assert cancellation_at(morning, night, morning) == night
    assert cancellation_at(None, night, later) == night


def test_a_clarifying_1_1_leaves_the_manager_two_working_hours() -> None:
    friday = local("Europe/London", 2026, 12, 11, 16)
    assert preparation_not_before(friday, LONDON) == local("Europe/London", 2026, 12, 14, 10)


@settings(max_examples=100, deadline=None)
@given(person=st.sampled_from(PEOPLE), at=instants())
def test_the_sending_window_is_the_reachable_stretch_holding_the_instant(
    person: PersonSchedule, at: datetime
) -> None:
    end = sending_window_end(at, person)
    if not is_reachable(at, person):
        assert end is None
        return
    assert end is not None and end > at
    assert is_reachable(end - timedelta(minutes=1), person)
    assert not is_reachable(end, person)

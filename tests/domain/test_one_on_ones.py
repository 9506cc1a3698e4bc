"""Finding the regular 1:1 in a manager's calendar: who is in it, who declined, which is next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.one_on_ones import Attendance, CalendarOccurrence, find_one_on_ones

MAYA = "maya@example.com"
SAM = "sam@example.com"
PRIYA = "priya@example.com"
OMAR = "omar@example.com"
REPORTS = [SAM, PRIYA]
NOW = datetime(2030, 3, 18, 12, tzinfo=UTC)


def occurrence(
    at: datetime,
    *,
    series: str | None = "series-sam",
    organizer: str = MAYA,
    attendees: tuple[Attendance, ...] = (Attendance(email=SAM, response="accepted"),),
    own: str = "organizer",
    cancelled: bool = False,
    event_id: str | None = None,
) -> CalendarOccurrence:
    return CalendarOccurrence(
        event_id=event_id or f"{series}-{at.isoformat()}",
        series_id=series,
        start=at,
        end=at + timedelta(minutes=30),
        organizer=organizer,
        attendees=attendees,
        own_response=own,
        is_cancelled=cancelled,
    )


def weekly(first: datetime, weeks: int, **kwargs: object) -> list[CalendarOccurrence]:
    return [occurrence(first + timedelta(weeks=n), **kwargs) for n in range(weeks)]  # type: ignore[arg-type]  # kwargs are occurrence()'s


def test_the_next_occurrence_of_a_weekly_series_with_the_previous_one() -> None:
    found = find_one_on_ones(MAYA, REPORTS, weekly(NOW - timedelta(days=7), 4), now=NOW)
    (one,) = found.found
    assert (one.report, one.start, one.previous_start) == (SAM, NOW, NOW - timedelta(days=7))
    assert found.without == [PRIYA]


def test_a_series_the_report_organises_counts_too() -> None:
    manager_invited = (Attendance(email=MAYA, response="accepted"),)
    items = weekly(
        NOW + timedelta(hours=1), 2, organizer=SAM, attendees=manager_invited, own="accepted"
    )
    assert [one.report for one in find_one_on_ones(MAYA, REPORTS, items, now=NOW).found] == [SAM]


def test_a_third_person_a_decline_a_single_meeting_or_a_cancellation_is_not_a_1_1() -> None:
    later = NOW + timedelta(days=1)
    with_omar = (Attendance(email=SAM), Attendance(email=OMAR))
    declined = (Attendance(email=SAM, response="declined"),)
    items = [
        occurrence(later, attendees=with_omar),
        occurrence(later, attendees=declined),
        occurrence(later, own="declined", organizer=SAM, attendees=(Attendance(email=MAYA),)),
        occurrence(later, series=None),
        occurrence(later, cancelled=True),
        # Someone who is not a report.
        occurrence(later, attendees=(Attendance(email=OMAR),)),
    ]
    found = find_one_on_ones(MAYA, REPORTS, items, now=NOW)
    assert found.found == []
    assert found.without == [PRIYA, SAM]


def test_a_room_booked_for_the_1_1_does_not_make_it_a_group_meeting() -> None:
    room = (Attendance(email=SAM), Attendance(email="room4@example.com", resource=True))
    found = find_one_on_ones(MAYA, REPORTS, [occurrence(NOW, attendees=room)], now=NOW)
    assert [one.report for one in found.found] == [SAM]


people = st.sampled_from([MAYA, SAM, PRIYA, OMAR])


@st.composite
def calendars(draw: st.DrawFn) -> list[CalendarOccurrence]:
    items = []
    for index in range(draw(st.integers(0, 12))):
        organizer = draw(people)
        invited = draw(st.lists(people, max_size=3, unique=True))
        items.append(
            occurrence(
                NOW + timedelta(hours=draw(st.integers(-200, 800))),
                series=draw(st.sampled_from([None, "a", "b", "c"])),
                organizer=organizer,
                attendees=tuple(
                    Attendance(
                        email=who, response=draw(st.sampled_from(["accepted", "declined", "none"]))
                    )
                    for who in invited
                ),
                own=draw(st.sampled_from(["organizer", "accepted", "declined"])),
                cancelled=draw(st.booleans()),
                event_id=f"e{index}",
            )
        )
    return items


@settings(deadline=None)  # shared CI cores: time per example varies
@given(calendars())
def test_each_report_gets_the_earliest_coming_occurrence_of_a_two_person_series(
    items: list[CalendarOccurrence],
) -> None:
    found = find_one_on_ones(MAYA, REPORTS, items, now=NOW)

    def qualifies(item: CalendarOccurrence, report: str) -> bool:
        everyone = {item.organizer} | {a.email for a in item.attendees}
        nobody_declined = item.own_response != "declined" and all(
            a.response != "declined" for a in item.attendees
        )
        return (
            item.series_id is not None
            and not item.is_cancelled
            and everyone == {MAYA, report}
            and nobody_declined
        )

    for report in REPORTS:
        coming = sorted(
            (item.start, item.event_id)
            for item in items
            if qualifies(item, report) and item.start >= NOW
        )
        mine = [one for one in found.found if one.report == report]
        if coming:
            assert [(one.start, one.event_id) for one in mine] == [coming[0]]
        else:
            assert mine == []
        held = any(qualifies(item, report) for item in items)
        assert (report in found.without) == (not held)

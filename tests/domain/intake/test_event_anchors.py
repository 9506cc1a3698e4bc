"""Deadlines set by an event (issue 18): the event's time on its day, with the reading saying
how it was anchored so the confirmation can state it."""

import pytest

from domain.intake import parse_due
from domain.timezones import resolve_zone
from tests.support.intake_mail import WEDNESDAY, local, read


@pytest.mark.parametrize(
    ("text", "expected", "anchor"),
    [
        (
            "before Monday's board meeting (10am)",
            "2026-12-07 10:00",
            "when Monday's board meeting starts (10:00)",
        ),
        (
            "ahead of the 14th, the review starts at 09:00",
            "2026-12-14 09:00",
            "when the review on the 14th starts (09:00)",
        ),
        (
            "ready for Thursday's forecast call at 2pm",
            "2026-12-03 14:00",
            "when Thursday's forecast call starts (14:00)",
        ),
        (
            "vor der Besprechung am Freitag, die um 11 Uhr beginnt",
            "2026-12-04 11:00",
            "when the Besprechung on Freitag starts (11:00)",
        ),
    ],
)
def test_an_event_sets_the_time(text: str, expected: str, anchor: str) -> None:
    due = parse_due(text, sent_at=WEDNESDAY, time_zone="Europe/London")
    assert due is not None
    assert due.due.astimezone(resolve_zone("Europe/London")).strftime("%Y-%m-%d %H:%M") == expected
    assert due.anchor == anchor


def test_the_reading_carries_the_anchor_and_says_it() -> None:
    reading = read("Could you send me the deck before Monday's board meeting (10am)?")
    assert reading.is_complete
    assert local(reading) == "2026-12-07 10:00"
    assert reading.due_anchor == "when Monday's board meeting starts (10:00)"
    assert any("Monday's board meeting starts" in note for note in reading.notes)


def test_an_event_time_in_another_zone_is_kept() -> None:
    due = parse_due(
        "ready for Thursday's forecast call (10am PT)", sent_at=WEDNESDAY, time_zone="Europe/London"
    )
    assert due is not None
    assert due.due.hour == 18

"""Date and time assembly (issue 18): a weekday, a date and a time written together are one
deadline ("by Tuesday 26 Jan at 3pm" keeps its 3pm), and "Monday week" is a week after the
coming Monday; both hold in every zone and across daylight-saving changes."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.intake import parse_due
from domain.timezones import resolve_zone

WEDNESDAY = datetime(2026, 12, 2, 10, tzinfo=UTC)
ZONES = (
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
)


def _local(text: str, zone: str = "Europe/London", sent: datetime = WEDNESDAY) -> str:
    due = parse_due(text, sent_at=sent, time_zone=zone)
    assert due is not None, text
    return due.due.astimezone(resolve_zone(zone)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by Tuesday 26 Jan at 3pm", "2027-01-26 15:00"),
        ("by Tue 26 January, 3pm", "2027-01-26 15:00"),
        ("3pm on Tuesday 26 Jan", "2027-01-26 15:00"),
        ("by Friday 4 Dec at noon", "2026-12-04 12:00"),
        ("by Friday 4 December 2026 at 09:30", "2026-12-04 09:30"),
        ("by Monday week", "2026-12-14 17:00"),
        ("Friday week at 10am", "2026-12-11 10:00"),
        ("by Wednesday week", "2026-12-16 17:00"),
    ],
)
def test_weekday_date_and_time_are_one_deadline(text: str, expected: str) -> None:
    assert _local(text) == expected


def test_a_verb_between_a_date_and_a_time_keeps_them_apart() -> None:
    assert _local("by Friday and call me at 3pm") == "2026-12-04 17:00"


@given(
    zone=st.sampled_from(ZONES),
    days=st.integers(min_value=0, max_value=730),
    hour=st.integers(min_value=0, max_value=23),
    at=st.integers(min_value=1, max_value=11),
)
def test_the_time_survives_in_every_zone_and_season(
    zone: str, days: int, hour: int, at: int
) -> None:
    sent = datetime(2026, 1, 1, hour, tzinfo=UTC) + timedelta(days=days)
    target = sent.astimezone(resolve_zone(zone)).date() + timedelta(days=10)
    text = f"by {target:%A} {target.day} {target:%B} {target.year} at {at}pm"
    due = parse_due(text, sent_at=sent, time_zone=zone)
    assert due is not None
    local = due.due.astimezone(resolve_zone(zone))
    assert (local.date(), local.hour, local.minute) == (target, at + 12, 0)
    assert not due.ambiguous


@given(zone=st.sampled_from(ZONES), days=st.integers(min_value=0, max_value=730))
def test_monday_week_is_a_week_after_the_coming_monday(zone: str, days: int) -> None:
    sent = datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=days)
    today = sent.astimezone(resolve_zone(zone)).date()
    due = parse_due("by Monday week", sent_at=sent, time_zone=zone)
    assert due is not None
    day = due.due.astimezone(resolve_zone(zone)).date()
    assert day.weekday() == 0
    assert 8 <= (day - today).days <= 14

"""Holiday names (issue 18): computed by rule for any year, by the sender's region where
countries differ, in the four languages; "before" a holiday is the working day before it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.intake import parse_due
from domain.intake.due_dates.holidays import easter, holiday_date, region_for
from domain.timezones import resolve_zone

SENT = datetime(2026, 12, 2, 10, tzinfo=UTC)


def _local(text: str, zone: str = "Europe/London") -> str:
    due = parse_due(text, sent_at=SENT, time_zone=zone)
    assert due is not None, text
    return due.due.astimezone(resolve_zone(zone)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("by Christmas Eve", "Europe/London", "2026-12-24 17:00"),
        ("by noon on Christmas Eve", "Europe/London", "2026-12-24 12:00"),
        ("before Boxing Day", "Europe/London", "2026-12-24 17:00"),
        ("by New Year's Eve", "America/New_York", "2026-12-31 17:00"),
        ("bis Heiligabend", "Europe/Berlin", "2026-12-24 17:00"),
        ("bis Silvester 12 Uhr", "Europe/Berlin", "2026-12-31 12:00"),
        ("avant le 14 juillet", "Europe/Paris", "2027-07-13 17:00"),
        ("d'ici la Saint-Sylvestre", "Europe/Paris", "2026-12-31 17:00"),
        ("para el Día de Reyes", "Europe/Madrid", "2027-01-06 17:00"),
        ("antes de Nochebuena", "Europe/Madrid", "2026-12-23 17:00"),
        ("by Good Friday", "Europe/London", "2027-03-26 17:00"),
    ],
)
def test_holidays_by_name(text: str, zone: str, expected: str) -> None:
    # "avant le 14 juillet" from Paris: the 14th is the Fête nationale, a day off, so "before"
    # it is the working day before, as "before Boxing Day" is.
    assert _local(text, zone) == expected


def test_thanksgiving_follows_the_senders_country() -> None:
    summer = datetime(2027, 7, 1, 12, tzinfo=UTC)

    def day(zone: str, region: str = "") -> date | None:
        due = parse_due("by Thanksgiving", sent_at=summer, time_zone=zone, region=region)
        return due.due.date() if due else None

    assert day("America/Chicago") == date(2027, 11, 25)
    assert day("America/Toronto") == date(2027, 10, 11)
    assert day("Europe/London", "US") == date(2027, 11, 25)


def test_a_holiday_a_few_days_past_is_a_slip_to_ask_about() -> None:
    due = parse_due("by Thanksgiving", sent_at=SENT, time_zone="America/Chicago")
    assert due is not None
    assert due.in_past


def test_the_reading_says_how_the_holiday_set_the_date() -> None:
    due = parse_due("by Christmas Eve", sent_at=SENT, time_zone="Europe/London")
    assert due is not None
    assert due.anchor == "Christmas Eve is Thursday 24 December"


def test_a_holiday_just_past_is_mentioned_not_set() -> None:
    january = datetime(2027, 1, 4, 9, tzinfo=UTC)
    text = "the numbers finance sent before Christmas; I'd like it by Thursday"
    due = parse_due(text, sent_at=january, time_zone="Europe/London")
    assert due is not None
    assert due.due.date() == date(2027, 1, 7)


def test_a_name_alone_is_no_deadline() -> None:
    assert parse_due("Noel will send it", sent_at=SENT, time_zone="Europe/London") is None


@given(year=st.integers(min_value=1900, max_value=2200))
def test_easter_is_a_sunday_in_spring(year: int) -> None:
    day = easter(year)
    assert day.weekday() == 6
    assert date(year, 3, 22) <= day <= date(year, 4, 25)


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 12, 31)))
def test_a_holiday_is_the_next_one(day: date) -> None:
    for name, region in (("Thanksgiving", "US"), ("Boxing Day", "GB"), ("Whit Monday", "DE")):
        found = holiday_date(name, today=day, region=region)
        assert found is not None
        assert day <= found < day + timedelta(days=400)
    thanksgiving = holiday_date("Thanksgiving", today=day, region="US")
    assert thanksgiving is not None
    assert thanksgiving.weekday() == 3 and thanksgiving.month == 11 and 22 <= thanksgiving.day <= 28


def test_the_region_comes_from_what_is_known() -> None:
    assert region_for("ca", "", "Europe/London") == "CA"
    assert region_for("", "en-GB", "America/New_York") == "GB"
    assert region_for("", "de", "Europe/Berlin") == "DE"
    assert region_for("", "", "America/Toronto") == "CA"

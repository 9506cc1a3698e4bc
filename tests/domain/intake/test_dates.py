from datetime import UTC, datetime, time

import pytest

from domain.intake import find_due_dates, parse_due
from domain.intake.models import DueParse
from domain.timezones import resolve_zone

# Monday 23 November 2026, 10:00 in London (UTC+0 in winter).
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def local(text: str, *, zone: str = "Europe/London", sent_at: datetime = MONDAY) -> str | None:
    parsed = parse_due(text, sent_at=sent_at, time_zone=zone, working_day_end=time(17, 0))
    if parsed is None:
        return None
    return parsed.due.astimezone(resolve_zone(zone)).strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by Friday", "Fri 2026-11-27 17:00"),
        ("by Fri", "Fri 2026-11-27 17:00"),
        ("this Friday", "Fri 2026-11-27 17:00"),
        ("next Friday", "Fri 2026-12-04 17:00"),
        ("Friday next week", "Fri 2026-12-04 17:00"),
        ("by Monday", "Mon 2026-11-30 17:00"),
        ("end of the week", "Fri 2026-11-27 17:00"),
        ("end of next week", "Fri 2026-12-04 17:00"),
        ("EOW", "Fri 2026-11-27 17:00"),
        ("end of month", "Mon 2026-11-30 17:00"),
        ("EOM", "Mon 2026-11-30 17:00"),
        ("end of the quarter", "Thu 2026-12-31 17:00"),
        ("end of Q1", "Wed 2027-03-31 17:00"),
        ("by the end of January", "Fri 2027-01-29 17:00"),
        ("the first week of January", "Fri 2027-01-08 17:00"),
        ("EOD 3 Dec", "Thu 2026-12-03 17:00"),
        ("3rd December", "Thu 2026-12-03 17:00"),
        ("December 3rd at noon", "Thu 2026-12-03 12:00"),
        ("Dec 3, 2026 3pm", "Thu 2026-12-03 15:00"),
        ("by 4 December at 15:00", "Fri 2026-12-04 15:00"),
        ("mid-December", "Tue 2026-12-15 17:00"),
        ("within two weeks", "Mon 2026-12-07 17:00"),
        ("in 3 days", "Thu 2026-11-26 17:00"),
        ("within 10 working days", "Mon 2026-12-07 17:00"),
        ("in 48 hours", "Wed 2026-11-25 10:00"),
        ("within a fortnight", "Mon 2026-12-07 17:00"),
        ("tomorrow noon", "Tue 2026-11-24 12:00"),
        ("noon tomorrow", "Tue 2026-11-24 12:00"),
        ("by tomorrow 10am", "Tue 2026-11-24 10:00"),
        ("the day after tomorrow", "Wed 2026-11-25 17:00"),
        ("by the 15th", "Tue 2026-12-15 17:00"),
        ("by the 30th", "Mon 2026-11-30 17:00"),
        ("next Tuesday 2pm", "Tue 2026-12-01 14:00"),
        ("Friday at 3pm", "Fri 2026-11-27 15:00"),
        ("3pm on Friday", "Fri 2026-11-27 15:00"),
        ("by Wednesday noon", "Wed 2026-11-25 12:00"),
        ("by Monday morning", "Mon 2026-11-30 09:00"),
        ("2026-12-03", "Thu 2026-12-03 17:00"),
        ("2026-12-03T15:30", "Thu 2026-12-03 15:30"),
        ("by 13/12", "Sun 2026-12-13 17:00"),
        ("by 3pm", "Mon 2026-11-23 15:00"),
        ("by 9am", "Tue 2026-11-24 09:00"),
        ("by EOD", "Mon 2026-11-23 17:00"),
        ("EOD Monday", "Mon 2026-11-30 17:00"),
        ("by next week", "Mon 2026-11-30 09:00"),
        ("sometime next week", "Fri 2026-12-04 17:00"),
        ("tonight", "Mon 2026-11-23 23:59"),
        ("tonight or first thing tomorrow", "Tue 2026-11-24 09:00"),
        ("by 12.01.2027", "Tue 2027-01-12 17:00"),
    ],
)
def test_phrases_in_the_senders_zone(text: str, expected: str) -> None:
    assert local(text) == expected


def test_a_zone_named_with_the_time_wins_over_the_senders() -> None:
    parsed = parse_due("by Friday 3pm ET", sent_at=MONDAY, time_zone="Europe/London")
    assert parsed is not None
    assert parsed.due == datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    tokyo = parse_due("by Wednesday morning, Tokyo time", sent_at=MONDAY, time_zone="UTC")
    assert tokyo is not None
    assert tokyo.due == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)


def test_weekday_is_relative_to_the_senders_own_day() -> None:
    # 23:30 Monday UTC is already Tuesday in Kolkata: "tomorrow" is Wednesday there.
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert local("tomorrow", zone="Asia/Kolkata", sent_at=late) == "Wed 2026-11-25 17:00"
    assert local("tomorrow", zone="America/Los_Angeles", sent_at=late) == "Tue 2026-11-24 17:00"


def test_working_day_end_is_the_default_time() -> None:
    parsed = parse_due(
        "by Friday", sent_at=MONDAY, time_zone="Europe/London", working_day_end=time(18, 30)
    )
    assert parsed is not None
    assert parsed.due == datetime(2026, 11, 27, 18, 30, tzinfo=UTC)


def test_todays_weekday_means_next_week_unless_it_says_this() -> None:
    friday_morning = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert local("by Friday", sent_at=friday_morning) == "Fri 2026-12-04 17:00"
    assert local("this Friday", sent_at=friday_morning) == "Fri 2026-11-27 17:00"
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    assert local("this Friday", sent_at=friday_evening) == "Fri 2026-12-04 17:00"


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("by 3/12", "Europe/London"),
        ("by 12/3", "America/New_York"),
        ("by 4/12", "Asia/Kolkata"),
        ("by December", "Europe/Berlin"),
        ("by Friday 3 December", "Europe/London"),
    ],
)
def test_dates_that_could_mean_two_days_are_ambiguous(text: str, zone: str) -> None:
    parsed = parse_due(text, sent_at=MONDAY, time_zone=zone)
    assert parsed is not None
    assert parsed.ambiguous
    assert parsed.alternatives


def test_the_senders_locale_decides_which_reading_comes_first() -> None:
    london = parse_due("by 3/12", sent_at=MONDAY, time_zone="Europe/London")
    new_york = parse_due("by 3/12", sent_at=MONDAY, time_zone="America/New_York")
    assert london is not None
    assert new_york is not None
    assert london.due.month == 12
    assert new_york.due.month == 3


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        # Only one reading lies ahead within a year: no question needed.
        ("by 11/12", "Europe/London", "Fri 2026-12-11 17:00"),
        ("by 11/30", "America/New_York", "Mon 2026-11-30 17:00"),
        ("by 30/11", "America/Los_Angeles", "Mon 2026-11-30 17:00"),
        ("due 12/3/2026", "Europe/London", "Thu 2026-12-03 17:00"),
    ],
)
def test_a_numeric_date_with_one_plausible_reading_is_taken(
    text: str, zone: str, expected: str
) -> None:
    parsed = parse_due(text, sent_at=MONDAY, time_zone=zone)
    assert parsed is not None
    assert not parsed.ambiguous
    assert local(text, zone=zone) == expected


@pytest.mark.parametrize("text", ["by 20 November", "by 2026-11-02", "by 3 Dec 2025", "3pm today"])
def test_past_dates_are_flagged(text: str) -> None:
    parsed = parse_due(text, sent_at=datetime(2026, 11, 23, 16, tzinfo=UTC), time_zone="UTC")
    assert parsed is not None
    assert parsed.in_past


def test_a_date_months_ago_without_a_year_means_next_year() -> None:
    assert local("by 15 January", sent_at=datetime(2026, 12, 10, tzinfo=UTC)) == (
        "Fri 2027-01-15 17:00"
    )
    assert local("by 1 June") == "Tue 2027-06-01 17:00"


def test_cued_dates_win_over_dates_merely_mentioned() -> None:
    text = "We met on Monday about the launch for January; please send the notes by Thursday."
    assert local(text) == "Thu 2026-11-26 17:00"
    everything = find_due_dates(text, sent_at=MONDAY, time_zone="Europe/London")
    assert len(everything) >= 2


@pytest.mark.parametrize(
    "text",
    [
        "Please send it ASAP",
        "as soon as you can",
        "24/7 support",
        "version 4.2",
        "the ratio is 1/2",
        "Monday's meeting went well",
        "last Friday",
        "within 3 days of each interview",
        "the office on the 3rd floor",
        "from next month",
        "starting Monday",
        "",
    ],
)
def test_no_due_date(text: str) -> None:
    found = find_due_dates(text, sent_at=MONDAY, time_zone="Europe/London", require_cue=True)
    assert found == []


def test_unknown_zone_reads_in_utc_and_naive_times_are_utc() -> None:
    parsed = parse_due("by Friday", sent_at=datetime(2026, 11, 23, 10), time_zone="Mars/Base")
    assert parsed == DueParse(
        due=datetime(2026, 11, 27, 17, tzinfo=UTC), text="by Friday", in_past=False, strength=2
    )


def test_windows_zone_names_work() -> None:
    parsed = parse_due("by Friday", sent_at=MONDAY, time_zone="Pacific Standard Time")
    assert parsed is not None
    assert parsed.due == datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def test_the_words_of_the_date_are_reported() -> None:
    parsed = parse_due(
        "Could you send it by Friday 3pm? Thanks", sent_at=MONDAY, time_zone="Europe/London"
    )
    assert parsed is not None
    assert parsed.text == "by Friday 3pm"


JANUARY = datetime(2027, 1, 4, 9, tzinfo=UTC)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We present on Tuesday 12 January, so a draft the Friday before.", "Fri 2027-01-08 17:00"),
        ("We need it two days before the kickoff on Jan 20.", "Mon 2027-01-18 17:00"),
        ("the day before the board meeting on 14 January", "Wed 2027-01-13 17:00"),
        ("a week before 1 Feb", "Mon 2027-01-25 17:00"),
        ("3 working days before Friday 15 January", "Tue 2027-01-12 17:00"),
    ],
)
def test_deadlines_set_from_another_date(text: str, expected: str) -> None:
    assert local(text, sent_at=JANUARY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("minutes pls, tmrw am", "Tue 2027-01-05 09:00"),
        ("by Friday pm", "Fri 2027-01-08 17:00"),
        ("at some point this quarter", "Wed 2027-03-31 17:00"),
        ("sometime this month", "Fri 2027-01-29 17:00"),
    ],
)
def test_parts_of_days_and_this_period(text: str, expected: str) -> None:
    assert local(text, sent_at=JANUARY) == expected


def test_this_period_without_a_cue_is_a_span_of_activity() -> None:
    found = find_due_dates(
        "mentor the graduate this quarter", sent_at=JANUARY, time_zone="UTC", require_cue=False
    )
    assert found == []
    assert parse_due("I am sure", sent_at=JANUARY, time_zone="UTC") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By Friday if possible, Monday at the latest.", "Mon 2027-01-11 17:00"),
        ("Friday is ideal, but Wednesday 13 January at the latest", "Wed 2027-01-13 17:00"),
        ("Please email the partners. It needs to go out this week.", "Fri 2027-01-08 17:00"),
        ("could you complete it in the next few days?", "Thu 2027-01-07 17:00"),
    ],
)
def test_hard_limits_and_soft_wishes(text: str, expected: str) -> None:
    assert local(text, sent_at=JANUARY) == expected

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from domain.working_time import (
    WEEKDAYS,
    AutomaticReplies,
    AutoReplyStatus,
    PersonSchedule,
    Weekday,
    WorkingHours,
    add_working_time,
    is_out_of_office,
    is_reachable,
    is_within_working_hours,
    next_reachable,
    reachable_periods,
    working_days_ahead,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def schedule(
    zone: str = "Europe/London",
    start: time = time(9),
    end: time = time(17),
    days: tuple[Weekday, ...] = WEEKDAYS[:5],
    away: tuple[datetime, datetime] | None = None,
    status: AutoReplyStatus | None = None,
) -> PersonSchedule:
    replies = AutomaticReplies(
        status=status or ("scheduled" if away else "disabled"),
        scheduled_start=away[0] if away else None,
        scheduled_end=away[1] if away else None,
    )
    hours = WorkingHours(days_of_week=days, start_time=start, end_time=end, time_zone=zone)
    return PersonSchedule(time_zone=zone, working_hours=hours, automatic_replies=replies)


# --- working hours across zones and daylight saving -------------------------------------


def test_london_hours_follow_british_summer_time() -> None:
    london = schedule()
    # Friday 27 March 2026: still GMT, so 09:00 local is 09:00 UTC.
    assert not is_within_working_hours(utc(2026, 3, 27, 8, 30), london)
    assert is_within_working_hours(utc(2026, 3, 27, 9), london)
    # Monday 30 March 2026: BST (UTC+1), so 09:00 local is 08:00 UTC.
    assert is_within_working_hours(utc(2026, 3, 30, 8), london)
    assert not is_within_working_hours(utc(2026, 3, 30, 7, 59), london)
    assert not is_within_working_hours(utc(2026, 3, 30, 16), london)


def test_los_angeles_hours_after_the_clocks_go_back() -> None:
    la = schedule("America/Los_Angeles")
    # Friday 30 October 2026 is PDT (UTC-7); Monday 2 November is PST (UTC-8).
    assert is_within_working_hours(utc(2026, 10, 30, 16), la)
    assert not is_within_working_hours(utc(2026, 11, 2, 16, 30), la)
    assert is_within_working_hours(utc(2026, 11, 2, 17), la)


def test_windows_zone_names_work_like_iana_names() -> None:
    by_windows = schedule("Pacific Standard Time")
    by_iana = schedule("America/Los_Angeles")
    assert by_windows == by_iana
    assert by_windows.working_hours.time_zone == "America/Los_Angeles"


def test_kolkata_half_hour_offset() -> None:
    kolkata = schedule("India Standard Time", start=time(9, 30), end=time(18))
    # Monday 23 November 2026, 03:00 UTC is 08:30 IST.
    assert next_reachable(utc(2026, 11, 23, 3), kolkata) == utc(2026, 11, 23, 4)
    assert is_reachable(utc(2026, 11, 23, 12, 29), kolkata)
    assert not is_reachable(utc(2026, 11, 23, 12, 30), kolkata)


def test_weekend_is_outside_working_hours() -> None:
    assert not is_within_working_hours(utc(2026, 11, 21, 12), schedule())


def test_hours_running_past_midnight_belong_to_the_day_they_start() -> None:
    nights = schedule("UTC", start=time(22), end=time(6))
    assert is_within_working_hours(utc(2026, 11, 24, 2), nights)  # Monday's shift
    assert is_within_working_hours(utc(2026, 11, 28, 2), nights)  # Friday's shift, on Saturday
    assert not is_within_working_hours(utc(2026, 11, 23, 1), nights)  # Sunday has no shift
    assert next_reachable(utc(2026, 11, 28, 7), nights) == utc(2026, 11, 30, 22)


def test_equal_start_and_end_means_round_the_clock() -> None:
    always = schedule("UTC", start=time(0), end=time(0), days=WEEKDAYS)
    assert is_within_working_hours(utc(2026, 11, 22, 3, 33), always)
    assert always.working_hours.day_length == timedelta(hours=24)


# --- next_reachable ---------------------------------------------------------------------


def test_friday_evening_rolls_to_monday_morning() -> None:
    la = schedule("America/Los_Angeles")
    friday_evening = utc(2026, 11, 21, 2)  # Friday 20 November, 18:00 PST
    assert next_reachable(friday_evening, la) == utc(2026, 11, 23, 17)  # Monday 09:00 PST


def test_friday_evening_to_monday_across_a_daylight_saving_weekend() -> None:
    la = schedule("America/Los_Angeles")
    # Friday 6 March 2026 18:00 PST; Monday 9 March 09:00 is already PDT (UTC-7).
    assert next_reachable(utc(2026, 3, 7, 2), la) == utc(2026, 3, 9, 16)
    london = schedule()
    # Friday 23 October 2026 17:30 BST; Monday 26 October 09:00 is GMT again.
    assert next_reachable(utc(2026, 10, 23, 16, 30), london) == utc(2026, 10, 26, 9)


def test_reachable_instant_is_returned_unchanged_in_utc() -> None:
    at = utc(2026, 11, 24, 10, 15)
    assert next_reachable(at, schedule()) == at
    assert next_reachable(at, schedule()).tzinfo is UTC  # type: ignore[union-attr]


def test_scheduled_absence_spanning_days() -> None:
    away = (utc(2026, 11, 25), utc(2026, 11, 30))
    london = schedule(away=away)
    assert is_reachable(utc(2026, 11, 24, 16), london)
    assert is_out_of_office(utc(2026, 11, 25, 10), london)
    assert not is_reachable(utc(2026, 11, 25, 10), london)
    assert next_reachable(utc(2026, 11, 25, 10), london) == utc(2026, 11, 30, 9)
    # The absence ends at midnight Monday; Monday's hours are reachable again.
    assert not is_out_of_office(utc(2026, 11, 30), london)


def test_absence_ending_mid_day() -> None:
    london = schedule(away=(utc(2026, 11, 25), utc(2026, 11, 26, 12)))
    assert next_reachable(utc(2026, 11, 25, 10), london) == utc(2026, 11, 26, 12)


def test_absence_starting_later_does_not_delay_now() -> None:
    london = schedule(away=(utc(2026, 11, 24, 14), utc(2026, 11, 26)))
    assert next_reachable(utc(2026, 11, 24, 10), london) == utc(2026, 11, 24, 10)
    assert next_reachable(utc(2026, 11, 24, 14), london) == utc(2026, 11, 26, 9)


def test_open_ended_automatic_replies_mean_no_known_return() -> None:
    away = schedule(status="alwaysEnabled")
    assert is_out_of_office(utc(2026, 11, 24, 10), away)
    assert next_reachable(utc(2026, 11, 24, 10), away) is None
    assert reachable_periods(utc(2026, 11, 24, 10), 5, away) == []


def test_disabled_replies_ignore_stale_dates() -> None:
    replies = AutomaticReplies(
        status="disabled", scheduled_start=utc(2026, 11, 23), scheduled_end=utc(2026, 11, 30)
    )
    london = schedule().model_copy(update={"automatic_replies": replies})
    assert not is_out_of_office(utc(2026, 11, 24, 10), london)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_reachable(datetime(2026, 11, 24, 10), schedule())


# --- add_working_time and working_days_ahead --------------------------------------------


def test_add_working_time_skips_the_weekend() -> None:
    london = schedule()
    friday_4pm = utc(2026, 11, 20, 16)
    assert add_working_time(friday_4pm, timedelta(hours=2), london) == utc(2026, 11, 23, 10)
    assert add_working_time(friday_4pm, timedelta(hours=1), london) == utc(2026, 11, 20, 17)
    assert add_working_time(utc(2026, 11, 21, 12), timedelta(hours=1), london) == utc(
        2026, 11, 23, 10
    )


def test_add_working_time_of_zero_is_the_start() -> None:
    saturday = utc(2026, 11, 21, 12)
    assert add_working_time(saturday, timedelta(0), schedule()) == saturday


def test_add_working_time_skips_a_scheduled_absence() -> None:
    london = schedule(away=(utc(2026, 11, 23), utc(2026, 11, 24)))
    friday_4pm = utc(2026, 11, 20, 16)
    assert add_working_time(friday_4pm, timedelta(hours=2), london) == utc(2026, 11, 24, 10)


def test_add_working_time_across_the_clock_change() -> None:
    la = schedule("America/Los_Angeles")
    friday_4pm_pdt = utc(2026, 10, 30, 23)
    monday_10am_pst = utc(2026, 11, 2, 18)
    assert add_working_time(friday_4pm_pdt, timedelta(hours=2), la) == monday_10am_pst


def test_add_working_time_counts_whole_days() -> None:
    london = schedule()
    assert add_working_time(utc(2026, 11, 24, 14), timedelta(hours=16), london) == utc(
        2026, 11, 26, 14
    )


def test_add_working_time_refuses_negative_durations() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_time(utc(2026, 11, 24, 14), timedelta(hours=-1), schedule())


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (utc(2026, 11, 24, 14), 1, utc(2026, 11, 25, 9)),  # Tuesday afternoon -> Wednesday
        (utc(2026, 11, 20, 20), 1, utc(2026, 11, 23, 9)),  # Friday evening -> Monday
        (utc(2026, 11, 25, 10), 3, utc(2026, 11, 30, 9)),  # Wednesday + 3 -> Monday
        (utc(2026, 11, 24, 7), 1, utc(2026, 11, 25, 9)),  # before hours still counts the day
    ],
)
def test_working_days_ahead(start: datetime, days: int, expected: datetime) -> None:
    assert working_days_ahead(start, days, schedule()) == expected


def test_working_days_ahead_skips_days_away() -> None:
    london = schedule(away=(utc(2026, 11, 26), utc(2026, 11, 27, 13)))
    wednesday = utc(2026, 11, 25, 10)
    assert working_days_ahead(wednesday, 1, london) == utc(2026, 11, 27, 13)
    assert working_days_ahead(wednesday, 2, london) == utc(2026, 11, 30, 9)


def test_working_days_ahead_needs_at_least_one_day() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        working_days_ahead(utc(2026, 11, 24), 0, schedule())


def test_reachable_periods_clip_to_start_and_absence() -> None:
    london = schedule(away=(utc(2026, 11, 25, 12), utc(2026, 11, 25, 14)))
    periods = reachable_periods(utc(2026, 11, 24, 15), 2, london)
    assert [(p.start, p.end) for p in periods] == [
        (utc(2026, 11, 24, 15), utc(2026, 11, 24, 17)),
        (utc(2026, 11, 25, 9), utc(2026, 11, 25, 12)),
        (utc(2026, 11, 25, 14), utc(2026, 11, 25, 17)),
    ]


# --- models and Graph's JSON -----------------------------------------------------------


GRAPH_SETTINGS: dict[str, Any] = {
    "timeZone": "Pacific Standard Time",
    "language": {"locale": "en-US"},
    "workingHours": {
        "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "startTime": "08:00:00.0000000",
        "endTime": "17:00:00.0000000",
        "timeZone": {"name": "Pacific Standard Time"},
    },
    "automaticRepliesSetting": {
        "status": "scheduled",
        "externalAudience": "all",
        "scheduledStartDateTime": {"dateTime": "2026-11-23T00:00:00.0000000", "timeZone": "UTC"},
        "scheduledEndDateTime": {
            "dateTime": "2026-11-27T09:00:00.0000000",
            "timeZone": "Pacific Standard Time",
        },
    },
}


def test_from_graph_reads_mailbox_settings() -> None:
    parsed = PersonSchedule.from_graph(GRAPH_SETTINGS)
    assert parsed.time_zone == "America/Los_Angeles"
    hours = parsed.working_hours
    assert hours.days_of_week == WEEKDAYS[:5]
    assert (hours.start_time, hours.end_time) == (time(8), time(17))
    assert hours.time_zone == "America/Los_Angeles"
    replies = parsed.automatic_replies
    assert replies.status == "scheduled"
    assert replies.scheduled_start == utc(2026, 11, 23)
    assert replies.scheduled_end == utc(2026, 11, 27, 17)  # 09:00 PST


def test_from_graph_without_working_hours_uses_outlook_defaults() -> None:
    parsed = PersonSchedule.from_graph({"timeZone": "Europe/London"})
    assert parsed.working_hours.days_of_week == WEEKDAYS[:5]
    assert parsed.working_hours.start_time == time(8)
    assert parsed.working_hours.time_zone == "Europe/London"
    assert parsed.automatic_replies.status == "disabled"


def test_from_graph_custom_zone_falls_back_to_the_mailbox_zone() -> None:
    settings = {
        "timeZone": "India Standard Time",
        "workingHours": {
            "daysOfWeek": ["sunday", "monday"],
            "startTime": "09:30:00.0000000",
            "endTime": "18:00:00.0000000",
            "timeZone": {"name": "Customized Time Zone", "bias": -330},
        },
        "automaticRepliesSetting": {
            "status": "disabled",
            "scheduledStartDateTime": None,
            "scheduledEndDateTime": None,
        },
    }
    parsed = PersonSchedule.from_graph(settings)
    assert parsed.working_hours.time_zone == "Asia/Kolkata"
    assert parsed.working_hours.days_of_week == ("monday", "sunday")


def test_from_graph_rejects_scheduled_replies_without_dates() -> None:
    settings = {"timeZone": "UTC", "automaticRepliesSetting": {"status": "scheduled"}}
    with pytest.raises(ValidationError, match="need a start and an end"):
        PersonSchedule.from_graph(settings)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"days_of_week": []}, "at least 1"),
        ({"days_of_week": ["funday"]}, "unknown weekday"),
        ({"time_zone": "Nowhere Standard Time"}, "unknown time zone"),
        ({"start_time": time(9, tzinfo=UTC)}, "wall-clock"),
    ],
)
def test_working_hours_validation(changes: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {
        "days_of_week": ["monday"],
        "start_time": time(9),
        "end_time": time(17),
        "time_zone": "UTC",
    }
    fields.update(changes)
    with pytest.raises(ValidationError, match=message):
        WorkingHours(**fields)


def test_scheduled_replies_must_end_after_they_start() -> None:
    with pytest.raises(ValidationError, match="end after"):
        AutomaticReplies(
            status="scheduled", scheduled_start=utc(2026, 11, 24), scheduled_end=utc(2026, 11, 24)
        )


def test_schedule_round_trips_through_json() -> None:
    parsed = PersonSchedule.from_graph(GRAPH_SETTINGS)
    assert PersonSchedule.model_validate_json(parsed.model_dump_json()) == parsed


def test_from_graph_reads_offsets_and_ignores_malformed_date_objects() -> None:
    settings = {
        "timeZone": "UTC",
        "automaticRepliesSetting": {
            "status": "scheduled",
            "scheduledStartDateTime": {"dateTime": "2026-11-23T09:00:00.1234567+01:00"},
            "scheduledEndDateTime": {"dateTime": "2026-11-24T00:00:00", "timeZone": "UTC"},
        },
    }
    replies = PersonSchedule.from_graph(settings).automatic_replies
    assert replies.scheduled_start == datetime(2026, 11, 23, 8, 0, 0, 123456, tzinfo=UTC)
    disabled = {"automaticRepliesSetting": {"status": "disabled", "scheduledStartDateTime": "x"}}
    assert PersonSchedule.from_graph(disabled).automatic_replies.scheduled_start is None


def test_a_very_long_absence_is_jumped_not_walked() -> None:
    london = schedule(away=(utc(2026, 11, 21), utc(2126, 11, 21)))
    friday_evening = utc(2026, 11, 20, 18)
    back = utc(2126, 11, 21, 9)  # a Thursday, the day the absence ends
    assert next_reachable(friday_evening, london) == back
    assert add_working_time(friday_evening, timedelta(hours=1), london) == back + timedelta(hours=1)
    assert working_days_ahead(friday_evening, 1, london) == back
    assert reachable_periods(friday_evening, 1, london)[0].start == back

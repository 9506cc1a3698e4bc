"""The sandbox's recurrence expansion against a day-by-day oracle, and across DST."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.event_series import cancelled_name, expand, occurrence_start
from sandbox.recurrence import DAYS, INDEXES, PATTERNS, check_recurrence, occurrence_dates

UNTIL_DAYS = 400


def _months(start: date, day: date) -> int:
    return (day.year - start.year) * 12 + day.month - start.month


def _matches(pattern: dict[str, Any], start: date, day: date) -> bool:
    """Whether ``day`` is an occurrence, decided from the pattern's words alone."""
    kind, interval = str(pattern["type"]), int(pattern["interval"])
    last = calendar.monthrange(day.year, day.month)[1]
    if kind == "daily":
        return (day - start).days % interval == 0
    if kind == "weekly":
        first = DAYS.index(pattern["firstDayOfWeek"])

        def week_of(at: date) -> date:
            return at - timedelta(days=(at.weekday() - first) % 7)

        weeks = (week_of(day) - week_of(start)).days // 7
        return DAYS[day.weekday()] in pattern["daysOfWeek"] and weeks % interval == 0
    if kind.endswith("Yearly"):
        # The first year holding the pattern's month on or after the start, then every
        # ``interval`` years.
        first_year = start.year + (1 if pattern["month"] < start.month else 0)
        if day.month != pattern["month"] or (day.year - first_year) % interval:
            return False
    elif _months(start, day) % interval:
        return False
    if kind.startswith("absolute"):
        return day.day == min(int(pattern["dayOfMonth"]), last)
    same = [
        d
        for d in range(1, last + 1)
        if DAYS[date(day.year, day.month, d).weekday()] in pattern["daysOfWeek"]
    ]
    position = INDEXES.index(pattern["index"])
    wanted = same[-1] if pattern["index"] == "last" else same[position]
    return day.day == wanted


def _oracle(recurrence: dict[str, Any], until: date) -> list[date]:
    span = recurrence["range"]
    start = date.fromisoformat(span["startDate"])
    found = []
    day = start
    while day <= until:
        if span["type"] == "endDate" and day > date.fromisoformat(span["endDate"]):
            break
        if _matches(recurrence["pattern"], start, day):
            found.append(day)
            if span["type"] == "numbered" and len(found) == span["numberOfOccurrences"]:
                break
        day += timedelta(days=1)
    return found


@st.composite
def recurrences(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(PATTERNS))
    start = draw(st.dates(min_value=date(2028, 1, 1), max_value=date(2031, 12, 31)))
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
    range_type = draw(st.sampled_from(["endDate", "noEnd", "numbered"]))
    raw = {
        "pattern": {
            "type": kind,
            "interval": draw(st.integers(1, 4 if "Yearly" not in kind else 2)),
            "daysOfWeek": days,
            "firstDayOfWeek": draw(st.sampled_from(DAYS)),
            "dayOfMonth": draw(st.integers(1, 31)),
            "month": draw(st.integers(1, 12)),
            "index": draw(st.sampled_from(INDEXES)),
        },
        "range": {
            "type": range_type,
            "startDate": start.isoformat(),
            "endDate": (start + timedelta(days=draw(st.integers(0, 300)))).isoformat(),
            "numberOfOccurrences": draw(st.integers(1, 30)),
        },
    }
    checked = check_recurrence(raw)
    assert checked is not None
    return checked


@settings(deadline=None)  # shared CI cores: time per example varies
@given(recurrences())
def test_expansion_matches_a_day_by_day_oracle(recurrence: dict[str, Any]) -> None:
    until = date.fromisoformat(recurrence["range"]["startDate"]) + timedelta(days=UNTIL_DAYS)
    assert list(occurrence_dates(recurrence, until)) == _oracle(recurrence, until)


def _master(zone: str, local_start: str, recurrence: dict[str, Any]) -> dict[str, Any]:
    start = datetime.fromisoformat(local_start)
    return {
        "id": "master",
        "iCalUId": "UID",
        "uid": "UID",
        "type": "seriesMaster",
        "originalStartTimeZone": zone,
        "start": {"dateTime": start.isoformat(), "timeZone": zone},
        "end": {"dateTime": (start + timedelta(minutes=45)).isoformat(), "timeZone": zone},
        "recurrence": recurrence,
        "cancelledOccurrences": [],
    }


@settings(deadline=None)  # shared CI cores: time per example varies
@given(
    st.sampled_from(["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Tokyo"]),
    st.integers(7, 18),
    st.dates(min_value=date(2029, 1, 1), max_value=date(2031, 12, 31)),
)
def test_weekly_occurrences_keep_their_wall_clock_time_in_the_series_zone(
    zone: str, hour: int, first: date
) -> None:
    recurrence = check_recurrence(
        {
            "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": [DAYS[first.weekday()]]},
            "range": {
                "type": "numbered",
                "startDate": first.isoformat(),
                "numberOfOccurrences": 60,
                "recurrenceTimeZone": zone,
            },
        }
    )
    assert recurrence is not None
    master = _master(zone, f"{first.isoformat()}T{hour:02d}:00:00", recurrence)
    window = (
        datetime.combine(first, time(0), UTC) - timedelta(days=1),
        datetime.combine(first, time(0), UTC) + timedelta(weeks=61),
    )
    occurrences = expand(master, *window, lambda _: None)
    assert len(occurrences) == 60
    from zoneinfo import ZoneInfo

    for index, occurrence in enumerate(occurrences):
        begins = datetime.fromisoformat(occurrence["start"]["dateTime"][:19]).replace(tzinfo=UTC)
        local = begins.astimezone(ZoneInfo(zone))
        assert (local.hour, local.minute) == (hour, 0)
        assert local.date() == first + timedelta(weeks=index)
        assert begins == occurrence_start(master, local.date())


@settings(deadline=None)  # shared CI cores: time per example varies
@given(recurrences(), st.sets(st.integers(0, 40), max_size=10))
def test_cancelled_occurrences_are_left_out_and_the_rest_keep_their_dates(
    recurrence: dict[str, Any], cancelled: set[int]
) -> None:
    start = date.fromisoformat(recurrence["range"]["startDate"])
    master = _master("Europe/London", f"{start.isoformat()}T09:30:00", recurrence)
    until = start + timedelta(days=UNTIL_DAYS)
    dates = _oracle(recurrence, until)
    master["cancelledOccurrences"] = [
        cancelled_name("master", day) for index, day in enumerate(dates) if index in cancelled
    ]
    window = (
        datetime.combine(start, time(0), UTC) - timedelta(days=1),
        datetime.combine(until + timedelta(days=1), time(0), UTC),
    )
    shown = expand(master, *window, lambda _: None)
    kept = [day for index, day in enumerate(dates) if index not in cancelled]
    assert [datetime.fromisoformat(item["start"]["dateTime"][:10]).date() for item in shown] == kept
    assert all(item["type"] == "occurrence" for item in shown)
    assert len({item["id"] for item in shown}) == len(shown)

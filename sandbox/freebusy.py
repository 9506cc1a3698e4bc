"""getSchedule: free/busy views of the tenant's calendars, working hours and absences."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.working_time import PersonSchedule
from sandbox.calendar import Calendars
from sandbox.errors import GraphError
from sandbox.event_times import event_interval, in_zone, to_utc
from sandbox.schema import GraphSchema
from sandbox.state import SandboxState

DEFAULT_INTERVAL = 30
MAX_SCHEDULES = 100
# The availability service answers for at most 62 days at a time.
MAX_WINDOW = timedelta(days=62)
_DIGITS = {"free": "0", "tentative": "1", "busy": "2", "oof": "3", "workingElsewhere": "4"}
# When items overlap in one interval the view shows the most committed status.
_WEIGHT = {"0": 0, "4": 1, "1": 2, "2": 3, "3": 4}
_PRIVATE = {"private", "confidential"}


@dataclass(frozen=True)
class ScheduleQuery:
    """A parsed getSchedule request."""

    schedules: list[str]
    start: datetime
    end: datetime
    interval: timedelta


def _invalid(message: str, code: str = "ErrorInvalidParameter") -> GraphError:
    return GraphError(400, code, message)


def parse_query(body: dict[str, Any]) -> ScheduleQuery:
    """Validate a getSchedule body against Graph's metadata and rules.

    Args:
        body: the request body (parameter names in any case).

    Returns:
        The query.

    Raises:
        GraphError: 400 when Graph would refuse it.
    """
    params = GraphSchema.load().validate_action("getSchedule", body)
    schedules = params.get("Schedules")
    if not isinstance(schedules, list) or not schedules:
        raise _invalid("Your request can't be completed. Schedules must name at least one address.")
    if len(schedules) > MAX_SCHEDULES:
        raise _invalid(
            "There are too many target users in the EmailAddress array. The allowed size = "
            f"{MAX_SCHEDULES}; the actual size = {len(schedules)}.",
            "ErrorMailboxDataArrayTooBig",
        )
    start = to_utc(params.get("StartTime"), "StartTime")
    end = to_utc(params.get("EndTime"), "EndTime")
    if end <= start:
        raise _invalid("Your request can't be completed. EndTime must be later than StartTime.")
    if end - start > MAX_WINDOW:
        raise _invalid(
            f"The time window can't be longer than {MAX_WINDOW.days} days.",
            "ErrorTimeIntervalTooBig",
        )
    raw_interval = params.get("AvailabilityViewInterval")
    interval = DEFAULT_INTERVAL if raw_interval is None else raw_interval
    if not isinstance(interval, int) or not 5 <= interval <= 1440:
        raise _invalid(
            "Your request can't be completed. AvailabilityViewInterval must be between 5 and "
            "1440 minutes."
        )
    return ScheduleQuery([str(item) for item in schedules], start, end, timedelta(minutes=interval))


def schedule_information(
    state: SandboxState, address: str, query: ScheduleQuery, zone_name: str | None
) -> dict[str, Any]:
    """Build one ``scheduleInformation`` entry of a getSchedule answer.

    Args:
        state: the sandbox.
        address: the SMTP address asked about.
        query: the window and interval.
        zone_name: the zone for times in the answer (UTC when ``None``).

    Returns:
        The entry; for an address outside the tenant, an entry carrying Graph's error.
    """
    user = state.directory.find_user(address) if "@" in address else None
    if user is None:
        # What Graph answers for an address its directory cannot resolve.
        return {
            "scheduleId": address,
            "error": {
                "message": f"Unable to resolve e-mail address {address} to an Active Directory "
                "object.",
                "responseCode": "5009",
            },
        }
    settings = state.directory.mailbox_settings(str(user["id"]))
    items = _busy_items(state, str(user["id"]), query)
    view = [_interval_digit(items, slot_start, query) for slot_start in _slots(query)]
    _mark_absence(view, settings, query)
    return {
        "scheduleId": address,
        "availabilityView": "".join(view),
        "scheduleItems": [_schedule_item(event, zone_name) for event, _, _ in items],
        "workingHours": _working_hours(settings),
    }


BusyItem = tuple[dict[str, Any], datetime, datetime]


def _busy_items(state: SandboxState, user_id: str, query: ScheduleQuery) -> list[BusyItem]:
    items: list[BusyItem] = []
    for event in Calendars(state).view(user_id, query.start, query.end):
        if event.get("isCancelled"):
            continue
        if (event.get("responseStatus") or {}).get("response") == "declined":
            continue
        start, end = event_interval(event)
        if start < query.end and end > query.start:
            items.append((event, start, end))
    items.sort(key=lambda item: item[1])
    return items


def _slots(query: ScheduleQuery) -> list[datetime]:
    count = math.ceil((query.end - query.start) / query.interval)
    return [query.start + index * query.interval for index in range(count)]


def _interval_digit(items: list[BusyItem], slot_start: datetime, query: ScheduleQuery) -> str:
    slot_end = min(slot_start + query.interval, query.end)
    digit = "0"
    for event, start, end in items:
        if start < slot_end and end > slot_start:
            candidate = _DIGITS.get(str(event.get("showAs")), "2")
            if _WEIGHT[candidate] > _WEIGHT[digit]:
                digit = candidate
    return digit


def _mark_absence(view: list[str], settings: dict[str, Any], query: ScheduleQuery) -> None:
    try:
        replies = PersonSchedule.from_graph(settings).automatic_replies
    except ValueError:
        # Settings the domain cannot read (e.g. a scheduled window ending before it starts)
        # carry no usable absence.
        return
    if replies.status == "alwaysEnabled":
        view[:] = ["3"] * len(view)
        return
    absence = replies.scheduled_absence
    if absence is None:
        return
    for index, slot_start in enumerate(_slots(query)):
        slot_end = min(slot_start + query.interval, query.end)
        if absence.start < slot_end and absence.end > slot_start:
            view[index] = "3"


def _schedule_item(event: dict[str, Any], zone_name: str | None) -> dict[str, Any]:
    location = event.get("location") or {}
    return {
        "isPrivate": event.get("sensitivity") in _PRIVATE,
        "status": event.get("showAs") or "busy",
        "subject": event.get("subject") or "",
        "location": location.get("displayName") or "",
        "isMeeting": bool(event.get("attendees")),
        "isRecurring": event.get("type") in {"occurrence", "exception"},
        "isException": event.get("type") == "exception",
        "isReminderSet": bool(event.get("isReminderOn")),
        "start": in_zone(to_utc(event["start"], "start"), zone_name),
        "end": in_zone(to_utc(event["end"], "end"), zone_name),
    }


def _working_hours(settings: dict[str, Any]) -> dict[str, Any]:
    hours = dict(settings.get("workingHours") or {})
    hours.setdefault("daysOfWeek", ["monday", "tuesday", "wednesday", "thursday", "friday"])
    hours.setdefault("startTime", "08:00:00.0000000")
    hours.setdefault("endTime", "17:00:00.0000000")
    zone = hours.get("timeZone")
    if not isinstance(zone, dict):
        hours["timeZone"] = {"name": zone or settings.get("timeZone") or "UTC"}
    return hours

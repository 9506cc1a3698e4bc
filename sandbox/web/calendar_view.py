"""The calendar side of the page: a person's week, one event's details, and invitations.

Answers to invitations go through the sandbox's calendar service, so a click on "Accept"
leaves exactly what Graph's ``POST /users/{id}/events/{id}/accept`` would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from domain.timezones import resolve_zone
from sandbox.calendar import EVENTS, Calendars
from sandbox.errors import GraphError
from sandbox.event_times import event_interval, to_utc
from sandbox.meeting_messages import Response, linked_event_id
from sandbox.state import SandboxState
from sandbox.web.views import Person, clock_time, schedule_of, short_day

HOUR_PX = 44
_TWO_LINES_PX = 30  # below this an event box shows its subject only
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ANSWERS: dict[str, Response] = {
    "accept": "accepted",
    "tentativelyAccept": "tentativelyAccepted",
    "decline": "declined",
}
RESPONSE_LABELS = {
    "none": "No response",
    "notResponded": "No response",
    "accepted": "Accepted",
    "tentativelyAccepted": "Tentative",
    "declined": "Declined",
    "organizer": "Organizer",
}
# What the week marks on a series' occurrences (Outlook's repeat and "changed" icons).
_SERIES_MARKS = {"occurrence": "repeats", "exception": "changed"}
_SHOW_AS_LABELS = {
    "free": "Free",
    "tentative": "Tentative",
    "busy": "Busy",
    "oof": "Away",
    "workingElsewhere": "Working elsewhere",
    "unknown": "Unknown",
}


def _span(start: datetime, end: datetime) -> str:
    """Describe a stretch of time in one zone: ``Tue 13 May, 10:00-10:30`` (with an en dash)."""
    if start.date() == end.date() or end - start <= timedelta(0):
        return f"{short_day(start)}, {clock_time(start)}\u2013{clock_time(end)}"
    return f"{short_day(start)}, {clock_time(start)} \u2013 {short_day(end)}, {clock_time(end)}"


def _all_day_span(first: date, end: date) -> str:
    last = max(first, end - timedelta(days=1))
    if last == first:
        return f"{short_day(first)}, all day"
    return f"{short_day(first)} \u2013 {short_day(last)}, all day"


def _dates(item: dict[str, Any], start: datetime, end: datetime) -> tuple[date, date]:
    """Return the days an all-day item covers (the end excluded).

    All-day events are dates, not instants: they cover the same days for everyone, read in
    the zone the organizer gave them in, whatever the viewer's zone.
    """
    try:
        zone: tzinfo = resolve_zone(str(item.get("originalStartTimeZone") or "UTC"))
    except ValueError:
        zone = UTC
    first = start.astimezone(zone).date()
    return first, max(end.astimezone(zone).date(), first + timedelta(days=1))


def _interval(event: dict[str, Any]) -> tuple[datetime, datetime] | None:
    try:
        return event_interval(event)
    except GraphError:
        # A stored event is always readable; refuse to crash the page if one is not.
        return None


def _name(entry: Any) -> str:
    email = (entry or {}).get("emailAddress") or {}
    return str(email.get("name") or email.get("address") or "(unknown)")


def _location(value: Any) -> str:
    return str((value or {}).get("displayName") or "") if isinstance(value, dict) else ""


@dataclass(frozen=True)
class Invitation:
    """The meeting card above a meeting message: what, when, and the person's answer."""

    kind: str
    subject: str
    when: str
    location: str
    organizer: str
    response: str
    response_label: str
    can_respond: bool
    event_url: str | None
    respond_url: str
    note: str | None


def invitation(state: SandboxState, viewer: Person, message: dict[str, Any]) -> Invitation | None:
    """Describe the meeting behind a meeting message, or ``None`` for ordinary mail.

    Args:
        state: the sandbox.
        viewer: whose mailbox holds the message.
        message: the stored message.

    Returns:
        The card, with the answer buttons enabled only where Graph would accept an answer.
    """
    odata_type = str(message.get("@odata.type") or "")
    if not odata_type.startswith("#microsoft.graph.eventMessage"):
        return None
    meeting_type = str(message.get("meetingMessageType") or "")
    kind = {
        "#microsoft.graph.eventMessageRequest": "request",
        "#microsoft.graph.eventMessageResponse": "response",
    }.get(odata_type, "cancelled" if meeting_type == "meetingCancelled" else "update")
    event: dict[str, Any] | None = None
    event_id = linked_event_id(message)
    if event_id is not None:
        event = state.store.get(EVENTS, viewer.id, event_id)
    when = ""
    try:
        start = to_utc(message.get("startDateTime"), "startDateTime").astimezone(viewer.zone)
        end = to_utc(message.get("endDateTime"), "endDateTime").astimezone(viewer.zone)
        if message.get("isAllDay"):
            when = _all_day_span(*_dates(event or message, start, end))
        else:
            when = _span(start, end)
    except GraphError:
        when = "(time unknown)"
    response = "none"
    note = None
    if event is not None:
        response = str((event.get("responseStatus") or {}).get("response") or "none")
        if event.get("isCancelled"):
            note = "This meeting has been cancelled."
    elif kind == "request":
        note = "This meeting is no longer in the calendar."
    if kind == "response":
        answered = str(message.get("responseType") or "")
        note = f"{_name(message.get('from'))}: {RESPONSE_LABELS.get(answered, answered)}."
    can_respond = (
        kind == "request"
        and event is not None
        and not event.get("isOrganizer")
        and not event.get("isCancelled")
    )
    return Invitation(
        kind=kind,
        subject=str(message.get("subject") or "(no subject)"),
        when=when,
        location=_location(message.get("location")),
        organizer=_name(event.get("organizer") if event else message.get("from")),
        response=response,
        response_label=RESPONSE_LABELS.get(response, response),
        can_respond=can_respond,
        event_url=None if event is None else f"/web/users/{viewer.id}/calendar/{event['id']}",
        respond_url=f"/web/users/{viewer.id}/mail/{message['id']}/respond",
        note=note,
    )


def respond(
    state: SandboxState, viewer: Person, message: dict[str, Any], answer: str, comment: str
) -> str | None:
    """Answer the invitation a message carries, as Graph's accept/tentativelyAccept/decline.

    Args:
        state: the sandbox.
        viewer: the attendee answering.
        message: the invitation in their inbox.
        answer: ``accept``, ``tentativelyAccept`` or ``decline``.
        comment: an optional note to the organizer.

    Returns:
        ``None`` when the answer was recorded, else what stopped it, for the person to read.
    """
    response = _ANSWERS.get(answer)
    if response is None:
        return f"{answer!r} is not an answer: use accept, tentativelyAccept or decline."
    event_id = linked_event_id(message)
    if event_id is None:
        return "This message is not a meeting invitation."
    calendars = Calendars(state)
    try:
        user = state.directory.user(viewer.id)
        event = calendars.get(viewer.id, event_id)
        # sendResponse defaults to true in Graph: the organizer hears of the answer.
        calendars.respond(user, event, response, comment=comment or None, send_response=True)
    except GraphError as error:
        return error.message
    return None


@dataclass(frozen=True)
class EventBox:
    """One event (or the part of it on one day) placed in the week grid."""

    id: str
    url: str
    subject: str
    time: str
    classes: str
    style: str
    title: str
    series: str = ""
    """For an occurrence of a series: "repeats", or "changed" for an exception."""


@dataclass(frozen=True)
class Day:
    """One column of the week."""

    label: str
    is_today: bool
    work_style: str | None
    now_style: str | None
    events: list[EventBox]
    all_day: list[EventBox]


@dataclass(frozen=True)
class WeekView:
    """A person's week, Monday to Sunday, in their zone."""

    monday: date
    title: str
    zone: str
    hours: list[str]
    height: int
    days: list[Day]
    prev_url: str
    next_url: str
    today_url: str
    hour_px: int = HOUR_PX


@dataclass
class _Segment:
    event: dict[str, Any]
    start: datetime
    end: datetime
    lane: int = 0
    lanes: int = 1


def _classes(event: dict[str, Any], selected: str | None) -> str:
    classes = ["event", f"show-{event.get('showAs') or 'busy'}"]
    response = (event.get("responseStatus") or {}).get("response")
    if event.get("isCancelled"):
        classes.append("is-cancelled")
    elif response == "declined":
        classes.append("is-declined")
    elif response in {"notResponded", "none"} and not event.get("isOrganizer"):
        classes.append("is-unanswered")
    if event.get("type") in _SERIES_MARKS:
        classes.append(f"is-{event['type']}")
    if selected is not None and event.get("id") == selected:
        classes.append("is-selected")
    return " ".join(classes)


def _series_mark(event: dict[str, Any]) -> str:
    return _SERIES_MARKS.get(str(event.get("type")), "")


def _tooltip(event: dict[str, Any], when: str) -> str:
    parts = [str(event.get("subject") or "(no subject)"), when]
    if _series_mark(event):
        parts.append(_series_mark(event))
    if event.get("isCancelled"):
        parts.append("cancelled")
    else:
        parts.append(_SHOW_AS_LABELS.get(str(event.get("showAs")), str(event.get("showAs"))))
    return " \u00b7 ".join(parts)


def _lay_out(segments: list[_Segment]) -> None:
    """Put overlapping events side by side, each group as wide as its busiest moment."""
    segments.sort(key=lambda segment: (segment.start, -(segment.end - segment.start)))
    group: list[_Segment] = []
    lane_ends: list[datetime] = []
    group_end: datetime | None = None

    def close() -> None:
        for member in group:
            member.lanes = len(lane_ends)

    for segment in segments:
        if group_end is not None and segment.start >= group_end:
            close()
            group, lane_ends, group_end = [], [], None
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= segment.start:
                segment.lane = lane
                lane_ends[lane] = segment.end
                break
        else:
            segment.lane = len(lane_ends)
            lane_ends.append(segment.end)
        group.append(segment)
        group_end = segment.end if group_end is None else max(group_end, segment.end)
    close()


def _minutes(moment: datetime, day_start: datetime) -> float:
    return (moment - day_start).total_seconds() / 60


def week_view(
    state: SandboxState, viewer: Person, around: date | None, *, selected: str | None = None
) -> WeekView:
    """Lay out the week holding ``around`` (this week by default) of a person's calendar.

    Args:
        state: the sandbox.
        viewer: whose calendar, in whose zone.
        around: any day of the week to show.
        selected: the id of an event to highlight.

    Returns:
        The week, with events placed by the minute and overlapping ones side by side.
    """
    zone = viewer.zone
    now = state.clock.now().astimezone(zone)
    monday = (around or now.date()) - timedelta(days=(around or now.date()).weekday())
    days = [monday + timedelta(days=offset) for offset in range(7)]
    starts = [datetime.combine(day, time(0), tzinfo=zone) for day in days]
    week_start, week_end = starts[0], starts[0] + timedelta(days=7)

    schedule = schedule_of(state.directory.mailbox_settings(viewer.id))
    first_hour, last_hour = 8, 18
    work: dict[date, tuple[datetime, datetime]] = {}
    if schedule is not None:
        hours = schedule.working_hours
        for day in days:
            if _WEEKDAYS[day.weekday()] not in hours.days_of_week:
                continue
            begin = datetime.combine(day, hours.start_time, tzinfo=hours.zone).astimezone(zone)
            finish = datetime.combine(day, hours.end_time, tzinfo=hours.zone).astimezone(zone)
            if finish <= begin:
                finish += timedelta(days=1)
            work[day] = (begin, finish)

    timed: dict[date, list[_Segment]] = {day: [] for day in days}
    all_day: dict[date, list[EventBox]] = {day: [] for day in days}
    # Series are shown as their occurrences in the week (as calendarView expands them):
    # exceptions as changed, cancelled occurrences not at all. The window is widened by two
    # days so that all-day events, which start at midnight in their own zone, are not missed.
    margin = timedelta(days=2)
    for event in Calendars(state).view(viewer.id, week_start - margin, week_end + margin):
        interval = _interval(event)
        if interval is None:
            continue
        start, end = (moment.astimezone(zone) for moment in interval)
        if end <= week_start or start >= week_end:
            continue
        event_id = str(event["id"])
        url = f"/web/users/{viewer.id}/calendar/{event_id}?week={monday.isoformat()}"
        if event.get("isAllDay") or end - start >= timedelta(days=1):
            if event.get("isAllDay"):
                first, last = _dates(event, start, end)
                when, label = _all_day_span(first, last), "all day"
                covered = [day for day in days if first <= day < last]
            else:
                when = label = _span(start, end)
                covered = [
                    day
                    for day, day_start in zip(days, starts, strict=True)
                    if start < day_start + timedelta(days=1) and end > day_start
                ]
            for day in covered:
                all_day[day].append(
                    EventBox(
                        id=event_id,
                        url=url,
                        subject=str(event.get("subject") or "(no subject)"),
                        time=label,
                        classes=_classes(event, selected),
                        style="",
                        title=_tooltip(event, when),
                        series=_series_mark(event),
                    )
                )
            continue
        for day, day_start in zip(days, starts, strict=True):
            day_end = day_start + timedelta(days=1)
            if start < day_end and end > day_start:
                timed[day].append(_Segment(event, max(start, day_start), min(end, day_end)))

    for segments in timed.values():
        for segment in segments:
            day_start = datetime.combine(segment.start.date(), time(0), tzinfo=zone)
            first_hour = min(first_hour, int(_minutes(segment.start, day_start) // 60))
            last_hour = max(last_hour, -int(-_minutes(segment.end, day_start) // 60))
    for begin, finish in work.values():
        first_hour = min(first_hour, begin.hour)
        last_hour = max(last_hour, finish.hour + (1 if finish.minute else 0))
    first_hour, last_hour = max(0, first_hour), min(24, max(last_hour, first_hour + 1))

    def place(day_start: datetime, start: datetime, end: datetime) -> tuple[float, float]:
        top = (_minutes(start, day_start) - first_hour * 60) / 60 * HOUR_PX
        bottom = (_minutes(end, day_start) - first_hour * 60) / 60 * HOUR_PX
        top = min(max(top, 0.0), (last_hour - first_hour) * HOUR_PX)
        bottom = min(max(bottom, top), (last_hour - first_hour) * HOUR_PX)
        return top, bottom

    columns: list[Day] = []
    for day, day_start in zip(days, starts, strict=True):
        segments = timed[day]
        _lay_out(segments)
        boxes = []
        for segment in segments:
            top, bottom = place(day_start, segment.start, segment.end)
            width = 100 / segment.lanes
            interval = _interval(segment.event)
            whole = (
                _span(*(moment.astimezone(zone) for moment in interval))
                if interval
                else _span(segment.start, segment.end)
            )
            boxes.append(
                EventBox(
                    id=str(segment.event["id"]),
                    url=f"/web/users/{viewer.id}/calendar/{segment.event['id']}"
                    f"?week={monday.isoformat()}",
                    subject=str(segment.event.get("subject") or "(no subject)"),
                    time=f"{clock_time(segment.start)}\u2013{clock_time(segment.end)}",
                    classes=_classes(segment.event, selected)
                    + (" is-short" if bottom - top < _TWO_LINES_PX else ""),
                    style=(
                        f"top:{top:.1f}px;height:{max(bottom - top, 18.0):.1f}px;"
                        f"left:calc({segment.lane * width:.3f}% + 2px);"
                        f"width:calc({width:.3f}% - 4px)"
                    ),
                    title=_tooltip(segment.event, whole),
                    series=_series_mark(segment.event),
                )
            )
        work_style = None
        if day in work:
            top, bottom = place(day_start, *work[day])
            if bottom > top:
                work_style = f"top:{top:.1f}px;height:{bottom - top:.1f}px"
        now_style = None
        if now.date() == day and first_hour <= now.hour < last_hour:
            top, _ = place(day_start, now, now)
            now_style = f"top:{top:.1f}px"
        columns.append(
            Day(
                label=f"{short_day(day_start)}",
                is_today=now.date() == day,
                work_style=work_style,
                now_style=now_style,
                events=boxes,
                all_day=all_day[day],
            )
        )
    sunday = days[-1]
    if monday.month == sunday.month:
        title = f"{monday.day} \u2013 {sunday.day} {sunday:%B %Y}"
    elif monday.year == sunday.year:
        title = f"{monday.day} {monday:%b} \u2013 {sunday.day} {sunday:%b %Y}"
    else:
        title = f"{monday.day} {monday:%b %Y} \u2013 {sunday.day} {sunday:%b %Y}"
    base = f"/web/users/{viewer.id}/calendar"
    return WeekView(
        monday=monday,
        title=title,
        zone=f"{viewer.zone_name} ({viewer.offset})",
        hours=[f"{hour:02d}:00" for hour in range(first_hour, last_hour)],
        height=(last_hour - first_hour) * HOUR_PX,
        days=columns,
        prev_url=f"{base}?week={(monday - timedelta(days=7)).isoformat()}",
        next_url=f"{base}?week={(monday + timedelta(days=7)).isoformat()}",
        today_url=base,
    )


@dataclass(frozen=True)
class Attendee:
    """One attendee line of an event's details."""

    name: str
    address: str
    kind: str
    response: str
    label: str


@dataclass(frozen=True)
class EventDetail:
    """One event as the panel beside the week shows it."""

    id: str
    subject: str
    when: str
    day: date
    location: str
    organizer: str
    is_organizer: bool
    is_cancelled: bool
    show_as: str
    response: str
    response_label: str
    attendees: list[Attendee]
    preview: str
    close_url: str


def event_detail(state: SandboxState, viewer: Person, event_id: str) -> EventDetail | None:
    """Describe one of a person's events, with every attendee's answer, or ``None``."""
    try:
        # An occurrence of a series is found by its id too, as Graph finds it.
        event = Calendars(state).get(viewer.id, event_id)
    except GraphError:
        return None
    interval = _interval(event)
    if interval is None:
        return None
    start, end = (moment.astimezone(viewer.zone) for moment in interval)
    all_day = bool(event.get("isAllDay"))
    response = str((event.get("responseStatus") or {}).get("response") or "none")
    attendees = []
    for entry in event.get("attendees") or []:
        answer = str((entry.get("status") or {}).get("response") or "none")
        attendees.append(
            Attendee(
                name=_name(entry),
                address=str((entry.get("emailAddress") or {}).get("address") or ""),
                kind=str(entry.get("type") or "required"),
                response=answer,
                label=RESPONSE_LABELS.get(answer, answer),
            )
        )
    day = _dates(event, start, end)[0] if all_day else start.date()
    monday = day - timedelta(days=day.weekday())
    return EventDetail(
        id=event_id,
        subject=str(event.get("subject") or "(no subject)"),
        when=_all_day_span(*_dates(event, start, end)) if all_day else _span(start, end),
        day=day,
        location=_location(event.get("location")),
        organizer=_name(event.get("organizer")),
        is_organizer=bool(event.get("isOrganizer")),
        is_cancelled=bool(event.get("isCancelled")),
        show_as=_SHOW_AS_LABELS.get(str(event.get("showAs")), str(event.get("showAs"))),
        response=response,
        response_label=RESPONSE_LABELS.get(response, response),
        attendees=attendees,
        preview=str(event.get("bodyPreview") or ""),
        close_url=f"/web/users/{viewer.id}/calendar?week={monday.isoformat()}",
    )

"""What the page shows, computed from the sandbox's state: people, mail and the status panel.

These are plain view models; the templates only lay them out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from domain.working_time import PersonSchedule, is_out_of_office, is_within_working_hours
from sandbox.directory import folder_id_for
from sandbox.mailbox import MESSAGES
from sandbox.state import SandboxState
from sandbox.web.safe_mail import email_document, has_remote_content, inline_images, plain_text

FOLDERS = {"inbox": "Inbox", "sentitems": "Sent Items"}
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MEETING_TYPES = {
    "#microsoft.graph.eventMessageRequest": "Invitation",
    "#microsoft.graph.eventMessageResponse": "Response",
    "#microsoft.graph.eventMessage": "Meeting",
}


def parse_instant(value: Any) -> datetime | None:
    """Read an ISO-8601 instant as Graph writes it (``...Z``), or ``None``."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def clock_time(when: datetime) -> str:
    """Format a time of day, 24-hour: ``14:05``."""
    return f"{when:%H:%M}"


def short_day(when: date) -> str:
    """Format a day briefly: ``Tue 13 May``."""
    return f"{_DAY_NAMES[when.weekday()]} {when.day} {when:%b}"


def long_moment(when: datetime) -> str:
    """Format a day and time: ``Tue 13 May 2025, 14:05``."""
    return f"{short_day(when)} {when.year}, {clock_time(when)}"


def utc_offset(when: datetime) -> str:
    """Format a UTC offset as people read it: ``UTC+05:30``, ``UTC-04:00`` (a true minus)."""
    offset = when.utcoffset() or timedelta()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def day_ranges(days: tuple[str, ...] | list[str]) -> str:
    """Describe working days compactly: ``Mon-Fri`` (with an en dash) or ``Mon, Wed, Fri``."""
    indexes = sorted(_WEEKDAYS.index(day) for day in days if day in _WEEKDAYS)
    if not indexes:
        return "no days"
    runs: list[list[int]] = [[indexes[0]]]
    for index in indexes[1:]:
        if index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    shown: list[str] = []
    for run in runs:
        if len(run) > 2:
            shown.append(f"{_DAY_NAMES[run[0]]}\u2013{_DAY_NAMES[run[-1]]}")
        else:
            shown.extend(_DAY_NAMES[index] for index in run)
    return ", ".join(shown)


@dataclass(frozen=True)
class Person:
    """One user as the sidebar and the page header show them."""

    id: str
    name: str
    title: str
    email: str
    zone: ZoneInfo
    zone_name: str
    offset: str
    local_time: str
    local_day: str
    working_hours: str
    status: str
    status_label: str
    away_note: str | None
    unread: int


def schedule_of(settings: dict[str, Any]) -> PersonSchedule | None:
    """Read a user's mailbox settings as a schedule, or ``None`` when they are malformed."""
    try:
        return PersonSchedule.from_graph(settings)
    except ValueError:
        # A malformed setting should not take the whole page down; show what is known.
        return None


def person(state: SandboxState, user: dict[str, Any]) -> Person:
    """Describe a user: zone, local time, working hours, out-of-office, unread mail.

    Args:
        state: the sandbox.
        user: the user's directory entry.

    Returns:
        The person, as of the sandbox's clock.
    """
    user_id = str(user["id"])
    settings = state.directory.mailbox_settings(user_id)
    schedule = schedule_of(settings)
    zone = schedule.zone if schedule else ZoneInfo("UTC")
    now = state.clock.now()
    local = now.astimezone(zone)
    hours = "unknown"
    status, label, away_note = "off", "Off hours", None
    if schedule is not None:
        working = schedule.working_hours
        hours = (
            f"{day_ranges(working.days_of_week)} "
            f"{clock_time(datetime.combine(local.date(), working.start_time))}"
            f"\u2013{clock_time(datetime.combine(local.date(), working.end_time))}"
        )
        if is_within_working_hours(now, schedule):
            status, label = "working", "Working"
        replies = schedule.automatic_replies
        absence = replies.scheduled_absence
        if is_out_of_office(now, schedule):
            status, label = "away", "Out of office"
            away_note = (
                f"Away until {short_day(absence.end.astimezone(zone))}"
                if absence is not None
                else "Automatic replies are on"
            )
        elif absence is not None and absence.start > now:
            away_note = (
                f"Away {short_day(absence.start.astimezone(zone))}"
                f" \u2013 {short_day((absence.end - timedelta(seconds=1)).astimezone(zone))}"
            )
    inbox = folder_id_for(user_id, "inbox")
    unread = sum(
        1
        for message in state.store.list(MESSAGES, user_id, where={"parentFolderId": inbox})
        if not message.get("isRead")
    )
    return Person(
        id=user_id,
        name=str(user.get("displayName") or user.get("mail") or user_id),
        title=str(user.get("jobTitle") or ""),
        email=str(user.get("mail") or user.get("userPrincipalName") or ""),
        zone=zone,
        zone_name=str(settings.get("timeZone") or zone.key),
        offset=utc_offset(local),
        local_time=clock_time(local),
        local_day=short_day(local),
        working_hours=hours,
        status=status,
        status_label=label,
        away_note=away_note,
        unread=unread,
    )


def people(state: SandboxState) -> list[Person]:
    """Describe every user of the tenant, in the tenant file's order."""
    return [person(state, user) for user in state.directory.all_users()]


def _address(recipient: Any) -> tuple[str, str]:
    email = (recipient or {}).get("emailAddress") or {}
    address = str(email.get("address") or "")
    return str(email.get("name") or address or "(unknown)"), address


def _names(recipients: Any) -> list[str]:
    return [_address(recipient)[0] for recipient in recipients or []]


def _labelled(recipients: Any) -> list[str]:
    shown = []
    for recipient in recipients or []:
        name, address = _address(recipient)
        shown.append(f"{name} <{address}>" if address and name != address else name)
    return shown


@dataclass(frozen=True)
class MessageRow:
    """One line of a folder's message list."""

    id: str
    url: str
    who: str
    subject: str
    preview: str
    when: str
    unread: bool
    kind: str | None
    selected: bool


def _received(message: dict[str, Any]) -> datetime:
    return parse_instant(message.get("receivedDateTime")) or datetime.min.replace(tzinfo=UTC)


def _when(received: datetime, zone: ZoneInfo, now: datetime) -> str:
    local = received.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return clock_time(local)
    return short_day(local)


def _kind(message: dict[str, Any]) -> str | None:
    if message.get("meetingMessageType") == "meetingCancelled":
        return "Cancelled"
    return _MEETING_TYPES.get(str(message.get("@odata.type")))


def folder_messages(state: SandboxState, user_id: str, folder: str) -> list[dict[str, Any]]:
    """Return the messages of a user's well-known folder, newest first."""
    folder_id = folder_id_for(user_id, folder)
    items = state.store.list(MESSAGES, user_id, where={"parentFolderId": folder_id})
    return sorted(items, key=_received, reverse=True)


def message_rows(
    state: SandboxState, viewer: Person, folder: str, selected: str | None
) -> list[MessageRow]:
    """Describe a folder's messages for the list, newest first.

    Args:
        state: the sandbox.
        viewer: whose mailbox.
        folder: ``inbox`` or ``sentitems``.
        selected: the id of the open message, if any.

    Returns:
        The rows; Sent Items shows recipients where the inbox shows the sender.
    """
    now = state.clock.now()
    rows = []
    for message in folder_messages(state, viewer.id, folder):
        if folder == "sentitems":
            who = "To: " + (", ".join(_names(message.get("toRecipients"))) or "(nobody)")
        else:
            who = _address(message.get("from") or message.get("sender"))[0]
        message_id = str(message["id"])
        rows.append(
            MessageRow(
                id=message_id,
                url=f"/web/users/{viewer.id}/mail/{message_id}",
                who=who,
                subject=str(message.get("subject") or "(no subject)"),
                preview=str(message.get("bodyPreview") or ""),
                when=_when(_received(message), viewer.zone, now),
                unread=not message.get("isRead"),
                kind=_kind(message),
                selected=message_id == selected,
            )
        )
    return rows


@dataclass(frozen=True)
class MessageView:
    """An open message, ready to show safely."""

    id: str
    folder: str
    subject: str
    sender: str
    to: list[str]
    cc: list[str]
    when: str
    is_html: bool
    srcdoc: str = ""
    text: Markup = field(default_factory=Markup)
    remote_blocked: bool = False


def message_view(message: dict[str, Any], viewer: Person) -> MessageView:
    """Describe an open message; an HTML body becomes a locked-down iframe document.

    Args:
        message: the stored message.
        viewer: whose mailbox it is in (times are shown in their zone).

    Returns:
        The view of the message.
    """
    body = message.get("body") or {}
    content = str(body.get("content") or "")
    is_html = str(body.get("contentType") or "text").lower() == "html"
    folder = (
        "sentitems"
        if message.get("parentFolderId") == folder_id_for(viewer.id, "sentitems")
        else "inbox"
    )
    sender = _labelled([message.get("from") or message.get("sender")])
    return MessageView(
        id=str(message["id"]),
        folder=folder,
        subject=str(message.get("subject") or "(no subject)"),
        sender=sender[0] if sender else "(unknown)",
        to=_labelled(message.get("toRecipients")),
        cc=_labelled(message.get("ccRecipients")),
        when=long_moment(_received(message).astimezone(viewer.zone)),
        is_html=is_html,
        srcdoc=email_document(inline_images(content, message.get("attachments")))
        if is_html
        else "",
        text=Markup() if is_html else plain_text(content),
        remote_blocked=is_html and has_remote_content(content),
    )


@dataclass(frozen=True)
class Setting:
    """One line of the limits and faults panel."""

    label: str
    value: str


@dataclass(frozen=True)
class Status:
    """The sandbox panel: clock, limits and faults in force, and what they did so far."""

    now_utc: str
    limits_enabled: bool
    limits: list[Setting]
    faults: list[Setting]
    throttled: int
    injected: list[Setting]


def _rate(value: float) -> str:
    return f"{value * 100:g}% of requests"


def status(state: SandboxState) -> Status:
    """Describe the clock, the limits and faults in force, and the throttling so far."""
    config = state.config
    limits = config.limits
    scale = "" if limits.time_scale == 1 else f" (windows \u00f7 {limits.time_scale:g})"
    faults = config.faults
    fault_rates = [
        ("503 Service unavailable", faults.service_unavailable_rate),
        ("504 Gateway timeout", faults.gateway_timeout_rate),
        ("Dropped connection", faults.drop_connection_rate),
        ("Accepted, then failed", faults.accepted_then_failed_rate),
        (f"Slow ({faults.slow_seconds:g} s)", faults.slow_rate),
    ]
    return Status(
        now_utc=f"{long_moment(state.clock.now().astimezone(UTC))} UTC",
        limits_enabled=limits.enabled,
        limits=[
            Setting("Sending", f"{limits.messages_per_minute} messages a minute{scale}"),
            Setting("Recipients", f"{limits.recipients_per_day:,} a day"),
            Setting("Per message", f"{limits.recipients_per_message:,} recipients"),
            Setting("Requests", f"{limits.requests_per_ten_minutes:,} per 10 minutes"),
            Setting("Concurrent", f"{limits.concurrent_requests} requests"),
        ],
        faults=[Setting(label, _rate(rate)) for label, rate in fault_rates if rate > 0],
        throttled=state.limits.throttled_count,
        injected=[
            Setting(fault.value.replace("_", " ").capitalize(), str(count))
            for fault, count in sorted(state.faults.injected.items())
            if count
        ],
    )


def version(state: SandboxState) -> str:
    """A token that changes whenever anything the page shows may have changed."""
    injected = sum(state.faults.injected.values())
    minute = state.clock.now().replace(second=0, microsecond=0).isoformat()
    config = hashlib.sha1(
        state.config.model_dump_json().encode(), usedforsecurity=False
    ).hexdigest()[:8]
    return (
        f"{state.store.current_seq()}.{state.limits.throttled_count}.{injected}.{config}.{minute}"
    )

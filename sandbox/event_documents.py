"""Event documents as Graph shapes them, and the checks Graph makes on event request bodies."""

from __future__ import annotations

import base64
import copy
import html
import re
import uuid
from collections.abc import Callable
from typing import Any

from sandbox.errors import GraphError
from sandbox.event_times import in_zone, to_utc
from sandbox.recurrence import check_recurrence
from sandbox.schema import GraphSchema

NO_TIME = "0001-01-01T00:00:00Z"
UserLookup = Callable[[str], dict[str, Any] | None]

# Properties a create or an organizer's PATCH may set; the rest are read-only and ignored.
WRITABLE = frozenset(
    (
        *("subject", "body", "start", "end", "location", "locations", "attendees"),
        *("importance", "sensitivity", "showAs", "isAllDay", "categories", "isReminderOn"),
        *("reminderMinutesBeforeStart", "responseRequested", "allowNewTimeProposals"),
        *("hideAttendees", "isOnlineMeeting", "onlineMeetingProvider", "recurrence"),
        *("originalStartTimeZone", "originalEndTimeZone"),
    )
)
# What an attendee may change on their own copy without being the organizer.
PERSONAL = frozenset({"categories", "isReminderOn", "reminderMinutesBeforeStart", "showAs"})
# The meeting's substance, which every copy shares.
SHARED = (
    *("subject", "body", "bodyPreview", "start", "end", "location", "locations", "attendees"),
    *("importance", "sensitivity", "isAllDay", "originalStartTimeZone", "originalEndTimeZone"),
    *("responseRequested", "allowNewTimeProposals", "hideAttendees", "isOnlineMeeting"),
    *("onlineMeeting", "onlineMeetingProvider", "onlineMeetingUrl"),
    *("recurrence", "type"),
)
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAGS = re.compile(r"<[^>]+>")
_ICAL_PREFIX = "040000008200E00074C5B7101A82E00800000000"


def new_id() -> str:
    """Return a new item id, URL-safe as Graph's are."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def change_key() -> str:
    """Return a new change key."""
    return base64.b64encode(uuid.uuid4().bytes).decode()


def email_of(user: dict[str, Any]) -> dict[str, Any]:
    """Return a tenant user as Graph's ``recipient``."""
    return {"emailAddress": {"name": user.get("displayName"), "address": user["mail"]}}


def address_of(entry: dict[str, Any]) -> str:
    """Return the lower-cased address of a recipient or attendee."""
    return str((entry.get("emailAddress") or {}).get("address") or "").lower()


def validation_failure() -> GraphError:
    """Return what Graph answers for an event that ends before it starts."""
    return GraphError(
        400, "ErrorPropertyValidationFailure", "At least one property failed validation."
    )


def _preview(body: object) -> str:
    if not isinstance(body, dict):
        return ""
    content = str(body.get("content") or "")
    if str(body.get("contentType", "text")).lower() == "html":
        content = html.unescape(_TAGS.sub(" ", content))
    return " ".join(content.split())[:255]


def _clean(value: Any) -> Any:
    """Drop instance annotations (``@odata.type`` and the like) at every level."""
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items() if "@" not in key}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _location(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict) or not raw.get("displayName"):
        return {
            "displayName": "",
            "locationType": "default",
            "uniqueIdType": "unknown",
            "address": {},
            "coordinates": {},
        }
    name = str(raw["displayName"])
    location: dict[str, Any] = {
        "displayName": name,
        "locationType": "default",
        "uniqueId": name,
        "uniqueIdType": "private",
    }
    location.update(raw)
    return location


def checked_fields(
    body: dict[str, Any], *, for_update: bool, find_user: UserLookup
) -> dict[str, Any]:
    """Validate an event body against Graph's metadata and rules.

    Args:
        body: the request body of a create or a PATCH.
        for_update: the body is a PATCH (start and end are then optional).
        find_user: looks a tenant user up by address, to name attendees.

    Returns:
        The writable properties, annotations dropped, times in UTC, attendees normalised.

    Raises:
        GraphError: 400 when Graph would refuse the body.
    """
    GraphSchema.load().validate_entity("event", body, for_update=for_update)
    fields = {key: value for key, value in _clean(body).items() if key in WRITABLE}
    if "recurrence" in fields:
        fields["recurrence"] = check_recurrence(fields["recurrence"])
        zone = (body.get("start") or {}).get("timeZone") if isinstance(body, dict) else None
        span = (fields["recurrence"] or {}).get("range") or {}
        if span and not span["recurrenceTimeZone"] and zone:
            # Graph repeats a series in its start's zone unless told otherwise.
            span["recurrenceTimeZone"] = zone
    for field in ("start", "end"):
        if field not in fields:
            if not for_update:
                raise GraphError(
                    400,
                    "ErrorInvalidRequest",
                    f"Your request can't be completed. {field} is required.",
                )
            continue
        fields[field] = in_zone(to_utc(fields[field], field), None)
        fields.setdefault(
            f"original{field.capitalize()}TimeZone", body[field].get("timeZone") or "UTC"
        )
    both = "start" in fields and "end" in fields
    if both and to_utc(fields["end"], "end") < to_utc(fields["start"], "start"):
        raise validation_failure()
    if "attendees" in fields:
        fields["attendees"] = _attendees(fields["attendees"], find_user)
    return fields


def _attendees(raw: object, find_user: UserLookup) -> list[dict[str, Any]]:
    attendees: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict):
            continue
        email = entry.get("emailAddress") or {}
        address = str(email.get("address") or "").strip()
        if not _ADDRESS.match(address):
            raise GraphError(
                400,
                "ErrorInvalidRecipients",
                f"At least one recipient is not valid., Recipient '{address}' is not resolved.",
            )
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        name = email.get("name") or (find_user(address) or {}).get("displayName") or address
        attendees.append(
            {
                "type": entry.get("type") or "required",
                "status": {"response": "none", "time": NO_TIME},
                "emailAddress": {"name": name, "address": address},
            }
        )
    return attendees


def organizer_copy(
    organizer: dict[str, Any], event_id: str, fields: dict[str, Any], *, now: str, public_url: str
) -> dict[str, Any]:
    """Build the organizer's copy of a new event.

    Args:
        organizer: the organizing user.
        event_id: the new event's id.
        fields: the checked request properties.
        now: the creation time, formatted as Graph does.
        public_url: the sandbox's address, for ``webLink``.

    Returns:
        The event with every property Graph returns.
    """
    i_cal_uid = _ICAL_PREFIX + uuid.uuid4().hex.upper()
    event: dict[str, Any] = {
        "id": event_id,
        "createdDateTime": now,
        "lastModifiedDateTime": now,
        "changeKey": change_key(),
        "categories": [],
        "transactionId": None,
        "originalStartTimeZone": "UTC",
        "originalEndTimeZone": "UTC",
        "iCalUId": i_cal_uid,
        "uid": i_cal_uid,
        "reminderMinutesBeforeStart": 15,
        "isReminderOn": True,
        "hasAttachments": False,
        "subject": "",
        "bodyPreview": "",
        "importance": "normal",
        "sensitivity": "normal",
        "isAllDay": False,
        "isCancelled": False,
        "isOrganizer": True,
        "responseRequested": True,
        "seriesMasterId": None,
        "showAs": "busy",
        "type": "singleInstance",
        "webLink": f"{public_url}/#/calendar/{organizer['id']}/{event_id}",
        "onlineMeetingUrl": None,
        "isOnlineMeeting": False,
        "onlineMeetingProvider": "unknown",
        "allowNewTimeProposals": True,
        "isDraft": False,
        "hideAttendees": False,
        "recurrence": None,
        "onlineMeeting": None,
        "responseStatus": {"response": "organizer", "time": NO_TIME},
        "body": {"contentType": "html", "content": ""},
        "attendees": [],
        "organizer": email_of(organizer),
    }
    apply_fields(event, fields, public_url=public_url)
    return event


def apply_fields(event: dict[str, Any], fields: dict[str, Any], *, public_url: str) -> None:
    """Write checked properties into an event, keeping the responses of remaining attendees."""
    if "attendees" in fields:
        known = {address_of(entry): entry for entry in event.get("attendees") or []}
        for attendee in fields["attendees"]:
            kept = known.get(address_of(attendee))
            if kept is not None:
                attendee["status"] = kept["status"]
    event.update(fields)
    if "recurrence" in fields:
        _make_series(event)
    if "location" in fields:
        event["location"] = _location(fields["location"])
        if "locations" not in fields:
            shown = event["location"]["displayName"]
            event["locations"] = [event["location"]] if shown else []
    event.setdefault("location", _location(None))
    event.setdefault("locations", [])
    event["bodyPreview"] = _preview(event.get("body"))
    if event.get("isOnlineMeeting") and not event.get("onlineMeeting"):
        event["onlineMeeting"] = {"joinUrl": f"{public_url}/#/meet/{event['iCalUId']}"}
        event["onlineMeetingProvider"] = "teamsForBusiness"


def _make_series(event: dict[str, Any]) -> None:
    recurrence = event.get("recurrence")
    if not recurrence:
        event["type"] = "singleInstance"
        event.pop("cancelledOccurrences", None)
        return
    event["type"] = "seriesMaster"
    event.setdefault("cancelledOccurrences", [])
    span = recurrence["range"]
    if not span["recurrenceTimeZone"]:
        span["recurrenceTimeZone"] = event.get("originalStartTimeZone") or "UTC"


def attendee_copy(
    user_id: str, original: dict[str, Any], *, now: str, public_url: str
) -> dict[str, Any]:
    """Build an attendee's copy of a meeting: tentative until they answer.

    Args:
        user_id: the attendee.
        original: the organizer's copy.
        now: the creation time, formatted as Graph does.
        public_url: the sandbox's address, for ``webLink``.

    Returns:
        The attendee's copy, with its own id and the same ``iCalUId``.
    """
    event_id = new_id()
    event = copy.deepcopy(original)
    event.update(
        {
            "id": event_id,
            "createdDateTime": now,
            "lastModifiedDateTime": now,
            "changeKey": change_key(),
            "categories": [],
            "transactionId": None,
            "isOrganizer": False,
            "isCancelled": False,
            "showAs": "free" if original.get("showAs") == "free" else "tentative",
            "responseStatus": {"response": "notResponded", "time": NO_TIME},
            "webLink": f"{public_url}/#/calendar/{user_id}/{event_id}",
        }
    )
    return event


def share(source: dict[str, Any], target: dict[str, Any]) -> None:
    """Copy the meeting's shared properties from the organizer's copy to an attendee's."""
    for field in SHARED:
        if field in source:
            target[field] = copy.deepcopy(source[field])

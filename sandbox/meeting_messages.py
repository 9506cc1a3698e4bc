"""The mail a meeting sends: invitations, updates, cancellations and responses (eventMessage)."""

from __future__ import annotations

import copy
import uuid
from typing import Any, Literal

from sandbox.event_documents import email_of

Response = Literal["accepted", "tentativelyAccepted", "declined"]
_RESPONSE_KINDS: dict[Response, tuple[str, str]] = {
    "accepted": ("meetingAccepted", "Accepted"),
    # Graph's enum member really is spelt this way.
    "tentativelyAccepted": ("meetingTenativelyAccepted", "Tentative"),
    "declined": ("meetingDeclined", "Declined"),
}
_LINK = "event@odata.navigationLink"


def _message(
    event: dict[str, Any], sender: dict[str, Any], odata_type: str, kind: str, link: str | None
) -> dict[str, Any]:
    attendees = event.get("attendees") or []
    message: dict[str, Any] = {
        "@odata.type": odata_type,
        "subject": event.get("subject") or "",
        "body": copy.deepcopy(event.get("body")),
        "from": email_of(sender),
        "sender": email_of(sender),
        "toRecipients": [
            {"emailAddress": a["emailAddress"]} for a in attendees if a["type"] != "optional"
        ],
        "ccRecipients": [
            {"emailAddress": a["emailAddress"]} for a in attendees if a["type"] == "optional"
        ],
        "conversationId": event["iCalUId"],
        "internetMessageId": f"<{uuid.uuid4().hex}@{str(sender['mail']).rpartition('@')[2]}>",
        "meetingMessageType": kind,
        "startDateTime": event["start"],
        "endDateTime": event["end"],
        "location": event.get("location"),
        "type": event.get("type", "singleInstance"),
        "isAllDay": bool(event.get("isAllDay")),
        "isOutOfDate": False,
        "isDelegated": False,
    }
    if link is not None:
        message[_LINK] = link
    return message


def invitation(
    event: dict[str, Any],
    organizer: dict[str, Any],
    link: str,
    request_type: str,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a meeting request (new, or an update when ``previous`` holds the old times).

    Args:
        event: the organizer's copy.
        organizer: the organizing user.
        link: the URL of the attendee's copy.
        request_type: Graph's meetingRequestType, e.g. ``newMeetingRequest`` or ``fullUpdate``.
        previous: the organizer's copy before a change of time.

    Returns:
        The ``eventMessageRequest``.
    """
    message = _message(
        event, organizer, "#microsoft.graph.eventMessageRequest", "meetingRequest", link
    )
    message.update(
        {
            "meetingRequestType": request_type,
            "responseRequested": event.get("responseRequested", True),
            "allowNewTimeProposals": event.get("allowNewTimeProposals", True),
        }
    )
    if previous is not None:
        message["previousStartDateTime"] = previous["start"]
        message["previousEndDateTime"] = previous["end"]
        message["previousLocation"] = previous.get("location")
    return message


def cancellation(
    event: dict[str, Any], organizer: dict[str, Any], link: str | None, comment: str | None
) -> dict[str, Any]:
    """Build a meeting cancellation, carrying the organizer's comment when there is one."""
    message = _message(event, organizer, "#microsoft.graph.eventMessage", "meetingCancelled", link)
    message["subject"] = f"Canceled: {event.get('subject') or ''}".strip()
    if comment:
        message["body"] = {"contentType": "text", "content": comment}
    return message


def response(
    event: dict[str, Any],
    attendee: dict[str, Any],
    organizer: dict[str, Any],
    link: str,
    answer: Response,
    comment: str | None,
) -> dict[str, Any]:
    """Build an attendee's answer to the organizer.

    Args:
        event: the organizer's copy.
        attendee: the answering user.
        organizer: the organizing user.
        link: the URL of the organizer's copy.
        answer: accepted, tentativelyAccepted or declined.
        comment: the attendee's comment.

    Returns:
        The ``eventMessageResponse``.
    """
    kind, prefix = _RESPONSE_KINDS[answer]
    message = _message(event, attendee, "#microsoft.graph.eventMessageResponse", kind, link)
    message.update(
        {
            "subject": f"{prefix}: {event.get('subject') or ''}".strip(),
            "body": {"contentType": "text", "content": comment or ""},
            "toRecipients": [email_of(organizer)],
            "ccRecipients": [],
            "responseType": answer,
        }
    )
    return message


def linked_event_id(message: dict[str, Any]) -> str | None:
    """Return the id of the calendar event a meeting message links to, if any.

    Args:
        message: a stored message (invitations, cancellations and responses carry the link).

    Returns:
        The event id in the message owner's calendar (the organizer's for responses).
    """
    link = message.get(_LINK)
    if not isinstance(link, str) or "/events/" not in link:
        return None
    return link.rsplit("/events/", 1)[1] or None

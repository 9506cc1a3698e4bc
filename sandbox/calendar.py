"""Calendars inside the tenant: events, invitations, responses and cancellations.

Every person has their own copy of a meeting, as in Exchange: the organizer's copy tracks the
attendees' responses, each attendee's copy carries their own response and free/busy status, and
the copies share one ``iCalUId``. Every write to any copy is published as a ResourceChange.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox import meeting_messages
from sandbox.changes import ChangeType, ResourceChange
from sandbox.clock import graph_datetime
from sandbox.errors import GraphError
from sandbox.event_documents import (
    NO_TIME,
    PERSONAL,
    address_of,
    apply_fields,
    attendee_copy,
    change_key,
    checked_fields,
    new_id,
    organizer_copy,
    share,
    validation_failure,
)
from sandbox.event_times import event_interval, to_utc
from sandbox.mailbox import Mailboxes
from sandbox.meeting_messages import Response, linked_event_id
from sandbox.state import SandboxState

# The calendar's public face: the web page and getSchedule import these from here.
__all__ = ["EVENTS", "Calendars", "Response", "event_interval", "linked_event_id", "to_utc"]

EVENTS = "events"
# What each answer does to the attendee's own copy.
_SHOW_AS: dict[Response, str] = {
    "accepted": "busy",
    "tentativelyAccepted": "tentative",
    "declined": "free",
}
# A change to any of these is announced to the attendees.
_ANNOUNCED = frozenset({"subject", "body", "start", "end", "location", "locations", "attendees"})


def _not_found() -> GraphError:
    return GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")


class Calendars:
    """Creates, updates, answers and cancels events in the tenant's calendars."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._mail = Mailboxes(state)

    def get(self, user_id: str, event_id: str) -> dict[str, Any]:
        """Return one of a user's events.

        Raises:
            GraphError: 404 ``ErrorItemNotFound``.
        """
        found = self._state.store.get(EVENTS, user_id, event_id)
        if found is None:
            raise _not_found()
        return found

    def events(self, user_id: str) -> list[dict[str, Any]]:
        """Return a user's events, oldest created first."""
        events = self._state.store.list(EVENTS, user_id)
        return sorted(events, key=lambda event: (str(event["createdDateTime"]), str(event["id"])))

    def create(self, organizer: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """Create an event in the organizer's calendar and invite its tenant attendees.

        A ``transactionId`` the organizer already used returns the event made the first time,
        and invites nobody again.

        Args:
            organizer: the user whose calendar receives the event.
            body: the request body.

        Returns:
            The organizer's copy, as stored.

        Raises:
            GraphError: 400 when Graph would refuse the body.
        """
        fields = self._checked(body, for_update=False)
        organizer_id = str(organizer["id"])
        event_id = new_id()
        transaction = body.get("transactionId")
        with self._state.store.transaction():
            if transaction:
                claimed = self._state.store.claim_key(
                    f"events.transactionId/{organizer_id}", str(transaction), event_id
                )
                existing = self._state.store.get(EVENTS, organizer_id, claimed)
                if claimed != event_id and existing is not None:
                    return existing
            event = organizer_copy(
                organizer, event_id, fields, now=self._now(), public_url=self._state.public_url
            )
            event["transactionId"] = transaction or None
            self._save(organizer_id, event, "created")
            for user in self._tenant_attendees(event, organizer_id):
                self._invite(user, event, organizer, "newMeetingRequest")
        return event

    def update(
        self, user: dict[str, Any], event: dict[str, Any], patch: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply a PATCH; an organizer's change to the meeting reaches every attendee.

        Raises:
            GraphError: 400 when Graph would refuse the change.
        """
        fields = self._checked(patch, for_update=True)
        user_id = str(user["id"])
        if not event.get("isOrganizer"):
            refused = sorted(set(fields) - PERSONAL)
            if refused:
                raise GraphError(
                    400,
                    "ErrorInvalidRequest",
                    "Your request can't be completed. Only the meeting organizer can change "
                    f"'{refused[0]}'.",
                )
            with self._state.store.transaction():
                event.update(fields)
                self._save(user_id, event, "updated")
            return event
        previous = copy.deepcopy(event)
        apply_fields(event, fields, public_url=self._state.public_url)
        start, end = event_interval(event)
        if end < start:
            raise validation_failure()
        moved = (previous["start"], previous["end"]) != (event["start"], event["end"])
        if moved:
            # A meeting at a new time needs everyone's answer again.
            for attendee in event["attendees"]:
                attendee["status"] = {"response": "none", "time": NO_TIME}
        with self._state.store.transaction():
            self._save(user_id, event, "updated")
            if _ANNOUNCED.intersection(fields):
                self._announce(user, previous, event, moved=moved)
        return event

    def delete(self, user: dict[str, Any], event: dict[str, Any]) -> None:
        """Delete an event; the organizer deleting a meeting cancels it for the attendees."""
        user_id = str(user["id"])
        with self._state.store.transaction():
            if event.get("isOrganizer") and not event.get("isCancelled"):
                self._cancel_attendee_copies(user, event, None)
            self._state.store.delete(EVENTS, user_id, str(event["id"]))
            self._publish(user_id, str(event["id"]), "deleted")

    def respond(
        self,
        user: dict[str, Any],
        event: dict[str, Any],
        answer: Response,
        *,
        comment: str | None,
        send_response: bool,
    ) -> None:
        """Accept, tentatively accept or decline a meeting on an attendee's copy.

        The organizer learns of the answer through the response message, so without one
        (``sendResponse`` false) the organizer's tracking stays as it was, as in Exchange.

        Raises:
            GraphError: 400 for the organizer's own meeting or a cancelled one.
        """
        if event.get("isOrganizer"):
            raise GraphError(
                400,
                "ErrorInvalidRequest",
                "Your request can't be completed. You can't respond to a meeting you organized.",
            )
        if event.get("isCancelled"):
            raise GraphError(
                400,
                "ErrorInvalidRequest",
                "Your request can't be completed. The meeting has been cancelled.",
            )
        now = self._now()
        with self._state.store.transaction():
            event["responseStatus"] = {"response": answer, "time": now}
            event["showAs"] = _SHOW_AS[answer]
            self._save(str(user["id"]), event, "updated")
            found = self._organizer_copy_of(event) if send_response else None
            if found is None:
                return
            organizer, original = found
            address = str(user["mail"]).lower()
            for attendee in original.get("attendees") or []:
                if address_of(attendee) == address:
                    attendee["status"] = {"response": answer, "time": now}
            organizer_id = str(organizer["id"])
            self._save(organizer_id, original, "updated")
            message = meeting_messages.response(
                original, user, organizer, self._link(organizer_id, original), answer, comment
            )
            self._mail.store_message(organizer_id, "inbox", message, is_read=False)

    def cancel(self, user: dict[str, Any], event: dict[str, Any], comment: str | None) -> None:
        """Cancel a meeting: every copy is marked cancelled and attendees are told.

        Raises:
            GraphError: 400 ``ErrorAccessDenied`` when the user is not the organizer.
        """
        if not event.get("isOrganizer"):
            raise GraphError(
                400,
                "ErrorAccessDenied",
                "Your request can't be completed. You need to be an organizer to cancel a meeting.",
            )
        if event.get("isCancelled"):
            return
        with self._state.store.transaction():
            event["isCancelled"] = True
            self._save(str(user["id"]), event, "updated")
            self._cancel_attendee_copies(user, event, comment)

    def _checked(self, body: dict[str, Any], *, for_update: bool) -> dict[str, Any]:
        return checked_fields(
            body, for_update=for_update, find_user=self._state.directory.find_user
        )

    def _copies(self, event: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        uid = event["iCalUId"]
        every = self._state.store.list_all(EVENTS)
        return [(owner, found) for owner, found in every if found.get("iCalUId") == uid]

    def _copy_for(self, user_id: str, event: dict[str, Any]) -> dict[str, Any] | None:
        for owner, found in self._copies(event):
            if owner == user_id and not found.get("isOrganizer"):
                return found
        return None

    def _organizer_copy_of(
        self, event: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        organizer = self._state.directory.find_user(address_of(event.get("organizer") or {}))
        if organizer is None:
            return None
        for owner, found in self._copies(event):
            if owner == organizer["id"] and found.get("isOrganizer"):
                return organizer, found
        return None

    def _tenant_attendees(self, event: dict[str, Any], organizer_id: str) -> list[dict[str, Any]]:
        users: dict[str, dict[str, Any]] = {}
        for attendee in event.get("attendees") or []:
            user = self._state.directory.find_user(address_of(attendee))
            if user is not None and user["id"] != organizer_id:
                users.setdefault(str(user["id"]), user)
        return list(users.values())

    def _invite(
        self,
        user: dict[str, Any],
        event: dict[str, Any],
        organizer: dict[str, Any],
        request_type: str,
        *,
        previous: dict[str, Any] | None = None,
    ) -> None:
        user_id = str(user["id"])
        mine = self._copy_for(user_id, event)
        if mine is None or mine.get("isCancelled"):
            fresh = attendee_copy(
                user_id, event, now=self._now(), public_url=self._state.public_url
            )
            if mine is not None:
                # Invited again after being removed: the old copy comes back to life.
                for field in ("id", "createdDateTime", "webLink", "categories"):
                    fresh[field] = mine[field]
            self._save(user_id, fresh, "created" if mine is None else "updated")
            mine = fresh
        message = meeting_messages.invitation(
            event, organizer, self._link(user_id, mine), request_type, previous
        )
        self._mail.store_message(user_id, "inbox", message, is_read=False)

    def _announce(
        self,
        organizer: dict[str, Any],
        previous: dict[str, Any],
        event: dict[str, Any],
        *,
        moved: bool,
    ) -> None:
        organizer_id = str(organizer["id"])
        before = {str(user["id"]): user for user in self._tenant_attendees(previous, organizer_id)}
        after = {str(user["id"]): user for user in self._tenant_attendees(event, organizer_id)}
        for user_id, user in after.items():
            mine = self._copy_for(user_id, event)
            if user_id not in before or mine is None:
                self._invite(user, event, organizer, "newMeetingRequest")
                continue
            share(event, mine)
            if moved:
                mine["responseStatus"] = {"response": "notResponded", "time": NO_TIME}
                mine["showAs"] = "tentative"
            self._save(user_id, mine, "updated")
            changed = moved or previous.get("location") != event.get("location")
            self._invite(
                user,
                event,
                organizer,
                "fullUpdate" if changed else "informationalUpdate",
                previous=previous if moved else None,
            )
        for user_id, user in before.items():
            if user_id not in after:
                self._cancel_copy(user, organizer, event, None)

    def _cancel_attendee_copies(
        self, organizer: dict[str, Any], event: dict[str, Any], comment: str | None
    ) -> None:
        for user in self._tenant_attendees(event, str(organizer["id"])):
            self._cancel_copy(user, organizer, event, comment)

    def _cancel_copy(
        self,
        user: dict[str, Any],
        organizer: dict[str, Any],
        event: dict[str, Any],
        comment: str | None,
    ) -> None:
        user_id = str(user["id"])
        mine = self._copy_for(user_id, event)
        if mine is not None:
            mine["isCancelled"] = True
            self._save(user_id, mine, "updated")
        link = None if mine is None else self._link(user_id, mine)
        message = meeting_messages.cancellation(event, organizer, link, comment)
        self._mail.store_message(user_id, "inbox", message, is_read=False)

    def _link(self, user_id: str, event: dict[str, Any]) -> str:
        return f"{self._state.public_url}/v1.0/users/{user_id}/events/{event['id']}"

    def _now(self) -> str:
        return graph_datetime(self._state.clock.now())

    def _save(self, user_id: str, event: dict[str, Any], change: ChangeType) -> None:
        if change == "updated":
            event["lastModifiedDateTime"] = self._now()
            event["changeKey"] = change_key()
        self._state.store.put(EVENTS, user_id, str(event["id"]), event)
        self._publish(user_id, str(event["id"]), change)

    def _publish(self, user_id: str, event_id: str, change: ChangeType) -> None:
        self._state.changes.publish(ResourceChange(user_id, EVENTS, event_id, change))

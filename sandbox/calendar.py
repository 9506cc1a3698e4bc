"""Calendars inside the tenant: events, invitations, responses and cancellations.

Every person has their own copy of a meeting, as in Exchange: the organizer's copy tracks the
attendees' responses, each attendee's copy carries their own response and free/busy status, and
the copies share one ``iCalUId``. Every write to any copy is published as a ResourceChange.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
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
from sandbox.event_series import (
    EXCEPTIONS,
    cancelled_name,
    expand,
    is_occurrence_of,
    occurrence_id,
    occurrence_of,
    parse_occurrence_id,
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
_IN_SERIES = frozenset({"occurrence", "exception"})
_ANNOUNCED = frozenset({"subject", "body", "start", "end", "location", "locations", "attendees"})


def _not_found() -> GraphError:
    return GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")


class Calendars:
    """Creates, updates, answers and cancels events in the tenant's calendars."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._mail = Mailboxes(state)

    def get(self, user_id: str, event_id: str) -> dict[str, Any]:
        """Return one of a user's events, or one occurrence of a series of theirs.

        Raises:
            GraphError: 404 ``ErrorItemNotFound`` (also for a cancelled occurrence).
        """
        found = self._state.store.get(EVENTS, user_id, event_id)
        if found is None:
            found = self._occurrence(user_id, event_id)
        if found is None:
            raise _not_found()
        return found

    def _occurrence(self, user_id: str, event_id: str) -> dict[str, Any] | None:
        named = parse_occurrence_id(event_id)
        if named is None:
            return None
        master = self._state.store.get(EVENTS, user_id, named[0])
        if master is None or master.get("type") != "seriesMaster":
            return None
        if not is_occurrence_of(master, named[1]):
            return None
        changed = self._state.store.get(EXCEPTIONS, user_id, event_id)
        return changed if changed is not None else occurrence_of(master, named[1])

    def expand(
        self, user_id: str, master: dict[str, Any], start: datetime, end: datetime
    ) -> list[dict[str, Any]]:
        """Return a series' occurrences and exceptions overlapping a window, earliest first."""
        return expand(
            master, start, end, lambda found: self._state.store.get(EXCEPTIONS, user_id, found)
        )

    def view(self, user_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Return what a calendar shows over a window: single events and each occurrence.

        Series masters are not shown themselves; their occurrences are, as in calendarView.
        """
        shown = []
        for event in self.events(user_id):
            if event.get("type") == "seriesMaster" and event.get("recurrence"):
                shown.extend(self.expand(user_id, event, start, end))
                continue
            event_start, event_end = event_interval(event)
            if event_start < end and event_end > start:
                shown.append(event)
        shown.sort(key=lambda event: event_interval(event)[0])
        return shown

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
        if event.get("type") in _IN_SERIES:
            return self._update_occurrence(user, event, fields)
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
        if event.get("type") in _IN_SERIES:
            self._cancel_occurrence(user, event, None)
            return
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
        if event.get("type") in _IN_SERIES:
            self._respond_to_occurrence(user, event, answer, comment, send_response)
            return
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

    def _respond_to_occurrence(
        self,
        user: dict[str, Any],
        event: dict[str, Any],
        answer: Response,
        comment: str | None,
        send_response: bool,
    ) -> None:
        """Answer one occurrence, as Exchange does: it becomes an exception with the answer.

        The organizer's occurrence records the answer (as an exception of theirs) when the
        response is sent, and the organizer gets the response message.
        """
        now = self._now()
        day = self._occurrence_day(event)
        user_id = str(user["id"])
        answered = copy.deepcopy(event)
        answered["type"] = "exception"
        answered["responseStatus"] = {"response": answer, "time": now}
        answered["showAs"] = _SHOW_AS[answer]
        with self._state.store.transaction():
            self._save_exception(user_id, answered)
            if not send_response:
                return
            organizer = self._state.directory.find_user(address_of(event.get("organizer") or {}))
            if organizer is None:
                return
            organizer_id = str(organizer["id"])
            masters = [
                master
                for owner, master in self._series_copies(event)
                if owner == organizer_id and master.get("isOrganizer")
            ]
            theirs = (
                self._occurrence(organizer_id, occurrence_id(str(masters[0]["id"]), day))
                if masters
                else None
            )
            if theirs is None:
                return
            address = str(user["mail"]).lower()
            for attendee in theirs.get("attendees") or []:
                if address_of(attendee) == address:
                    attendee["status"] = {"response": answer, "time": now}
            theirs["type"] = "exception"
            self._save_exception(organizer_id, theirs)
            message = meeting_messages.response(
                theirs, user, organizer, self._link(organizer_id, theirs), answer, comment
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
        if event.get("type") in _IN_SERIES:
            self._cancel_occurrence(user, event, comment)
            return
        with self._state.store.transaction():
            event["isCancelled"] = True
            self._save(str(user["id"]), event, "updated")
            self._cancel_attendee_copies(user, event, comment)

    def _update_occurrence(
        self, user: dict[str, Any], event: dict[str, Any], fields: dict[str, Any]
    ) -> dict[str, Any]:
        """Change one occurrence into an exception (on every copy, when the organizer does)."""
        if "recurrence" in fields:
            raise GraphError(
                400,
                "ErrorInvalidRequest",
                "Your request can't be completed. An occurrence can't have a recurrence.",
            )
        if not event.get("isOrganizer"):
            refused = sorted(set(fields) - PERSONAL)
            if refused:
                raise GraphError(
                    400,
                    "ErrorInvalidRequest",
                    "Your request can't be completed. Only the meeting organizer can change "
                    f"'{refused[0]}'.",
                )
        changed = copy.deepcopy(event)
        apply_fields(changed, fields, public_url=self._state.public_url)
        changed["type"] = "exception"
        start, end = event_interval(changed)
        if end < start:
            raise validation_failure()
        day = self._occurrence_day(event)
        with self._state.store.transaction():
            self._save_exception(str(user["id"]), changed)
            if not event.get("isOrganizer"):
                return changed
            for owner, master in self._series_copies(event):
                if owner == str(user["id"]):
                    continue
                theirs = self._occurrence(owner, occurrence_id(str(master["id"]), day))
                if theirs is None:
                    continue
                share(changed, theirs)
                theirs["type"] = "exception"
                self._save_exception(owner, theirs)
        return changed

    def _cancel_occurrence(
        self, user: dict[str, Any], event: dict[str, Any], comment: str | None
    ) -> None:
        """Remove one occurrence; the organizer's removal cancels it for every attendee."""
        day = self._occurrence_day(event)
        user_id = str(user["id"])
        copies = self._series_copies(event)
        if not event.get("isOrganizer"):
            copies = [(owner, master) for owner, master in copies if owner == user_id]
        with self._state.store.transaction():
            for owner, master in copies:
                name = cancelled_name(str(master["id"]), day)
                if name in master.setdefault("cancelledOccurrences", []):
                    continue
                master["cancelledOccurrences"].append(name)
                self._save(owner, master, "updated")
                mine = occurrence_id(str(master["id"]), day)
                if self._state.store.delete(EXCEPTIONS, owner, mine):
                    self._publish(owner, mine, "deleted")
                if owner == user_id:
                    continue
                attendee = self._state.directory.user(owner)
                link = self._link(owner, master)
                message = meeting_messages.cancellation(event, user, link, comment)
                self._mail.store_message(str(attendee["id"]), "inbox", message, is_read=False)

    def _occurrence_day(self, event: dict[str, Any]) -> date:
        named = parse_occurrence_id(str(event["id"]))
        if named is None:  # pragma: no cover - occurrences are only ever made with such ids
            raise _not_found()
        return named[1]

    def _series_copies(self, event: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """Every copy of the series an occurrence belongs to (the organizer's and attendees')."""
        named = parse_occurrence_id(str(event["id"]))
        uid = str(event.get("uid") or "")
        return [
            (owner, found)
            for owner, found in self._state.store.list_all(EVENTS)
            if found.get("type") == "seriesMaster"
            and (found.get("uid") == uid or (named is not None and found["id"] == named[0]))
        ]

    def _save_exception(self, user_id: str, event: dict[str, Any]) -> None:
        event["lastModifiedDateTime"] = self._now()
        event["changeKey"] = change_key()
        self._state.store.put(EXCEPTIONS, user_id, str(event["id"]), event)
        self._publish(user_id, str(event["id"]), "updated")

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

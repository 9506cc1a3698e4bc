"""The few fields of Graph's calendar events the calendar activities read, from Graph's JSON.

The SDK's ``Event`` model is costly to parse: its deserializer runs ``Entity``'s, which imports
every one of the ~1,200 entity types on each call (msgraph-sdk-python issue #584), and the
first call compiles and imports them all. The activities only need an event's id, its
``transactionId``, whether it is cancelled and one attendee's response, so they take the raw
JSON (:func:`send_for_json`) and read it with these models; Graph's other
fields are ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _GraphShape(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class GraphEmailAddress(_GraphShape):
    """``emailAddress`` of an attendee."""

    address: str | None = None


class GraphResponseStatus(_GraphShape):
    """``status`` of an attendee: ``none``, ``notResponded``, ``accepted``, ``declined``..."""

    response: str | None = None


class GraphAttendee(_GraphShape):
    """One entry of an event's ``attendees``."""

    email_address: GraphEmailAddress | None = Field(default=None, alias="emailAddress")
    status: GraphResponseStatus | None = None


class GraphEvent(_GraphShape):
    """An event as Graph answers with it (only the fields Accord reads)."""

    id: str | None = None
    transaction_id: str | None = Field(default=None, alias="transactionId")
    is_cancelled: bool = Field(default=False, alias="isCancelled")
    attendees: list[GraphAttendee] = Field(default_factory=list)

    def response_of(self, attendee: str) -> str | None:
        """Return an attendee's response to the event.

        Args:
            attendee: the attendee's address (compared without regard to case).

        Returns:
            Their response as Graph spells it, or ``None`` when they are not invited or
            Graph gives no response.
        """
        wanted = attendee.lower()
        for entry in self.attendees:
            address = (entry.email_address.address if entry.email_address else None) or ""
            if address.lower() == wanted and entry.status and entry.status.response:
                return entry.status.response
        return None


class GraphEventPage(_GraphShape):
    """A page of events (``value``), as a list request answers."""

    value: list[GraphEvent] = Field(default_factory=list)

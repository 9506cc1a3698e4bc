"""Reading Graph's event JSON: the fields the calendar activities use, the rest ignored."""

from __future__ import annotations

from integrations.graph.events import GraphEvent, GraphEventPage


def test_an_attendees_response_is_found_whatever_the_case() -> None:
    event = GraphEvent.model_validate(
        {
            "id": "AAMk1",
            "isCancelled": False,
            "subject": "ignored",
            "attendees": [
                {"emailAddress": {"address": "maya@x.example"}, "status": {"response": "none"}},
                {
                    "emailAddress": {"address": "Sam@X.example", "name": "Sam"},
                    "status": {"response": "declined", "time": "2030-01-07T14:00:00Z"},
                    "type": "required",
                },
            ],
        }
    )
    assert event.response_of("sam@x.example") == "declined"
    assert event.response_of("priya@x.example") is None
    assert not event.is_cancelled


def test_missing_fields_read_as_nothing() -> None:
    event = GraphEvent.model_validate(
        {"attendees": [{"emailAddress": None}, {"status": {"response": None}}]}
    )
    assert event.id is None
    assert event.response_of("sam@x.example") is None
    assert GraphEvent.model_validate({}).is_cancelled is False


def test_a_page_carries_ids_and_transaction_ids() -> None:
    page = GraphEventPage.model_validate(
        {"@odata.context": "...", "value": [{"id": "e1", "transactionId": "t:1"}, {"id": "e2"}]}
    )
    assert [(event.id, event.transaction_id) for event in page.value] == [
        ("e1", "t:1"),
        ("e2", None),
    ]
    assert GraphEventPage.model_validate({}).value == []

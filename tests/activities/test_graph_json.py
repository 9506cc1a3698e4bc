"""Sending SDK-built requests for raw JSON, with the URL expanded once."""

from __future__ import annotations

from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.request_information import RequestInformation
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder
from msgraph.graph_service_client import GraphServiceClient

from activities.graph_json import pin_url, send_for_json
from tests.conftest import MANAGER, SAM


def _filtered(graph: GraphServiceClient, transaction_id: str) -> RequestInformation:
    parameters = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(
        filter=f"transactionId eq '{transaction_id}'", select=["id"], top=1
    )
    return graph.users.by_user_id(MANAGER).events.to_get_request_information(
        RequestConfiguration(query_parameters=parameters)
    )


def test_a_pinned_url_is_the_expanded_one(graph: GraphServiceClient) -> None:
    request = _filtered(graph, "a b")
    # Unpinned, the template expands without the base URL, which the adapter adds on sending.
    expected = f"{graph.request_adapter.base_url}{request.url}"
    pin_url(graph, request)
    assert request.url == expected
    assert "%24filter=transactionId%20eq%20%27a%20b%27" in request.url


async def test_the_builder_still_builds_after_a_pinned_request(
    graph: GraphServiceClient,
) -> None:
    item = graph.users.by_user_id(SAM).mailbox_settings
    first = item.to_get_request_information()
    pin_url(graph, first)
    # The builder shares its path parameters with the requests it builds; pinning one must
    # leave them for the next.
    second = item.to_get_request_information()
    pin_url(graph, second)
    assert first.url == second.url
    settings = await send_for_json(graph, second)
    assert settings["timeZone"]

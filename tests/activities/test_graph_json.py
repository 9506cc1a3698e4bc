"""Sending SDK-built requests for raw JSON."""

from __future__ import annotations

import pytest
from kiota_abstractions.api_error import APIError
from msgraph.graph_service_client import GraphServiceClient

from integrations.graph.json_reads import send_for_json
from tests.support.people import SAM


async def test_graph_json_comes_back_as_graph_wrote_it(graph: GraphServiceClient) -> None:
    item = graph.users.by_user_id(SAM).mailbox_settings
    settings = await send_for_json(graph, item.to_get_request_information())
    # The builder serves a second request (the adapter fixes each request's URL once).
    again = await send_for_json(graph, item.to_get_request_information())
    assert settings["timeZone"] and settings == again


async def test_a_graph_error_is_raised_with_its_status(graph: GraphServiceClient) -> None:
    item = graph.users.by_user_id("nobody@northwind.example").mailbox_settings
    with pytest.raises(APIError) as caught:
        await send_for_json(graph, item.to_get_request_information())
    assert caught.value.response_status_code == 404

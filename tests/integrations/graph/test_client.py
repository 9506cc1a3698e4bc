"""The Graph client: each request's URL is expanded once, and builders can be used again."""

from __future__ import annotations

import pytest
from msgraph.graph_service_client import GraphServiceClient
from stduritemplate import StdUriTemplate

from tests.support.people import SAM


async def test_a_request_builder_serves_several_requests_with_one_expansion_each(
    graph: GraphServiceClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    expansions: list[str] = []
    expand = StdUriTemplate.expand

    def counting(template: str, substitutions: dict[str, object]) -> str:
        expansions.append(template)
        return expand(template, substitutions)

    monkeypatch.setattr(StdUriTemplate, "expand", staticmethod(counting))
    sam = graph.users.by_user_id(SAM)
    first = await sam.get()
    settings = await sam.mailbox_settings.get()
    again = await sam.get()
    assert first is not None and again is not None and first.id == again.id
    assert settings is not None and settings.time_zone
    assert len(expansions) == 3

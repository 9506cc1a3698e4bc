"""A person's groups from Graph (``/users/{id}/transitiveMemberOf``), cached with a bound."""

from __future__ import annotations

from msgraph.graph_service_client import GraphServiceClient

from integrations.graph.memberships import CachedGroupMemberships, GraphGroupMemberships
from sandbox.tenant import group_id_for
from tests.support.people import DEMO_DOMAIN, MANAGER, PRIYA


async def test_a_persons_groups_come_from_the_directory(graph: GraphServiceClient) -> None:
    memberships = GraphGroupMemberships(graph)

    priyas = await memberships.groups_of(PRIYA.upper())
    mayas = await memberships.groups_of(MANAGER)
    nobodys = await memberships.groups_of(f"nobody@{DEMO_DOMAIN}")

    assert priyas == {
        group_id_for(f"platform-team@{DEMO_DOMAIN}").lower(),
        group_id_for(f"forecasting@{DEMO_DOMAIN}").lower(),
    }
    assert mayas == nobodys == frozenset()


class _Counting:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def groups_of(self, email: str) -> frozenset[str]:
        self.asked.append(email)
        return frozenset({f"group-of-{email}"})


async def test_the_cache_is_fresh_for_a_while_and_bounded() -> None:
    now = [0.0]
    inner = _Counting()
    cache = CachedGroupMemberships(inner, ttl=300, max_entries=2, monotonic=lambda: now[0])

    assert await cache.groups_of("A@x.test") == {"group-of-a@x.test"}
    await cache.groups_of("a@x.test")
    for made_up in range(100):
        await cache.groups_of(f"made-up-{made_up}@x.test")
    assert len(cache) == 2
    now[0] = 301.0
    await cache.groups_of("made-up-99@x.test")

    assert inner.asked.count("a@x.test") == 1
    assert inner.asked.count("made-up-99@x.test") == 2

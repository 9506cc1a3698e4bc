"""Which Entra groups a person belongs to, from Graph, remembered briefly and boundedly.

The authorization policy's project-lead grants name groups (docs/security.md, "Who may ask
whom"). A token's ``groups`` claim is one source; it is empty when the app registration does
not ask for it and replaced by an overage marker past 200 groups. Graph is the other:
``GET /users/{id}/transitiveMemberOf`` lists every group a person is in, through nested
groups too (``User.Read.All`` / ``GroupMember.Read.All``).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import structlog
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.group import Group
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.transitive_member_of.transitive_member_of_request_builder import (
    TransitiveMemberOfRequestBuilder,
)
from msgraph.graph_service_client import GraphServiceClient

from integrations.graph.people import DirectoryUnavailableError

log = structlog.get_logger("accord.api.groups")

MAX_GROUPS = 2000
"""Groups read per person at most (20 pages); beyond that the rest widen nothing."""
_PAGE = 100


class GroupMemberships(Protocol):
    """Tells which groups a person belongs to."""

    async def groups_of(self, email: str) -> frozenset[str]:
        """Return the object ids (lower-cased) of the groups ``email`` belongs to.

        Raises:
            DirectoryUnavailableError: when the directory cannot answer right now.
        """
        ...


class GraphGroupMemberships:
    """Group membership from Graph: ``/users/{id}/transitiveMemberOf``, groups only."""

    def __init__(self, graph: GraphServiceClient) -> None:
        self._graph = graph

    async def groups_of(self, email: str) -> frozenset[str]:
        """See :meth:`GroupMemberships.groups_of`; someone Graph does not know is in none."""
        builder = self._graph.users.by_user_id(email.strip().lower()).transitive_member_of
        query = TransitiveMemberOfRequestBuilder.TransitiveMemberOfRequestBuilderGetQueryParameters(
            select=["id"], top=_PAGE
        )
        found: set[str] = set()
        try:
            page = await builder.get(RequestConfiguration(query_parameters=query))
            while page is not None:
                found |= {
                    entry.id.lower()
                    for entry in page.value or []
                    if isinstance(entry, Group) and entry.id
                }
                if not page.odata_next_link or len(found) >= MAX_GROUPS:
                    break
                page = await builder.with_url(page.odata_next_link).get()
        except ODataError as exc:
            if exc.response_status_code == 404:
                return frozenset()
            log.warning("group_memberships_failed", status=exc.response_status_code)
            raise DirectoryUnavailableError("the directory could not be asked") from None
        except Exception as exc:
            log.warning("group_memberships_failed", error_type=type(exc).__name__)
            raise DirectoryUnavailableError("the directory could not be asked") from None
        return frozenset(found)


class CachedGroupMemberships:
    """Remembers another :class:`GroupMemberships`' answers for ``ttl`` seconds.

    At most ``max_entries`` people are remembered, the least recently used forgotten first,
    so memory stays bounded however many people sign in. A membership removed in Entra
    stops widening anything within ``ttl``.
    """

    def __init__(
        self,
        inner: GroupMemberships,
        *,
        ttl: float = 300.0,
        max_entries: int = 4096,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._inner = inner
        self._ttl = ttl
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._cache: OrderedDict[str, tuple[float, frozenset[str]]] = OrderedDict()

    async def groups_of(self, email: str) -> frozenset[str]:
        """See :meth:`GroupMemberships.groups_of`, from the cache while fresh."""
        key = email.strip().lower()
        cached = self._cache.get(key)
        if cached is not None and self._monotonic() - cached[0] < self._ttl:
            self._cache.move_to_end(key)
            return cached[1]
        groups = await self._inner.groups_of(key)
        self._cache[key] = (self._monotonic(), groups)
        self._cache.move_to_end(key)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
        return groups

    def __len__(self) -> int:
        return len(self._cache)

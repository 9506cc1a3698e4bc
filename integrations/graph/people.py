"""Who people are and who manages whom.

The API checks that an owner and a manager exist before asking anything, and consults the
manager chain to decide who may see whose commitments.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

import structlog
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.groups.groups_request_builder import GroupsRequestBuilder
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.user import User
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.graph_service_client import GraphServiceClient
from pydantic import BaseModel, ValidationError

from domain.models import Person

log = structlog.get_logger("accord.api.people")
_T = TypeVar("_T")
_V = TypeVar("_V")


class DirectoryUnavailableError(Exception):
    """The directory could not be asked; whether the person exists is unknown."""


async def _ask_directory(event: str, call: Callable[[], Awaitable[_T]], *, absent: _T) -> _T:
    """Ask Graph's directory; ``absent`` when it says there is no such person.

    Raises:
        DirectoryUnavailableError: when Graph fails for any other reason (logged as ``event``
            with the status or error type only).
    """
    try:
        return await call()
    except ODataError as exc:
        if exc.response_status_code == 404:
            return absent
        log.warning(event, status=exc.response_status_code)
        raise DirectoryUnavailableError("the directory could not be asked") from None
    except Exception as exc:
        log.warning(event, error_type=type(exc).__name__)
        raise DirectoryUnavailableError("the directory could not be asked") from None


class PeopleDirectory(Protocol):
    """Looks people up by email address."""

    async def find(self, email: str) -> Person | None:
        """Return the person with this address, or ``None`` when there is no such person.

        Raises:
            DirectoryUnavailableError: when the directory cannot answer right now.
        """
        ...


class GraphPeopleDirectory:
    """A :class:`PeopleDirectory` backed by Microsoft Graph (``GET /users/{email}``)."""

    def __init__(self, graph: GraphServiceClient) -> None:
        self._graph = graph

    async def find(self, email: str) -> Person | None:
        """Return the user with this address or user principal name, or ``None``.

        Args:
            email: the address.

        Returns:
            The person, named as the directory names them.

        Raises:
            DirectoryUnavailableError: when Graph fails for any reason but "no such user".
        """
        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=["displayName", "mail", "userPrincipalName"]
        )
        user = await _ask_directory(
            "directory_lookup_failed",
            lambda: self._graph.users.by_user_id(email).get(
                request_configuration=RequestConfiguration(query_parameters=query)
            ),
            absent=None,
        )
        if user is None:
            return None
        try:
            return Person(email=email, display_name=user.display_name or email)
        except ValidationError:
            # A directory entry without a usable name still names a real person.
            return Person(email=email, display_name=email)


class OrgChart(Protocol):
    """Who manages whom, from the directory (addresses are lower-cased)."""

    async def manager_of(self, email: str) -> str | None:
        """Return the address of this person's manager, or ``None`` when they have none.

        Raises:
            DirectoryUnavailableError: when the directory cannot answer right now.
        """
        ...

    async def reports_of(self, email: str) -> list[str]:
        """Return the addresses of this person's direct reports.

        Raises:
            DirectoryUnavailableError: when the directory cannot answer right now.
        """
        ...


def _address_of(entry: object) -> str | None:
    # Graph returns directory objects; people carry their address as mail or UPN.
    address = getattr(entry, "user_principal_name", None) or getattr(entry, "mail", None)
    return address.strip().lower() if isinstance(address, str) and address.strip() else None


class GraphOrgChart:
    """An :class:`OrgChart` from Graph: ``/users/{id}/manager`` and ``/directReports``."""

    def __init__(self, graph: GraphServiceClient) -> None:
        self._graph = graph

    async def manager_of(self, email: str) -> str | None:
        """Return the person's manager's address, or ``None`` (no manager, no such person)."""
        manager = await _ask_directory(
            "manager_lookup_failed", self._graph.users.by_user_id(email).manager.get, absent=None
        )
        return _address_of(manager) if manager is not None else None

    async def reports_of(self, email: str) -> list[str]:
        """Return the addresses of the person's direct reports (none for an unknown person)."""
        nobody: list[object] = []
        entries = await _ask_directory(
            "reports_lookup_failed", lambda: self._direct_reports(email), absent=nobody
        )
        return [address for entry in entries if (address := _address_of(entry))]

    async def reports_with_names(self, email: str) -> list[tuple[str, str]]:
        """Return the person's direct reports as (address, display name) pairs.

        Intake hands them to the reader, so a forward that names a report only in its text
        ("Omar is taking over the rollout plan") finds its owner among the sender's people.
        """
        nobody: list[object] = []
        entries = await _ask_directory(
            "reports_lookup_failed", lambda: self._direct_reports(email), absent=nobody
        )
        return [
            (address, str(getattr(entry, "display_name", None) or ""))
            for entry in entries
            if (address := _address_of(entry))
        ]

    async def _direct_reports(self, email: str) -> list[object]:
        page = await self._graph.users.by_user_id(email).direct_reports.get()
        entries: list[object] = list(page.value or []) if page is not None else []
        while page is not None and page.odata_next_link:
            page = (
                await self._graph.users.by_user_id(email)
                .direct_reports.with_url(page.odata_next_link)
                .get()
            )
            entries += list(page.value or []) if page is not None else []
        return entries


class CachedOrgChart:
    """Remembers another :class:`OrgChart`'s answers briefly; org charts change rarely.

    The addresses asked about are chosen by callers (any signed-in person can name anyone),
    so each cache holds at most ``max_entries`` answers and forgets the least recently used
    first: memory stays bounded however many made-up addresses arrive.
    """

    def __init__(
        self,
        inner: OrgChart,
        *,
        ttl: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
        max_entries: int = 4096,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._inner = inner
        self._ttl = ttl
        self._monotonic = monotonic
        self._max_entries = max_entries
        self._managers: OrderedDict[str, tuple[float, str | None]] = OrderedDict()
        self._reports: OrderedDict[str, tuple[float, list[str]]] = OrderedDict()

    def _fresh(
        self, cache: OrderedDict[str, tuple[float, _V]], key: str
    ) -> tuple[float, _V] | None:
        cached = cache.get(key)
        if cached is None:
            return None
        if self._monotonic() - cached[0] >= self._ttl:
            del cache[key]
            return None
        cache.move_to_end(key)
        return cached

    def _remember(self, cache: OrderedDict[str, tuple[float, _V]], key: str, value: _V) -> None:
        cache[key] = (self._monotonic(), value)
        cache.move_to_end(key)
        while len(cache) > self._max_entries:
            cache.popitem(last=False)

    async def manager_of(self, email: str) -> str | None:
        """Return the manager, from the cache when it is fresh."""
        key = email.strip().lower()
        cached = self._fresh(self._managers, key)
        if cached is not None:
            return cached[1]
        manager = await self._inner.manager_of(key)
        self._remember(self._managers, key, manager)
        return manager

    async def reports_of(self, email: str) -> list[str]:
        """Return the direct reports, from the cache when it is fresh."""
        key = email.strip().lower()
        cached = self._fresh(self._reports, key)
        if cached is not None:
            return list(cached[1])
        reports = await self._inner.reports_of(key)
        self._remember(self._reports, key, list(reports))
        return reports


async def everyone_below(org: OrgChart, email: str, *, limit: int = 500) -> list[str]:
    """Return the addresses of everyone reporting to ``email``, directly or further down.

    Args:
        org: the org chart.
        email: the manager.
        limit: stop after this many people (keeps queries built from the list bounded).

    Returns:
        The reports, nearest first, at most ``limit`` of them.
    """
    found: list[str] = []
    seen = {email.strip().lower()}
    queue = [email.strip().lower()]
    while queue and len(found) < limit:
        for report in await org.reports_of(queue.pop(0)):
            if report not in seen:
                seen.add(report)
                found.append(report)
                queue.append(report)
    return found[:limit]


class FlatOrgChart:
    """An :class:`OrgChart` in which nobody manages anyone: people see only their own."""

    async def manager_of(self, email: str) -> str | None:
        """Return ``None``: nobody has a manager here."""
        return None

    async def reports_of(self, email: str) -> list[str]:
        """Return no one."""
        return []


async def managers_above(org: OrgChart, email: str, *, limit: int = 12) -> list[str]:
    """Return the person's management chain: their manager, that manager's manager, ...

    Args:
        org: the org chart.
        email: the person.
        limit: stop after this many levels (a cycle in the directory also stops the walk).

    Returns:
        The managers' addresses, nearest first; empty when the person has no manager.

    Raises:
        DirectoryUnavailableError: when the directory cannot answer right now.
    """
    person = email.strip().lower()
    chain: list[str] = []
    seen = {person}
    while len(chain) < limit:
        manager = await org.manager_of(person)
        if manager is None or manager in seen:
            break
        chain.append(manager)
        seen.add(manager)
        person = manager
    return chain


class MailGroup(BaseModel):
    """An address no one person answers for: a distribution list, group or shared mailbox."""

    id: str
    """The group's object id (empty for a shared mailbox, which has no members to list)."""
    address: str
    display_name: str = ""
    shared_mailbox: bool = False


class GraphGroups:
    """Groups in the directory: ``GET /groups?$filter=mail eq '...'`` and their members.

    A group's address in an email names everyone in it, so intake never makes it an owner: it
    expands a group with exactly one person in it, and otherwise asks who owns the request.
    """

    def __init__(self, graph: GraphServiceClient) -> None:
        self._graph = graph

    async def find(self, address: str) -> MailGroup | None:
        """Return the group with this address, or ``None`` when no group has it.

        Raises:
            DirectoryUnavailableError: when the directory cannot answer right now.
        """
        wanted = address.strip().lower()
        quoted = wanted.replace("'", "''")
        query = GroupsRequestBuilder.GroupsRequestBuilderGetQueryParameters(
            filter=f"mail eq '{quoted}'", select=["id", "displayName", "mail"]
        )
        page = await _ask_directory(
            "group_lookup_failed",
            lambda: self._graph.groups.get(
                request_configuration=RequestConfiguration(query_parameters=query)
            ),
            absent=None,
        )
        for group in (page.value or []) if page is not None else []:
            if group.id and (group.mail or "").strip().lower() == wanted:
                return MailGroup(id=group.id, address=wanted, display_name=group.display_name or "")
        return None

    async def sole_person(self, group_id: str) -> Person | None:
        """Return the one person in a group, or ``None`` when it holds anything else.

        A group of several people, or one holding a nested group, a contact or a device, is
        no single person's: ``None``.

        Raises:
            DirectoryUnavailableError: when the directory cannot answer right now.
        """
        nobody: list[object] = []
        entries = await _ask_directory(
            "group_members_failed", lambda: self._members(group_id, 2), absent=nobody
        )
        if len(entries) != 1 or not isinstance(entries[0], User):
            return None
        address = _address_of(entries[0])
        if address is None:
            return None
        try:
            return Person(email=address, display_name=entries[0].display_name or address)
        except ValidationError:
            return Person(email=address, display_name=address)

    async def _members(self, group_id: str, limit: int) -> list[object]:
        page = await self._graph.groups.by_group_id(group_id).members.get()
        entries: list[object] = list(page.value or []) if page is not None else []
        while page is not None and page.odata_next_link and len(entries) <= limit:
            page = (
                await self._graph.groups.by_group_id(group_id)
                .members.with_url(page.odata_next_link)
                .get()
            )
            entries += list(page.value or []) if page is not None else []
        return entries

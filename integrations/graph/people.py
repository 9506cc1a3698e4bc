"""Who people are and who manages whom.

The API checks that an owner and a manager exist before asking anything, and consults the
manager chain to decide who may see whose commitments.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

import structlog
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.graph_service_client import GraphServiceClient
from pydantic import ValidationError

from domain.models import Person

log = structlog.get_logger("accord.api.people")
_T = TypeVar("_T")


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
    """Remembers another :class:`OrgChart`'s answers briefly; org charts change rarely."""

    def __init__(
        self,
        inner: OrgChart,
        *,
        ttl: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._ttl = ttl
        self._monotonic = monotonic
        self._managers: dict[str, tuple[float, str | None]] = {}
        self._reports: dict[str, tuple[float, list[str]]] = {}

    async def manager_of(self, email: str) -> str | None:
        """Return the manager, from the cache when it is fresh."""
        key = email.strip().lower()
        cached = self._managers.get(key)
        if cached is not None and self._monotonic() - cached[0] < self._ttl:
            return cached[1]
        manager = await self._inner.manager_of(key)
        self._managers[key] = (self._monotonic(), manager)
        return manager

    async def reports_of(self, email: str) -> list[str]:
        """Return the direct reports, from the cache when it is fresh."""
        key = email.strip().lower()
        cached = self._reports.get(key)
        if cached is not None and self._monotonic() - cached[0] < self._ttl:
            return list(cached[1])
        reports = await self._inner.reports_of(key)
        self._reports[key] = (self._monotonic(), list(reports))
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

"""Who people are: the API checks that an owner and a manager exist before asking anything."""

from __future__ import annotations

from typing import Protocol

import structlog
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.graph_service_client import GraphServiceClient
from pydantic import ValidationError

from domain.models import Person

log = structlog.get_logger("accord.api.people")


class DirectoryUnavailableError(Exception):
    """The directory could not be asked; whether the person exists is unknown."""


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
        try:
            user = await self._graph.users.by_user_id(email).get(
                request_configuration=RequestConfiguration(query_parameters=query)
            )
        except ODataError as exc:
            if exc.response_status_code == 404:
                return None
            log.warning("directory_lookup_failed", status=exc.response_status_code)
            raise DirectoryUnavailableError("the directory could not be asked") from None
        except Exception as exc:
            log.warning("directory_lookup_failed", error_type=type(exc).__name__)
            raise DirectoryUnavailableError("the directory could not be asked") from None
        if user is None:
            return None
        try:
            return Person(email=email, display_name=user.display_name or email)
        except ValidationError:
            # A directory entry without a usable name still names a real person.
            return Person(email=email, display_name=email)

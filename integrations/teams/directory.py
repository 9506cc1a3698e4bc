"""Who pressed a card or wrote to the bot: Teams names people by Entra object id."""

from __future__ import annotations

from typing import Protocol

import structlog
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.graph_service_client import GraphServiceClient

log = structlog.get_logger("accord.teams.directory")


class DirectoryLookupError(Exception):
    """The directory could not be asked; who the person is stays unknown."""


class ObjectIdDirectory(Protocol):
    """Finds a person's address from their Entra object id."""

    async def email_of(self, object_id: str) -> str | None:
        """Return the lower-cased address, or ``None`` when there is no such person.

        Raises:
            DirectoryLookupError: when the directory cannot answer.
        """
        ...


class GraphObjectIdDirectory:
    """:class:`ObjectIdDirectory` over Graph's ``GET /users/{id}``."""

    def __init__(self, graph: GraphServiceClient) -> None:
        self._graph = graph

    async def email_of(self, object_id: str) -> str | None:
        """Return the user's mail (or user principal name), lower-cased.

        Args:
            object_id: the Entra object id (Teams' ``aadObjectId``).

        Returns:
            The address, or ``None`` for no such user.

        Raises:
            DirectoryLookupError: when Graph fails for any reason but "no such user".
        """
        query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
            select=["mail", "userPrincipalName"]
        )
        try:
            user = await self._graph.users.by_user_id(object_id).get(
                request_configuration=RequestConfiguration(query_parameters=query)
            )
        except ODataError as exc:
            if exc.response_status_code in (400, 404):
                return None
            log.warning("teams_directory_failed", status=exc.response_status_code)
            raise DirectoryLookupError from None
        except Exception as exc:
            log.warning("teams_directory_failed", error_type=type(exc).__name__)
            raise DirectoryLookupError from None
        address = (user.mail or user.user_principal_name) if user else None
        return address.lower() if address else None

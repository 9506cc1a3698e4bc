"""Wiring Teams from the settings: the bot's trust, its token and the channel for activities.

Teams is on when ``teams_app_id`` is set. Against the sandbox (``graph_base_url`` unset) the
token endpoint, OpenID metadata and issuer default to the sandbox's Bot Connector; against a
real tenant to the Bot Framework's. Either way the same validation runs.

The bot is single-tenant: its token comes from its own tenant's endpoint (``graph_tenant_id``,
under ``graph_authority``). It proves who it is with ``teams_app_secret`` when that is set;
otherwise as Graph's app does (``graph_credential``: a secret, a certificate, workload identity
or a managed identity), which is the default of one registration for Graph, the bot and the
activity feed (docs/configuration.md, "One app registration").
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import structlog
from msgraph.graph_service_client import GraphServiceClient
from pydantic import SecretStr
from temporalio.client import Client

from accord.settings import AccordSettings
from accord.wiring.connections import sandbox_ids, sandbox_url
from activities.messaging.teams import TeamsChannel
from domain.preferences import Channel
from integrations.teams.auth import (
    PRODUCTION_ISSUER,
    PRODUCTION_OPENID_METADATA,
    BotAuthConfig,
    BotTokenValidator,
)
from integrations.teams.connector import (
    ENTRA_AUTHORITY,
    PRODUCTION_TOKEN_URL,
    BotConnector,
    BotCredentials,
    BotTokenProvider,
    single_tenant_token_url,
)
from integrations.teams.directory import GraphObjectIdDirectory
from integrations.teams.feed import ActivityFeed
from integrations.teams.pacing import Pacer
from workflows.person.client import TemporalPersonStore

if TYPE_CHECKING:
    from api.teams_bot import TeamsBot

log = structlog.get_logger("accord.teams")

# The sandbox checks that a secret is sent, not what it is (as for Graph).
_SANDBOX_BOT_SECRET = "accord-local-sandbox"  # noqa: S105 - not a secret, see above


@dataclass(frozen=True)
class TeamsParts:
    """What the worker and the API need for Teams."""

    auth: BotAuthConfig
    credentials: BotCredentials
    default_channel: Channel


def teams_parts(settings: AccordSettings) -> TeamsParts | None:
    """Return Teams' configuration, or ``None`` when Teams is off.

    Args:
        settings: Accord's settings.

    Returns:
        The bot's trust and credentials.
    """
    app_id = settings.teams_app_id
    if not app_id:
        return None
    local = settings.graph_base_url is None
    base = sandbox_url(settings)
    token_url = settings.teams_token_url or _token_url(settings, local)
    metadata = settings.teams_openid_metadata_url or (
        f"{base}/botframework/v1/.well-known/openidconfiguration"
        if local
        else PRODUCTION_OPENID_METADATA
    )
    issuers = tuple(settings.teams_issuers) or (
        (f"{base}/botframework",) if local else (PRODUCTION_ISSUER,)
    )
    return TeamsParts(
        auth=BotAuthConfig(app_id=app_id, openid_metadata_url=metadata, issuers=issuers),
        credentials=_bot_credentials(settings, app_id, token_url, local),
        default_channel=Channel(settings.teams_default_channel),
    )


def _token_url(settings: AccordSettings, local: bool) -> str:
    if local:
        return single_tenant_token_url(sandbox_ids(settings)[0], sandbox_url(settings))
    if settings.graph_tenant_id is None:
        # No tenant to be single-tenant in (a managed identity needs none for Graph).
        return PRODUCTION_TOKEN_URL
    return single_tenant_token_url(
        settings.graph_tenant_id, settings.graph_authority or ENTRA_AUTHORITY
    )


def _bot_credentials(
    settings: AccordSettings, app_id: str, token_url: str, local: bool
) -> BotCredentials:
    if settings.teams_app_secret is not None or local:
        secret = settings.teams_app_secret or SecretStr(_SANDBOX_BOT_SECRET)
        return BotCredentials(app_id=app_id, secret=secret, token_url=token_url)
    return BotCredentials(
        app_id=app_id,
        token_url=token_url,
        kind=settings.graph_credential,
        secret=settings.graph_client_secret,
        certificate_path=settings.graph_client_certificate_path,
        certificate_password=settings.graph_client_certificate_password,
        federated_token_file=settings.graph_federated_token_file,
    )


@asynccontextmanager
async def teams_channel(
    settings: AccordSettings, client: Client
) -> AsyncIterator[TeamsChannel | None]:
    """Yield the Teams channel for the messaging activity (``None`` when Teams is off).

    Args:
        settings: Accord's settings.
        client: the Temporal client the person store uses.

    Yields:
        The channel; its HTTP client is closed on exit.
    """
    parts = teams_parts(settings)
    if parts is None:
        yield None
        return
    async with httpx.AsyncClient(timeout=30) as http:
        yield TeamsChannel(
            connector=BotConnector(BotTokenProvider(parts.credentials, http)),
            people=TemporalPersonStore(client, settings.temporal_task_queue),
            pacer=Pacer(),
            default_channel=parts.default_channel,
        )


async def _register_with_sandbox(
    settings: AccordSettings, http: httpx.AsyncClient, app_id: str
) -> None:
    # Locally the sandbox plays Azure Bot Service: it learns where the bot listens from here.
    endpoint = f"{settings.public_url.rstrip('/')}/api/messages"
    try:
        response = await http.put(
            f"{sandbox_url(settings)}/_sandbox/teams/bot",
            json={"app_id": app_id, "endpoint": endpoint},
        )
        response.raise_for_status()
    except httpx.HTTPError as exc:
        log.warning("teams_sandbox_registration_failed", error_type=type(exc).__name__)
        return
    log.info("teams_bot_registered_with_sandbox", endpoint=endpoint)


def new_teams_channel(
    settings: AccordSettings, client: Client, graph: GraphServiceClient | None = None
) -> TeamsChannel | None:
    """Return the Teams channel for a long-running worker (``None`` when Teams is off).

    Its HTTP client lives as long as the process; use :func:`teams_channel` where the
    channel's life is shorter. With ``graph``, people who have the app but prefer email also
    get questions in their Teams activity feed.
    """
    parts = teams_parts(settings)
    if parts is None:
        return None
    http = httpx.AsyncClient(timeout=30)
    return TeamsChannel(
        connector=BotConnector(BotTokenProvider(parts.credentials, http)),
        people=TemporalPersonStore(client, settings.temporal_task_queue),
        pacer=Pacer(),
        default_channel=parts.default_channel,
        feed=None if graph is None else ActivityFeed(graph, bot_app_id=parts.auth.app_id),
    )


@asynccontextmanager
async def teams_bot(
    settings: AccordSettings, client: Client, graph: GraphServiceClient
) -> AsyncIterator[TeamsBot | None]:
    """Yield the bot the API serves at ``/api/messages`` (``None`` when Teams is off).

    Args:
        settings: Accord's settings.
        client: the Temporal client the person store uses.
        graph: Graph, to find who wrote or pressed a card.

    Yields:
        The bot; its HTTP client is closed on exit.
    """
    # Only the API serves the bot: the worker imports this module for the channel and must not
    # load FastAPI and the API's routers with the bot (tests/test_worker_imports.py).
    from api.teams_bot import TeamsBot

    parts = teams_parts(settings)
    if parts is None:
        yield None
        return
    async with httpx.AsyncClient(timeout=30) as http:
        if settings.graph_base_url is None:
            await _register_with_sandbox(settings, http, parts.auth.app_id)
        yield TeamsBot(
            validator=BotTokenValidator(parts.auth, http),
            connector=BotConnector(BotTokenProvider(parts.credentials, http)),
            people=TemporalPersonStore(client, settings.temporal_task_queue),
            directory=GraphObjectIdDirectory(graph),
        )

"""The composition root of the API: settings in, a FastAPI app connected to Temporal and Graph.

``accord api`` runs :func:`run_api`; tests build the same app with :func:`build_app` around
their own clients, as worker.py's ``build_worker`` does for the worker. This is where the
API's settings are read: the app gets an :class:`api.config.ApiConfig`.
"""

from __future__ import annotations

import contextlib

import structlog
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.common import MetricMeter
from temporalio.runtime import Runtime

from accord.keys.secrets import link_key_ring
from accord.settings import AccordSettings
from accord.wiring.app_signin import app_signin_config
from accord.wiring.auth import validator_from_settings
from accord.wiring.connections import graph_client
from accord.wiring.intake import client_states, watched_mailboxes
from accord.wiring.policy import authorization_policy
from accord.wiring.serving import serve
from accord.wiring.teams import teams_bot
from accord.wiring.temporal import connect
from api.app import create_app, utc_now
from api.auth import TokenValidator, install_group_memberships
from api.config import AddinConfig, ApiConfig, WebhookConfig
from api.dependencies import Clock
from api.digest_services import (
    GraphMailboxSchedules,
    TemporalDigestSchedules,
    TemporalFactSource,
    install_digest,
)
from api.reading import install_reading
from domain.action_links import LinkKeyRing
from integrations.graph.memberships import CachedGroupMemberships, GraphGroupMemberships
from integrations.graph.people import (
    CachedOrgChart,
    GraphOrgChart,
    GraphPeopleDirectory,
    OrgChart,
    PeopleDirectory,
)
from integrations.reading_pool import ReadingPool
from integrations.telemetry.runtime import MetricsSetupError, build_runtime

log = structlog.get_logger("accord.api")


def api_config(settings: AccordSettings, links: LinkKeyRing) -> ApiConfig:
    """Return what the API's routes need of the settings.

    Args:
        settings: Accord's settings.
        links: the link keys (Graph's ``clientState`` may be derived from them).

    Returns:
        The API's configuration.
    """
    return ApiConfig(
        public_url=settings.public_url,
        task_queue=settings.temporal_task_queue,
        agent_mailbox=settings.agent_mailbox,
        max_body_bytes=settings.api_max_body_bytes,
        addin=AddinConfig(client_id=settings.addin_client_id, resource=settings.addin_resource),
        app_signin=app_signin_config(settings),
        webhooks=WebhookConfig(
            client_states=tuple(client_states(settings, links)),
            watched=frozenset(watched_mailboxes(settings)),
        ),
        authorization=authorization_policy(settings),
        support_trend_to_manager=settings.api_support_trend_to_manager,
        run_events=settings.commitment_run_events,
    )


def build_app(
    settings: AccordSettings,
    *,
    temporal: Client,
    links: LinkKeyRing,
    directory: PeopleDirectory,
    clock: Clock = utc_now,
    org: OrgChart | None = None,
    validator: TokenValidator | None = None,
    metrics: MetricMeter | None = None,
) -> FastAPI:
    """Build the API for the settings' deployment.

    Args:
        settings: Accord's settings (``public_url``, ``temporal_task_queue``, ``auth_*``, ...).
        temporal: a connected Temporal client using Accord's data converter.
        links: the key ring that verifies action links.
        directory: where people are looked up.
        clock: returns the current, timezone-aware instant.
        org: who manages whom, for authorization; unset: nobody sees anyone else's.
        validator: checks bearer tokens; unset: the tenant of ``settings`` (``auth_*``).
        metrics: where request metrics go (see :func:`api_runtime`); unset: not counted.

    Returns:
        The FastAPI application (see :func:`api.app.create_app`).
    """
    return create_app(
        config=api_config(settings, links),
        temporal=temporal,
        links=links,
        directory=directory,
        validator=validator or validator_from_settings(settings),
        clock=clock,
        org=org,
        metrics=metrics,
    )


def api_runtime(settings: AccordSettings) -> Runtime:
    """Build the API's Temporal runtime: Prometheus metrics on ``api_metrics_port`` when set.

    The API's request metrics and its Temporal client's share the endpoint, a port of its
    own that neither the Service nor the Ingress exposes.

    Args:
        settings: ``api_host`` and ``api_metrics_port``.

    Returns:
        A runtime of its own; the SDK's default runtime when no metrics port is set.

    Raises:
        MetricsSetupError: when the port cannot be bound (the message names the setting).
    """
    port = settings.api_metrics_port
    try:
        return build_runtime(None if port is None else f"{settings.api_host}:{port}")
    except MetricsSetupError as exc:
        raise MetricsSetupError(f"ACCORD_API_METRICS_PORT: {exc}") from None


async def run_api(settings: AccordSettings) -> int:
    """Serve the API on ``api_host:api_port`` until SIGINT or SIGTERM.

    Args:
        settings: Accord's settings.

    Returns:
        The exit code: 0 after a clean stop, 1 when the server could not start.
    """
    links = link_key_ring(settings)
    async with graph_client(settings) as graph, contextlib.AsyncExitStack() as stack:
        runtime = api_runtime(settings)
        temporal = await connect(settings, runtime=runtime)
        app = build_app(
            settings,
            temporal=temporal,
            links=links,
            directory=GraphPeopleDirectory(graph),
            org=CachedOrgChart(GraphOrgChart(graph)),
            metrics=None if settings.api_metrics_port is None else runtime.metric_meter,
        )
        install_digest(
            app,
            mailboxes=GraphMailboxSchedules(graph),
            schedules=TemporalDigestSchedules(temporal, settings.temporal_task_queue),
            facts=TemporalFactSource(temporal),
        )
        app.state.teams_bot = await stack.enter_async_context(teams_bot(settings, temporal, graph))
        # Made here, not at import: the processes that read mail the add-in sends.
        reading = ReadingPool(preload=("api.addin_prefill",))
        stack.push_async_callback(reading.close)
        await reading.start()
        install_reading(app, reading)
        # Project leads' groups from the directory, when the token's claim leaves them out.
        install_group_memberships(app, CachedGroupMemberships(GraphGroupMemberships(graph)))
        log.info("api_starting", url=f"http://{settings.api_host}:{settings.api_port}")
        return await serve(app, settings.api_host, settings.api_port)

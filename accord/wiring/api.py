"""The composition root of the API: settings in, a FastAPI app connected to Temporal and Graph.

``accord api`` runs :func:`run_api`; tests build the same app with :func:`build_app` around
their own clients, as worker.py's ``build_worker`` does for the worker. This is where the
API's settings are read: the app gets an :class:`api.config.ApiConfig`.
"""

from __future__ import annotations

import contextlib
import json

import structlog
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.common import MetricMeter
from temporalio.runtime import Runtime

from accord.keys.secrets import link_key_ring
from accord.settings import AccordSettings
from accord.wiring.auth import validator_from_settings
from accord.wiring.connections import graph_client
from accord.wiring.intake import client_states, watched_mailboxes
from accord.wiring.serving import serve
from accord.wiring.teams import teams_bot
from accord.wiring.temporal import connect
from api.app import create_app, utc_now
from api.auth import TokenValidator
from api.config import AddinConfig, ApiConfig, WebhookConfig
from api.dependencies import Clock
from api.digest_services import (
    GraphMailboxSchedules,
    TemporalDigestSchedules,
    TemporalFactSource,
    install_digest,
)
from domain.action_links import LinkKeyRing
from domain.authorization import AuthorizationPolicy
from integrations.graph.people import (
    CachedOrgChart,
    GraphOrgChart,
    GraphPeopleDirectory,
    OrgChart,
    PeopleDirectory,
)
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
        webhooks=WebhookConfig(
            client_states=tuple(client_states(settings, links)),
            watched=frozenset(watched_mailboxes(settings)),
        ),
        authorization=authorization_policy(settings),
    )


def authorization_policy(settings: AccordSettings) -> AuthorizationPolicy:
    """Return the policy that widens who may set whom an expectation (empty when unset).

    Args:
        settings: Accord's settings (``auth_policy_file``).

    Returns:
        The policy.

    Raises:
        ValueError: when the file cannot be read or is not a policy; the API does not start
            with a policy it cannot follow.
    """
    if settings.auth_policy_file is None:
        return AuthorizationPolicy()
    try:
        document = json.loads(settings.auth_policy_file.read_text(encoding="utf-8"))
        return AuthorizationPolicy.from_document(document)
    except (OSError, ValueError) as exc:
        raise ValueError(f"auth_policy_file is not a usable policy: {exc}") from exc


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
        log.info("api_starting", url=f"http://{settings.api_host}:{settings.api_port}")
        return await serve(app, settings.api_host, settings.api_port)

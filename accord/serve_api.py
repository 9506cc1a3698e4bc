"""``accord api``: serve Accord's HTTP API with uvicorn, connected to Temporal and Graph."""

from __future__ import annotations

import contextlib

import structlog

from accord.connections import graph_client
from accord.keys import link_key_ring
from accord.serving import serve
from accord.settings import AccordSettings
from accord.teams_setup import teams_bot
from api.app import create_app
from api.digest_services import (
    GraphMailboxSchedules,
    TemporalDigestSchedules,
    TemporalFactSource,
    install_digest,
)
from api.people import CachedOrgChart, GraphOrgChart, GraphPeopleDirectory
from integrations.temporal.client import connect

log = structlog.get_logger("accord.api")


async def run_api(settings: AccordSettings) -> int:
    """Serve the API on ``api_host:api_port`` until SIGINT or SIGTERM.

    Args:
        settings: Accord's settings.

    Returns:
        The exit code: 0 after a clean stop, 1 when the server could not start.
    """
    links = link_key_ring(settings)
    async with graph_client(settings) as graph, contextlib.AsyncExitStack() as stack:
        temporal = await connect(settings)
        app = create_app(
            settings=settings,
            temporal=temporal,
            links=links,
            directory=GraphPeopleDirectory(graph),
            org=CachedOrgChart(GraphOrgChart(graph)),
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

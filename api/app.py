"""Accord's HTTP API: commitments as JSON, and the pages behind one-click action links.

:func:`create_app` builds the app from what it is given and reads no settings: its
composition root (accord/wiring/api.py) hands it an :class:`api.config.ApiConfig`, so the CLI,
tests and any other host wire it up the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client
from temporalio.common import MetricMeter

from api.auth import AuthContext, TokenValidator, install_auth
from api.config import ApiConfig
from api.dependencies import ApiContext, Clock
from api.headers import NoSniff
from api.limits import BodySizeLimit
from api.metrics import RequestMetrics
from api.problems import (
    PROBLEM_TYPE_PREFIX,
    Problem,
    install_problem_handlers,
    problem_response,
    unavailable_response,
)
from api.routers import (
    actions,
    addin,
    agenda_copy,
    app_commitments,
    app_people,
    app_session,
    bot,
    calendar_notifications,
    commitments,
    digest,
    health,
    intake_links,
    intake_notifications,
    reliability,
)
from api.webapp.guard import install_app_guard
from domain.action_links import LinkKeyRing
from integrations.graph.people import (
    DirectoryUnavailableError,
    FlatOrgChart,
    OrgChart,
    PeopleDirectory,
)
from workflows.commitment.client import (
    ActionRejectedError,
    CommitmentNotFoundError,
    CommitmentUnavailableError,
)


def utc_now() -> datetime:
    """Return the current instant in UTC."""
    return datetime.now(UTC)


def create_app(
    *,
    config: ApiConfig,
    temporal: Client,
    links: LinkKeyRing,
    directory: PeopleDirectory,
    validator: TokenValidator,
    clock: Clock = utc_now,
    org: OrgChart | None = None,
    metrics: MetricMeter | None = None,
) -> FastAPI:
    """Build the API.

    Args:
        config: the deployment (public URL, task queue, agent mailbox, limits, ...).
        temporal: a connected Temporal client using Accord's data converter.
        links: the key ring that verifies action links.
        directory: where people are looked up.
        validator: checks bearer tokens.
        clock: returns the current, timezone-aware instant.
        org: who manages whom, for authorization; unset: nobody sees anyone else's.
        metrics: where request counts and times go (Prometheus, see :mod:`api.metrics`);
            unset: not counted.

    Returns:
        The FastAPI application. Its dependencies (``api.dependencies.get_*``) can be
        replaced through ``app.dependency_overrides``.
    """
    app = FastAPI(
        title="Accord",
        summary="Commitments between managers and their reports, kept kindly.",
        version="0.1.0",
    )
    app.state.accord = ApiContext(
        config=config, temporal=temporal, links=links, directory=directory, clock=clock
    )
    install_problem_handlers(app)
    install_auth(
        app,
        AuthContext(
            validator=validator,
            org=org or FlatOrgChart(),
        ),
    )
    app.add_exception_handler(CommitmentNotFoundError, _on_not_found)
    app.add_exception_handler(ActionRejectedError, _on_rejected)
    app.add_exception_handler(CommitmentUnavailableError, _on_unavailable)
    app.add_exception_handler(DirectoryUnavailableError, _on_unavailable)
    app.add_middleware(BodySizeLimit, max_bytes=config.max_body_bytes)
    # Added last, so outermost: the body limits' own refusals are marked too.
    app.add_middleware(NoSniff)
    if metrics is not None:
        # Outermost of all: it sees every answer, the refusals of the limits too.
        app.add_middleware(RequestMetrics, meter=metrics)
    app.include_router(health.router)
    app.include_router(commitments.router)
    app.include_router(actions.router)
    app.include_router(intake_links.router)
    app.include_router(intake_notifications.router)
    app.include_router(calendar_notifications.router)
    app.include_router(addin.router)
    app.include_router(bot.router)
    app.include_router(digest.router)
    app.include_router(reliability.router)
    app.include_router(agenda_copy.router)
    # The web app (docs/app.md): its session, pages and actions, and its static files.
    install_app_guard(app)
    app.include_router(app_session.router)
    app.include_router(app_commitments.router)
    app.include_router(app_people.router)
    app.mount("/app/static", StaticFiles(packages=[("api", "static/app")]), name="app-static")
    return app


async def _on_not_found(_request: Request, exc: Exception) -> JSONResponse:
    # Each handler is registered for its own exception type only.
    commitment_id = cast(CommitmentNotFoundError, exc).commitment_id
    return problem_response(
        Problem(
            type=f"{PROBLEM_TYPE_PREFIX}commitment-not-found",
            title="No such commitment",
            status=404,
            detail=f"There is no commitment with id {commitment_id!r}.",
        )
    )


async def _on_rejected(_request: Request, exc: Exception) -> JSONResponse:
    reason = cast(ActionRejectedError, exc).reason
    return problem_response(
        Problem(
            type=f"{PROBLEM_TYPE_PREFIX}action-rejected",
            title="The commitment did not accept this action",
            status=409,
            detail=reason,
        )
    )


async def _on_unavailable(_request: Request, _exc: Exception) -> JSONResponse:
    return unavailable_response("Nothing was changed. Please try again in a moment.")

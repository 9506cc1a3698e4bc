"""What the digest and reliability routes need: mailbox settings, schedules, commitment facts.

Each is a small protocol with a Graph- or Temporal-backed implementation; :func:`install_digest`
puts them on the app (``accord api`` does it with Graph; tests pass their own), and routes get
them through :data:`DigestServicesDep`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Protocol

import structlog
from fastapi import Depends, FastAPI, Request
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from activities.directory.activities import read_person_schedule
from api.problems import FieldError, ProblemError, field_errors
from domain.digest import DigestTiming
from domain.reliability import CommitmentFacts
from domain.working_time import PersonSchedule
from integrations.graph.people import DirectoryUnavailableError
from workflows.commitment.facts import (
    CommitmentsUnavailableError,
    facts_query,
    read_commitment_facts,
)
from workflows.digest.client import (
    DigestScheduleState,
    ensure_digest_schedule,
    read_digest_schedule,
)

log = structlog.get_logger("accord.api.digest")


class MailboxSchedules(Protocol):
    """Reads a person's zone, working hours and out-of-office."""

    async def schedule_of(self, email: str) -> PersonSchedule:
        """Return the person's schedule.

        Raises:
            DirectoryUnavailableError: when the mailbox settings cannot be read now.
        """
        ...


class DigestSchedules(Protocol):
    """Keeps managers' digest schedules."""

    async def read(self, manager: str) -> DigestScheduleState | None:
        """Return the manager's schedule, or ``None`` when there is none yet."""
        ...

    async def save(
        self, manager: str, *, timing: DigestTiming, time_zone: str, enabled: bool
    ) -> DigestScheduleState:
        """Create or replace the manager's schedule."""
        ...


class CommitmentFactSource(Protocol):
    """Finds the commitments a person owns."""

    async def owned_by(self, email: str, since: datetime) -> list[CommitmentFacts]:
        """Return the person's commitments, open or ended since ``since``."""
        ...


class GraphMailboxSchedules:
    """:class:`MailboxSchedules` from Graph's mailboxSettings."""

    def __init__(self, graph: GraphServiceClient) -> None:
        self._graph = graph

    async def schedule_of(self, email: str) -> PersonSchedule:
        """Read the person's schedule; any failure means "not now" (503)."""
        try:
            return await read_person_schedule(self._graph, email)
        except ApplicationError as exc:
            log.warning("mailbox_settings_unreadable", error_type=exc.type)
            raise DirectoryUnavailableError("the mailbox settings could not be read") from None


class TemporalDigestSchedules:
    """:class:`DigestSchedules` kept as Temporal Schedules."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    async def read(self, manager: str) -> DigestScheduleState | None:
        """See :func:`workflows.digest.client.read_digest_schedule`."""
        try:
            return await read_digest_schedule(self._client, manager)
        except RPCError as exc:
            raise DirectoryUnavailableError("schedules cannot be read now") from exc

    async def save(
        self, manager: str, *, timing: DigestTiming, time_zone: str, enabled: bool
    ) -> DigestScheduleState:
        """See :func:`workflows.digest.client.ensure_digest_schedule`."""
        try:
            return await ensure_digest_schedule(
                self._client,
                manager,
                timing=timing,
                time_zone=time_zone,
                enabled=enabled,
                task_queue=self._task_queue,
                replace=True,
            )
        except RPCError as exc:
            raise DirectoryUnavailableError("schedules cannot be changed now") from exc


class TemporalFactSource:
    """:class:`CommitmentFactSource` through Temporal visibility and the ``view`` query."""

    def __init__(self, client: Client) -> None:
        self._client = client

    async def owned_by(self, email: str, since: datetime) -> list[CommitmentFacts]:
        """See :func:`workflows.commitment.facts.read_commitment_facts`."""
        try:
            query = facts_query(since=since, owner=email)
        except ValueError:
            return []
        try:
            return await read_commitment_facts(self._client, query)
        except CommitmentsUnavailableError as exc:
            raise DirectoryUnavailableError("commitments cannot be read now") from exc


@dataclass(frozen=True)
class DigestServices:
    """The digest routes' services."""

    mailboxes: MailboxSchedules
    schedules: DigestSchedules
    facts: CommitmentFactSource


def install_digest(
    app: FastAPI,
    *,
    mailboxes: MailboxSchedules,
    schedules: DigestSchedules,
    facts: CommitmentFactSource,
) -> None:
    """Give the app what the digest and reliability routes need.

    Args:
        app: the application from :func:`api.app.create_app`.
        mailboxes: reads people's working hours and zone.
        schedules: keeps digest schedules.
        facts: finds a person's commitments.
    """
    app.state.accord_digest = DigestServices(mailboxes=mailboxes, schedules=schedules, facts=facts)


def get_digest_services(request: Request) -> DigestServices:
    """Return the digest services, or answer 503 when the host did not install them."""
    services: DigestServices | None = getattr(request.app.state, "accord_digest", None)
    if services is None:
        raise ProblemError(
            503,
            "unavailable",
            "Accord cannot answer right now",
            "The digest is not set up on this server.",
        )
    return services


DigestServicesDep = Annotated[DigestServices, Depends(get_digest_services)]


def only_query_parameters(*names: str) -> Callable[[Request], None]:
    """Return a dependency refusing query parameters other than ``names`` (422, not ignored).

    Args:
        *names: the parameters the route takes.

    Returns:
        The dependency.
    """
    allowed = frozenset(names)

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params.keys()) - allowed)
        if unknown:
            raise field_errors(
                *(
                    FieldError(
                        field=name[:100],
                        location="query",
                        message="is not a parameter of this operation",
                        type="extra_forbidden",
                    )
                    for name in unknown[:10]
                )
            )

    return check

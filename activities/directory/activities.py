"""Directory activities: what Graph knows about a person's time."""

from __future__ import annotations

import structlog
from msgraph.graph_service_client import GraphServiceClient
from pydantic import ValidationError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.directory.contracts import GET_PERSON_SCHEDULE, ScheduleLookup
from activities.directory.schedule_cache import ScheduleCache
from domain.working_time import PersonSchedule
from integrations.graph.errors import graph_errors
from integrations.graph.json_reads import send_for_json

log = structlog.get_logger("accord.activities.directory")
INVALID_MAILBOX_SETTINGS = "InvalidMailboxSettings"


async def read_person_schedule(graph: GraphServiceClient, email: str) -> PersonSchedule:
    """Read someone's zone, working hours and automatic replies from their mailboxSettings.

    The raw JSON is read (see :mod:`integrations.graph.json_reads`) and handed to
    :meth:`PersonSchedule.from_graph`, which already understands Graph's REST shape.

    Args:
        graph: the SDK client.
        email: the person's address or user principal name.

    Returns:
        The schedule.

    Raises:
        ApplicationError: for Graph failures (see :mod:`integrations.graph.errors`), and,
            not retryable, ``InvalidMailboxSettings`` when the settings cannot be read.
    """
    request = graph.users.by_user_id(email).mailbox_settings.to_get_request_information()
    with graph_errors():
        settings = await send_for_json(graph, request)
    try:
        return PersonSchedule.from_graph(settings)
    except (ValidationError, ValueError) as exc:
        # Retrying reads the same settings; the message names the error type, not the values.
        raise ApplicationError(
            f"the mailbox settings could not be read: {type(exc).__name__}",
            type=INVALID_MAILBOX_SETTINGS,
            non_retryable=True,
        ) from None


async def read_schedule(
    graph: GraphServiceClient, email: str, schedules: ScheduleCache | None
) -> PersonSchedule:
    """Read someone's schedule through the worker's cache, or from Graph when there is none.

    Args:
        graph: the SDK client.
        email: the person's address or user principal name.
        schedules: the worker's cache of recent reads
            (see :mod:`activities.directory.schedule_cache`);
            ``None``: always ask Graph.

    Returns:
        The schedule.

    Raises:
        ApplicationError: as :func:`read_person_schedule`.
    """
    if schedules is None:
        return await read_person_schedule(graph, email)
    return await schedules.read(email, lambda: read_person_schedule(graph, email))


class DirectoryActivities:
    """Reads from the directory and mailbox settings.

    Args:
        graph: the SDK client.
        schedules: a cache of recent schedule reads shared by the worker's activities;
            ``None``: every read asks Graph.
    """

    def __init__(
        self, graph: GraphServiceClient, *, schedules: ScheduleCache | None = None
    ) -> None:
        self._graph = graph
        self._schedules = schedules

    @activity.defn(name=GET_PERSON_SCHEDULE)
    async def get_person_schedule(self, lookup: ScheduleLookup) -> PersonSchedule:
        """Read a person's time zone, working hours and automatic replies.

        Args:
            lookup: whose schedule.

        Returns:
            The schedule.
        """
        schedule = await read_schedule(self._graph, lookup.email, self._schedules)
        log.info("person_schedule_read", auto_replies=schedule.automatic_replies.status)
        return schedule

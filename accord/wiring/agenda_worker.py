"""The regular 1:1's part of the worker: its workflows, activities and daily sweep.

The worker creates the ``agenda-sweep`` schedule at start, idempotently (as it does the
digest's enrolment): once a day it lists the managers of open commitments and plans each
one's 1:1s. Nothing per manager needs enrolling: planning is cheap and idempotent (the
workflows it starts have ids Temporal refuses twice), so one schedule covers everyone.
"""

from __future__ import annotations

import structlog
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.service import RPCError

from accord.settings import AccordSettings
from activities.agenda.activities import AgendaActivities
from activities.agenda.booking import OneOnOneBooking
from activities.agenda.views import TemporalViews
from activities.directory.schedule_cache import ScheduleCache
from activities.messaging.activities import MessagingActivities
from workflows.agenda.client import ensure_sweep_schedule, remove_sweep_schedule
from workflows.agenda.workflow import (
    AgendaSweepWorkflow,
    AgendaWorkflow,
    OneOnOneOfferWorkflow,
    OneOnOnePlanWorkflow,
)
from workflows.person.client import TemporalPersonStore

AGENDA_WORKFLOWS = [
    AgendaSweepWorkflow,
    OneOnOnePlanWorkflow,
    AgendaWorkflow,
    OneOnOneOfferWorkflow,
]

log = structlog.get_logger("accord.agenda")


def agenda_activities(
    settings: AccordSettings,
    client: Client,
    graph: GraphServiceClient,
    messaging: MessagingActivities,
    schedules: ScheduleCache | None = None,
) -> list[object]:
    """Return the objects whose methods are the regular 1:1's activities.

    Args:
        settings: the task queue.
        client: the Temporal client (commitments read, workflows started through it).
        graph: the Graph client.
        messaging: the worker's messaging activities (sending mailbox, exactly once).
        schedules: the worker's cache of mailbox-settings reads.

    Returns:
        Instances for :func:`worker.activity_methods`.
    """
    queue = settings.temporal_task_queue
    return [
        AgendaActivities(
            client,
            graph,
            messaging,
            TemporalViews(client),
            people=TemporalPersonStore(client, queue),
            task_queue=queue,
            schedules=schedules,
        ),
        OneOnOneBooking(graph),
    ]


async def start_agenda_sweep(settings: AccordSettings, client: Client) -> None:
    """Create the daily sweep's schedule unless it exists (or remove it, with agendas off).

    A failure is logged, not fatal.

    Args:
        settings: the task queue and whether agendas are on.
        client: the Temporal client.
    """
    try:
        if settings.agenda_enabled:
            await ensure_sweep_schedule(client, settings.temporal_task_queue)
        else:
            # Turned off after it ran: no more planning, agendas or offers from now on.
            await remove_sweep_schedule(client)
    except RPCError as exc:
        log.warning("agenda_sweep_not_scheduled", reason=exc.message)

"""The weekly digest's part of the worker: its workflows, activities and enrolment schedule.

Managers get their digest schedule from an hourly enrolment run (a Temporal Schedule the
worker creates at start, idempotently): every manager with an open commitment who has no
schedule yet gets one at a default time inside their working hours (Monday 09:00 when it
fits). A manager's later choices (another day, the digest off) are never overwritten.
"""

from __future__ import annotations

import structlog
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.service import RPCError

from accord.settings import AccordSettings
from activities.digest.activities import DigestActivities, DigestEnrolmentActivities
from activities.messaging.activities import MessagingActivities
from workflows.digest.client import ensure_enrolment_schedule
from workflows.digest.workflow import DigestEnrolmentWorkflow, DigestTriggerWorkflow, DigestWorkflow

DIGEST_WORKFLOWS = [DigestTriggerWorkflow, DigestWorkflow, DigestEnrolmentWorkflow]

log = structlog.get_logger("accord.digest")


def digest_activities(
    settings: AccordSettings,
    client: Client,
    graph: GraphServiceClient,
    messaging: MessagingActivities,
) -> list[object]:
    """Return the objects whose methods are the digest's activities.

    Args:
        settings: the agent mailbox and task queue.
        client: the Temporal client (commitments are read and schedules made through it).
        graph: the Graph client.
        messaging: the worker's messaging activities (their Sent Items search).

    Returns:
        Instances for :func:`worker.activity_methods`.
    """
    return [
        DigestActivities(client, graph, messaging),
        DigestEnrolmentActivities(client, graph, task_queue=settings.temporal_task_queue),
    ]


async def start_digest_enrolment(settings: AccordSettings, client: Client) -> None:
    """Create the hourly enrolment schedule unless it exists; a failure is logged, not fatal.

    Args:
        settings: the task queue.
        client: the Temporal client.
    """
    try:
        await ensure_enrolment_schedule(client, settings.temporal_task_queue)
    except RPCError as exc:
        log.warning("digest_enrolment_not_scheduled", reason=exc.message)

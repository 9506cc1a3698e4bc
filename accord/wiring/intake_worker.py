"""The intake pipeline's part of the worker: its workflows and activity instances."""

from __future__ import annotations

from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client

from accord.keys.secrets import intake_id_key
from accord.settings import AccordSettings
from accord.wiring.policy import authorization_policy
from activities.intake.activities import IntakeActivities
from activities.intake.questions import IntakeMailActivities
from activities.intake.subscriptions import SubscriptionActivities
from activities.messaging.activities import MessagingActivities
from integrations.graph.memberships import CachedGroupMemberships, GraphGroupMemberships
from integrations.reading_pool import ReadingPool
from workflows.intake.mailbox_watch import MailboxWatchWorkflow
from workflows.intake.message import MessageIntakeWorkflow
from workflows.intake.workflow import IntakeWorkflow

INTAKE_WORKFLOWS = [MailboxWatchWorkflow, MessageIntakeWorkflow, IntakeWorkflow]


def intake_activities(
    settings: AccordSettings,
    client: Client,
    graph: GraphServiceClient,
    messaging: MessagingActivities,
) -> list[object]:
    """Return the objects whose methods are intake's activities.

    Args:
        settings: agent mailbox, domains, category, grace window and task queue.
        client: the Temporal client (intake starts and signals workflows).
        graph: the Graph client.
        messaging: the worker's messaging activities (their Sent Items search).

    Returns:
        Instances for :func:`worker.activity_methods`.
    """
    domains = settings.intake_tenant_domains or [settings.agent_mailbox.rpartition("@")[2]]
    return [
        IntakeActivities(
            graph,
            client,
            agent_mailbox=settings.agent_mailbox,
            tenant_domains=domains,
            category=settings.intake_category,
            task_queue=settings.temporal_task_queue,
            grace_window=settings.intake_grace_window,
            id_key=intake_id_key(settings),
            # Made here, not at import; its processes start with the first email read and,
            # being daemons, end with the worker.
            reading=ReadingPool(preload=("domain.intake",)),
            # The API's policy file: a project lead may set expectations by mail too.
            policy=authorization_policy(settings),
            memberships=CachedGroupMemberships(GraphGroupMemberships(graph)),
            run_events=settings.commitment_run_events,
        ),
        IntakeMailActivities(graph, messaging, agent_mailbox=settings.agent_mailbox),
        SubscriptionActivities(graph, client, task_queue=settings.temporal_task_queue),
    ]

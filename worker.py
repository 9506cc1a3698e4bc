"""The composition root of the worker: Graph, Temporal, the workflow and its activities.

``accord worker`` runs :func:`run_worker`; tests build the same worker with
:func:`build_worker` around their own clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import structlog
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.worker import Worker, WorkerTuner

from accord.keys.secrets import link_key_ring
from accord.settings import AccordSettings
from accord.wiring.agenda_worker import AGENDA_WORKFLOWS, agenda_activities, start_agenda_sweep
from accord.wiring.calendar_watch import meeting_watch
from accord.wiring.connections import graph_client
from accord.wiring.digest_worker import DIGEST_WORKFLOWS, digest_activities, start_digest_enrolment
from accord.wiring.intake import ensure_watches, watch_configs
from accord.wiring.intake_worker import INTAKE_WORKFLOWS, intake_activities
from accord.wiring.teams import new_teams_channel
from accord.wiring.telemetry import worker_runtime, worker_tracing
from accord.wiring.temporal import connect, search_attribute_keys
from accord.wiring.worker_health import WorkerHealth, WorkerPhase, serve_probes
from accord.wiring.worker_warmup import warm_up
from accord.wiring.workflow_runner import workflow_runner
from activities.agenda.contracts import SEND_AGENDA, SEND_ONE_ON_ONE_OFFER
from activities.calendar.activities import CalendarActivities
from activities.calendar.watch import CalendarWatchActivities
from activities.digest.contracts import SEND_DIGEST
from activities.directory.activities import DirectoryActivities
from activities.directory.schedule_cache import ScheduleCache
from activities.intake.contracts import ASK_MANAGER, REPLY_NO_REQUEST, REPLY_REFUSAL
from activities.messaging.activities import MessagingActivities
from activities.messaging.contracts import SEND_MESSAGE
from activities.messaging.teams import TeamsChannel
from activities.sending.activities import SendRouting
from integrations.graph.pacing import MailboxPacer, PacingLimits
from integrations.temporal.client import ensure_search_attributes
from workflows.calendar.decline_watch import DeclineWatchWorkflow
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.person.workflow import PersonWorkflow

log = structlog.get_logger("accord.worker")

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SUBMITTING_ACTIVITIES = frozenset(
    {SEND_MESSAGE, SEND_DIGEST, ASK_MANAGER, REPLY_REFUSAL, REPLY_NO_REQUEST}
    | {SEND_AGENDA, SEND_ONE_ON_ONE_OFFER}
)
"""The activities that submit mail: each runs on its sending mailbox's queue when queues are on."""
# Longer than a send's Sent Items look-up takes: its submission then follows its dispatch by
# this much whatever the look-up took, so a mailbox's sends reach Exchange evenly spaced.
SUBMIT_AFTER_DISPATCH_SECONDS = 2.0


def activity_methods(*instances: object) -> list[Callable[..., Any]]:
    """Return the ``@activity.defn`` methods of each instance, bound to it.

    Args:
        instances: objects whose classes define activities as methods.

    Returns:
        The bound activity methods, in a stable order.
    """
    found: list[Callable[..., Any]] = []
    for instance in instances:
        for name in sorted(dir(type(instance))):
            member = getattr(instance, name)
            # The SDK marks each activity with this attribute and offers no public test for it.
            if callable(member) and hasattr(member, "__temporal_activity_definition"):
                found.append(member)
    return found


async def build_worker(
    settings: AccordSettings,
    client: Client,
    graph: GraphServiceClient,
    teams: TeamsChannel | None = None,
    pacer: MailboxPacer | None = None,
) -> Worker:
    """Build the worker for commitment workflows and their activities, sends included.

    Every send runs on this worker's own queue (the per-mailbox queues are off); see
    :func:`build_workers` for the worker with them.

    Args:
        settings: the task queue, tuning, agent mailbox, public URL and link keys.
        client: a connected Temporal client (with Accord's data converter).
        graph: the Graph client the activities call.
        teams: the Teams channel for messages; unset: built from the settings.
        pacer: the mailbox pacer ``graph``'s transport shares; ``None``: no pacing.

    Returns:
        The worker, not yet running.
    """
    workers = await build_workers(settings, client, graph, teams, pacer, send_queues=False)
    return workers[0]


async def build_workers(
    settings: AccordSettings,
    client: Client,
    graph: GraphServiceClient,
    teams: TeamsChannel | None = None,
    pacer: MailboxPacer | None = None,
    *,
    send_queues: bool = True,
    minute: float = 60.0,
) -> list[Worker]:
    """Build the worker for commitment workflows and their activities.

    With ``send_queues``, messages to people go out on their sending mailbox's task queue
    (``activities.sending``), one worker each after the first, and each such worker asks
    Temporal to dispatch one under ``mail_messages_per_minute`` a minute from its queue
    (``max_task_queue_activities_per_second``): the server keeps the rate whatever the
    number of workers.

    Args:
        settings: the task queue, tuning, agent mailbox, public URL and link keys.
        client: a connected Temporal client (with Accord's data converter).
        graph: the Graph client the activities call.
        teams: the Teams channel for messages; unset: built from the settings (none when
            ``teams_app_id`` is unset).
        pacer: the mailbox pacer ``graph``'s transport shares (see :func:`mail_pacer`);
            ``None``: sends are not paced.
        send_queues: run each sending mailbox's sends on a rate-limited queue of its own.
        minute: the length of the minute the rate is per, in seconds (benchmarks shrink it).

    Returns:
        The workers, not yet running: the main one first, then one per sending mailbox.
    """
    messaging = MessagingActivities(
        graph,
        sender_mailbox=settings.agent_mailbox,
        links=link_key_ring(settings),
        public_url=settings.public_url,
        teams=teams or new_teams_channel(settings, client, graph),
        sending_mailboxes=settings.sending_mailboxes,
        pacer=pacer,
    )
    # One per worker: the directory and calendar activities read the same people within
    # seconds (staleness bound in activities/directory/schedule_cache.py).
    schedules = ScheduleCache()
    routing = SendRouting(
        settings.temporal_task_queue,
        settings.sending_mailboxes or [settings.agent_mailbox],
        enabled=send_queues,
        agent_mailbox=settings.agent_mailbox,
    )
    intake = intake_activities(settings, client, graph, messaging)
    digest = digest_activities(settings, client, graph, messaging)
    agenda = agenda_activities(settings, client, graph, messaging, schedules)
    main = Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=[
            CommitmentWorkflow,
            DeclineWatchWorkflow,
            PersonWorkflow,
            *INTAKE_WORKFLOWS,
            *DIGEST_WORKFLOWS,
            *AGENDA_WORKFLOWS,
        ],
        activities=activity_methods(
            DirectoryActivities(graph, schedules=schedules),
            messaging,
            CalendarActivities(
                graph,
                schedules=schedules,
                watch=meeting_watch(settings, link_key_ring(settings), client),
            ),
            CalendarWatchActivities(graph),
            *intake,
            *digest,
            *agenda,
            routing,
        ),
        # Our deterministic modules are shared, not imported again per cached workflow.
        workflow_runner=workflow_runner(),
        max_cached_workflows=settings.worker_max_cached_workflows,
        graceful_shutdown_timeout=timedelta(seconds=settings.worker_graceful_shutdown_seconds),
        **worker_tuning(settings),
    )
    if not send_queues:
        return [main]
    sends = submitting_activities(messaging, *intake, *digest, *agenda)
    return [main, *_send_workers(settings, client, sends, routing, minute)]


def submitting_activities(*instances: object) -> list[Callable[..., Any]]:
    """Return the activities among the instances' that submit a message from a mailbox.

    These run on their mailbox's send queue, where Temporal holds Exchange's message rate.

    Args:
        instances: objects whose classes define activities as methods.

    Returns:
        The bound activity methods that send mail.
    """
    return [
        method
        for method in activity_methods(*instances)
        if getattr(method, "__temporal_activity_definition").name in SUBMITTING_ACTIVITIES
    ]


def _send_workers(
    settings: AccordSettings,
    client: Client,
    sends: list[Callable[..., Any]],
    routing: SendRouting,
    minute: float,
) -> list[Worker]:
    # The rate is the task queue's, set by its pollers and held by Temporal's matching service
    # for all of them; a slot each for Exchange's concurrent requests is all a send needs.
    # Temporal's token bucket lets one more through at first: one below the limit keeps every
    # minute at or under it (docs/performance.md, "Across worker processes").
    rate = max(settings.mail_messages_per_minute - 1, 1) / minute
    return [
        Worker(
            client,
            task_queue=queue,
            activities=sends,
            max_task_queue_activities_per_second=rate,
            max_concurrent_activities=settings.mailbox_concurrent_requests,
            max_concurrent_activity_task_polls=1,
            graceful_shutdown_timeout=timedelta(seconds=settings.worker_graceful_shutdown_seconds),
        )
        for queue in routing.queues().values()
    ]


def mail_pacer(settings: AccordSettings) -> MailboxPacer | None:
    """Return the worker's mailbox pacer, or ``None`` when pacing is off.

    Args:
        settings: ``mail_pacing_enabled`` and the limits to keep to.

    Returns:
        One pacer, to share between the Graph client's transport and the activities.
    """
    if not settings.mail_pacing_enabled:
        return None
    return MailboxPacer(
        PacingLimits(
            # With per-mailbox send queues Temporal holds the message rate across workers.
            messages_per_minute=None
            if settings.mail_send_queues
            else settings.mail_messages_per_minute,
            concurrent_requests=settings.mailbox_concurrent_requests,
            max_wait=settings.mail_pacing_max_wait_seconds,
            # Submissions as evenly spaced as the queue dispatched them (see the pacer).
            align_to_dispatch=SUBMIT_AFTER_DISPATCH_SECONDS if settings.mail_send_queues else None,
        )
    )


def worker_tuning(settings: AccordSettings) -> dict[str, Any]:
    """Return the worker's slot options: fixed slot counts, or a resource-based tuner.

    Args:
        settings: ``worker_tuner`` and the slot counts or resource targets.

    Returns:
        Keyword arguments for ``Worker`` (the SDK refuses slot counts next to a tuner).
    """
    if settings.worker_tuner == "resource_based":
        return {
            "tuner": WorkerTuner.create_resource_based(
                target_memory_usage=settings.worker_target_memory_usage,
                target_cpu_usage=settings.worker_target_cpu_usage,
            )
        }
    return {
        "max_concurrent_workflow_tasks": settings.worker_max_concurrent_workflow_tasks,
        "max_concurrent_activities": settings.worker_max_concurrent_activities,
    }


async def _register_search_attributes(settings: AccordSettings, client: Client) -> None:
    # Temporal Cloud (API key) manages search attributes outside the client API; elsewhere a
    # dev server started by hand lacks them, and workflows could not be listed by person.
    if settings.temporal_api_key is not None:
        return
    try:
        await ensure_search_attributes(client, settings.temporal_namespace, search_attribute_keys())
    except RPCError as exc:
        log.warning("search_attributes_not_registered", reason=exc.message)


async def _start_mailbox_watches(settings: AccordSettings, client: Client) -> None:
    # Fixed workflow ids: a second worker, or a restart, finds the watches running.
    try:
        await ensure_watches(client, watch_configs(settings, link_key_ring(settings)))
    except RPCError as exc:
        log.warning("mailbox_watches_not_started", reason=exc.message)


async def run_worker(settings: AccordSettings) -> None:
    """Run the worker until SIGINT or SIGTERM, then let running activities finish.

    On a stop signal the worker turns unready, stops polling and gives running activities
    ``worker_graceful_shutdown_seconds`` to finish; activities still running then are
    cancelled and handed back to Temporal, which retries them on another worker.

    Args:
        settings: Accord's settings.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in _STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        runtime = worker_runtime(settings)
        with worker_tracing(settings) as interceptors:
            pacer = mail_pacer(settings)
            async with graph_client(settings, pacer) as graph:
                client = await connect(settings, runtime=runtime, interceptors=interceptors)
                health = WorkerHealth(
                    client,
                    settings.temporal_task_queue,
                    max_poll_age=timedelta(seconds=settings.worker_ready_max_poll_age_seconds),
                )
                async with contextlib.AsyncExitStack() as probes:
                    # Probes answer from here on (live, not ready), so a slow start-up is
                    # not mistaken for a dead process.
                    if settings.worker_health_port is not None:
                        await probes.enter_async_context(
                            serve_probes(
                                health, settings.worker_http_host, settings.worker_health_port
                            )
                        )
                    await _register_search_attributes(settings, client)
                    workers = await build_workers(
                        settings, client, graph, pacer=pacer, send_queues=settings.mail_send_queues
                    )
                    await start_digest_enrolment(settings, client)
                    await start_agenda_sweep(settings, client)
                    await _start_mailbox_watches(settings, client)
                    await _run_until_stopped(settings, workers, health, stop)
    finally:
        for signum in _STOP_SIGNALS:
            loop.remove_signal_handler(signum)


async def _run_until_stopped(
    settings: AccordSettings,
    workers: list[Worker],
    health: WorkerHealth,
    stop: asyncio.Event,
    warm: Callable[[Client], Awaitable[object]] = warm_up,
) -> None:
    running = asyncio.create_task(_run_all(workers), name="worker")
    stopping = asyncio.create_task(stop.wait(), name="stop-signal")
    # Ready only once warm: the first commitment after a start must not wait for the
    # sandbox's first imports behind the API's wait for its first view.
    warming = asyncio.create_task(_warm_up_once(warm, workers[0].client), name="warm-up")
    await asyncio.wait({warming, running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not warming.done():
        warming.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await warming
    if not (running.done() or stopping.done()):
        health.phase = WorkerPhase.RUNNING
    log.info(
        "worker_started",
        task_queue=settings.temporal_task_queue,
        namespace=settings.temporal_namespace,
        tuner=settings.worker_tuner,
        metrics_port=settings.worker_metrics_port,
        health_port=settings.worker_health_port,
        tracing=settings.tracing_enabled,
        send_queues=len(workers) - 1,
    )
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    health.phase = WorkerPhase.STOPPING
    if stop.is_set():
        log.info("worker_stopping", grace_seconds=settings.worker_graceful_shutdown_seconds)
        await asyncio.gather(*(worker.shutdown() for worker in workers))
    stopping.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await stopping
    await running
    log.info("worker_stopped")


async def _warm_up_once(warm: Callable[[Client], Awaitable[object]], client: Client) -> None:
    try:
        await warm(client)
    except Exception as exc:
        # Whatever went wrong, the worker is still ready: readiness goes on checking that
        # Temporal sees it poll, and a cold first commitment is slow, not wrong.
        log.warning("worker_warmup_failed", reason=str(exc), kind=type(exc).__name__)


async def _run_all(workers: list[Worker]) -> None:
    # One fails, all stop (the task group cancels the rest): a send queue nobody polls would
    # hold its mailbox's messages while the process looked healthy.
    async with asyncio.TaskGroup() as group:
        for worker in workers:
            group.create_task(worker.run())

"""Benchmark 2 with Temporal: a burst sent by several worker processes through per-mailbox queues.

``./dev python -m bench.burst --workers 3`` runs this: Temporal's dev server (its task queues
in one partition, see docs/operations.md), the sandbox with Exchange's limits on (every window
shrunk ``--time-scale`` times), and ``--workers`` processes each running what ``accord worker``
runs for sending (:func:`worker.build_workers`: the routing local activity and one worker per
sending mailbox's task queue, whose rate Temporal's matching service holds across all of them),
plus a small workflow that sends one message the way the commitment's courier does (it asks
for the recipient's send queue, then runs ``send_message`` there with the send retry policy,
its intervals shrunk by the same scale). Each mailbox writes to people of its own, so every
mailbox's queue gets ``--per-mailbox`` messages, all due at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio import workflow
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from accord.settings import AccordSettings
from activities.messaging.contracts import SEND_MESSAGE, OutgoingMessage, SentMessage
from activities.sending.activities import SendRouting
from bench.burst import CHECK_IN_ACTIONS, burst_tenant, sender
from bench.results import quiet_logs
from bench.stack import budget_commitment, sandbox_server
from domain.messages.kinds import MessageKind
from domain.models import Actor, Person
from domain.sending import sender_for
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.graph.pacing import MailboxPacer, PacingLimits
from integrations.temporal.converter import build_data_converter
from sandbox.config import LimitsConfig
from sandbox.launcher.up import ONE_PARTITION_PER_QUEUE
from sandbox.limits import MailboxLimits
from sandbox.server import free_port
from sandbox.tenant import TenantSeed, UserSeed
from workflows.retries import SEND_RETRY
from workflows.sending import send_queue_for


@workflow.defn(name="BurstSend", sandboxed=False)
class BurstSend:
    """Sends one message as the courier does: on the recipient's send queue, retried."""

    @workflow.run
    async def run(self, message: OutgoingMessage, time_scale: float) -> float:
        """Send the message and return when it finished (seconds since the epoch)."""
        retry = RetryPolicy(
            initial_interval=SEND_RETRY.initial_interval / time_scale,
            backoff_coefficient=SEND_RETRY.backoff_coefficient,
            maximum_interval=(SEND_RETRY.maximum_interval or timedelta(minutes=10)) / time_scale,
            maximum_attempts=SEND_RETRY.maximum_attempts,
            non_retryable_error_types=SEND_RETRY.non_retryable_error_types,
        )
        await workflow.execute_activity(
            SEND_MESSAGE,
            message,
            result_type=SentMessage,
            task_queue=await send_queue_for(message.spec.owner.email),
            start_to_close_timeout=timedelta(seconds=60),
            retry_policy=retry,
        )
        return workflow.now().timestamp()


def recipients(mailboxes: int) -> dict[str, str]:
    """One recipient per sending mailbox: ``{mailbox: address it alone writes to}``."""
    senders = [sender(number) for number in range(mailboxes)]
    found: dict[str, str] = {}
    number = 0
    while len(found) < mailboxes:
        address = f"reader-{number}@northwind.example"
        found.setdefault(sender_for(address, senders), address)
        number += 1
    return found


def queued_tenant(mailboxes: int) -> TenantSeed:
    """The burst's tenant plus a reader for each sending mailbox."""
    tenant = burst_tenant(mailboxes)
    agent = next(user for user in tenant.users if user.upn.startswith("accord@"))
    readers = [
        UserSeed(
            upn=address,
            display_name=address.split("@")[0],
            time_zone="UTC",
            working_hours=agent.working_hours,
        )
        for address in recipients(mailboxes).values()
    ]
    return tenant.model_copy(update={"users": [*tenant.users, *readers]})


class RecordingLimits(MailboxLimits):
    """The sandbox's limits, also noting when each mailbox's sends arrived."""

    def __init__(self, config: Callable[[], LimitsConfig]) -> None:
        super().__init__(config)
        self.sends: dict[str, list[float]] = {}

    def admit_send(self, mailbox: str, recipients: int) -> None:
        """Note the send's arrival, then apply the limits as the sandbox does."""
        self.sends.setdefault(mailbox.lower(), []).append(time.monotonic())
        super().admit_send(mailbox, recipients)


def busiest_minute(arrivals: list[float], minute: float) -> int:
    """The most sends that arrived within any one (scaled) minute."""
    ordered = sorted(arrivals)
    return max(
        (sum(1 for other in ordered if at - minute < other <= at) for at in ordered), default=0
    )


@dataclass(frozen=True)
class Stack:
    """Where one worker process finds Temporal and Graph, and how it sends."""

    temporal_address: str
    sandbox_url: str
    graph_url: str
    tenant_id: str
    client_id: str
    task_queue: str
    mailboxes: int
    time_scale: float
    messages_per_minute: int
    data_dir: str


async def _serve(stack: Stack, seconds: float) -> None:
    client = await Client.connect(stack.temporal_address, data_converter=build_data_converter(None))
    minute = 60.0 / stack.time_scale
    settings = AccordSettings(
        data_dir=Path(stack.data_dir),
        temporal_task_queue=stack.task_queue,
        sending_mailboxes=[sender(number) for number in range(stack.mailboxes)],
        mail_messages_per_minute=stack.messages_per_minute,
        public_url="http://accord.bench",
        intake_enabled=False,
    )
    # Imported here: the worker's root pulls in every activity, which only this process needs.
    from worker import SUBMIT_AFTER_DISPATCH_SECONDS, build_workers

    # As the worker's: with send queues, the pacer keeps only Exchange's 4 requests at once.
    pacer = MailboxPacer(
        PacingLimits(
            messages_per_minute=None,
            minute=minute,
            align_to_dispatch=SUBMIT_AFTER_DISPATCH_SECONDS / stack.time_scale,
        )
    )
    async with SandboxClientCredential(
        stack.sandbox_url, stack.tenant_id, stack.client_id, "bench-only-client-secret"
    ) as credential:
        graph = build_graph_client(GraphConnection(stack.graph_url, credential, pacer=pacer))
        workers = await build_workers(settings, client, graph, pacer=pacer, minute=minute)
        routing = SendRouting(stack.task_queue, settings.sending_mailboxes, enabled=True)
        # The bench's workflow on a queue of its own (a client registers one worker a queue).
        bench = Worker(
            client,
            task_queue=f"{stack.task_queue}-bench",
            workflows=[BurstSend],
            activities=[routing.send_queue],
            max_concurrent_workflow_tasks=50,
        )
        async with asyncio.timeout(seconds):
            await asyncio.gather(*(w.run() for w in [*workers, bench]), return_exceptions=True)


def serve(stack: Stack, seconds: float) -> None:
    """Run one worker process's workers for ``seconds`` (then the pool's shutdown ends it)."""
    quiet_logs()
    try:
        asyncio.run(_serve(stack, seconds))
    except TimeoutError:
        return


def _message(number: int, reader: str) -> OutgoingMessage:
    spec = budget_commitment(
        number,
        datetime.now(UTC) + timedelta(days=7),
        owner=Person(email=reader, display_name=reader.split("@")[0]),
    )
    return OutgoingMessage(
        idempotency_key=f"burst{number}:{uuid.uuid4().hex[:8]}:check_in",
        commitment_id=f"burst{number}",
        kind=MessageKind.CHECK_IN,
        recipient_role=Actor.OWNER,
        spec=spec,
        recipient_time_zone="Eastern Standard Time",
        actions=dict(CHECK_IN_ACTIONS),
    )


async def wait_for_send_pollers(client: Client, stack: Stack, workers: int) -> None:
    """Wait until every worker process polls every mailbox's send queue."""
    queues = SendRouting(
        stack.task_queue, [sender(n) for n in range(stack.mailboxes)], enabled=True
    ).queues()
    deadline = time.monotonic() + 120.0
    for queue in [*queues.values(), f"{stack.task_queue}-bench"]:
        kind = (
            TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
            if queue.endswith("-bench")
            else TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY
        )
        while True:
            answer = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=client.namespace,
                    task_queue=TaskQueue(name=queue),
                    task_queue_type=kind,
                )
            )
            if len({poller.identity for poller in answer.pollers}) >= workers:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"not every worker polls {queue}")
            await asyncio.sleep(0.2)


async def run_with_workers(
    mailboxes: int,
    per_mailbox: int,
    time_scale: float,
    workers: int,
    work_dir: Path,
    messages_per_minute: int = 30,
) -> dict[str, Any]:
    """Send the burst through ``workers`` worker processes and return the figures."""
    limits = LimitsConfig(time_scale=time_scale)
    minute = 60.0 / time_scale
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(Path(sys.executable).parent / "temporal"),
        dev_server_extra_args=ONE_PARTITION_PER_QUEUE,
        data_converter=build_data_converter(None),
        dev_server_log_level="error",
        port=free_port(),
    )
    try:
        with sandbox_server(work_dir, limits=limits, tenant=queued_tenant(mailboxes)) as sandbox:
            state = sandbox.state
            assert state is not None  # noqa: S101 - just started
            recording = RecordingLimits(lambda: state.config.limits)
            state.limits = recording
            stack = Stack(
                temporal_address=env.client.service_client.config.target_host,
                sandbox_url=sandbox.url,
                graph_url=sandbox.graph_url,
                tenant_id=state.tenant.tenant_id,
                client_id=state.tenant.apps[0].client_id,
                task_queue=f"burst-{uuid.uuid4().hex[:6]}",
                mailboxes=mailboxes,
                time_scale=time_scale,
                messages_per_minute=messages_per_minute,
                data_dir=str(work_dir / "accord"),
            )
            budget = 120.0 + 3 * per_mailbox / messages_per_minute * minute
            spawn = multiprocessing.get_context("spawn")
            processes = [
                spawn.Process(target=serve, args=(stack, budget), daemon=True)
                for _ in range(workers)
            ]
            for process in processes:
                process.start()
            try:
                client = env.client
                await wait_for_send_pollers(client, stack, workers)
                readers = recipients(mailboxes)
                messages = [
                    _message(number, readers[sender(number % mailboxes)])
                    for number in range(mailboxes * per_mailbox)
                ]
                started = time.time()
                handles = [
                    await client.start_workflow(
                        BurstSend.run,
                        args=[message, time_scale],
                        id=f"burst-{uuid.uuid4().hex}",
                        task_queue=f"{stack.task_queue}-bench",
                    )
                    for message in messages
                ]
                finished = [await handle.result() for handle in handles]
                seconds = max(finished) - started
                throttled = state.limits.throttled_count
            finally:
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.join(timeout=30)
    finally:
        await env.shutdown()
    per_mailbox_least = (-(-per_mailbox // limits.messages_per_minute) - 1) * minute
    sustained = per_mailbox / limits.messages_per_minute * minute
    return {
        "workers": workers,
        "messages": len(messages),
        "throttled_429": throttled,
        "seconds": round(seconds, 2),
        "scaled_minutes": round(seconds / minute, 2),
        "least_seconds_the_limits_allow": round(per_mailbox_least, 2),
        "sustained_rate_seconds": round(sustained, 2),
        "least_over_seconds": round(per_mailbox_least / seconds, 3) if seconds else None,
        "sustained_over_seconds": round(sustained / seconds, 3) if seconds else None,
        "mail_messages_per_minute": messages_per_minute,
        "busiest_minute_per_mailbox": max(
            (busiest_minute(arrivals, minute) for arrivals in recording.sends.values()), default=0
        ),
        "goal_throttled_429": 0,
        "goal_least_over_seconds": 0.95,
    }

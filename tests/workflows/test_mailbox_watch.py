"""The mailbox watch: subscribes, renews before expiry, recovers from lifecycle events.

Real subscription activities against the sandbox, whose validation handshake reaches a small
receiver; time skipping carries the renewals.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.intake.subscriptions import SubscriptionActivities
from sandbox.server import SandboxServer
from sandbox.subscriptions import SubscriptionService
from tests.support.lifecycle import SandboxClockInterceptor
from tests.support.people import AGENT
from tests.support.polling import eventually
from tests.support.webhooks import Receiver
from worker import activity_methods
from workflows.intake.contracts import (
    LIFECYCLE_SIGNAL,
    WATCH_VIEW_QUERY,
    LifecycleEvent,
    LifecycleNotice,
    WatchConfig,
    WatchInput,
    WatchMode,
    WatchView,
    watch_workflow_id,
)
from workflows.intake.mailbox_watch import MailboxWatchWorkflow

LIFETIME = timedelta(hours=3)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server


@pytest_asyncio.fixture(loop_scope="session")
async def watch_worker(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> AsyncIterator[Worker]:
    client = temporal_env.client
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[MailboxWatchWorkflow],
        activities=activity_methods(SubscriptionActivities(graph, client, task_queue=task_queue)),
        interceptors=[SandboxClockInterceptor(sandbox)],
    ) as worker:
        yield worker


async def start_watch(
    client: Client, task_queue: str, receiver: Receiver, **changes: Any
) -> WorkflowHandle[Any, Any]:
    config = WatchConfig(
        mailbox=AGENT,
        mode=WatchMode.AGENT_INBOX,
        notification_url=f"{receiver.url}/notify",
        lifecycle_url=f"{receiver.url}/lifecycle",
        client_state="test-client-state",
        lifetime=LIFETIME,
        task_queue=task_queue,
        **changes,
    )
    return await client.start_workflow(
        MailboxWatchWorkflow.run,
        WatchInput(config=config),
        id=watch_workflow_id(AGENT, WatchMode.AGENT_INBOX, task_queue),
        task_queue=task_queue,
    )


async def view_of(handle: WorkflowHandle[Any, Any]) -> WatchView:
    view: WatchView = await handle.query(WATCH_VIEW_QUERY, result_type=WatchView)
    return view


async def subscribed(handle: WorkflowHandle[Any, Any], not_id: str | None = None) -> WatchView:
    async def ready() -> WatchView | None:
        view = await view_of(handle)
        if view.subscription_id and view.subscription_id != not_id and view.catch_ups:
            return view
        return None

    found = await eventually(ready, timeout=30)
    assert found is not None
    return found


def live(sandbox: SandboxServer) -> list[dict[str, Any]]:
    assert sandbox.state is not None
    return SubscriptionService.of(sandbox.state).live()


async def test_the_watch_subscribes_and_renews_well_before_expiry(
    temporal_env: WorkflowEnvironment,
    watch_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    receiver: Receiver,
) -> None:
    handle = await start_watch(temporal_env.client, task_queue, receiver)
    first = await subscribed(handle)
    [subscription] = live(sandbox)
    assert subscription["changeType"] == "created"
    assert subscription["resource"] == f"users/{AGENT}/mailFolders('inbox')/messages"
    assert subscription["clientState"] == "test-client-state"
    assert subscription["lifecycleNotificationUrl"].endswith("/lifecycle")
    assert first.expires_at is not None

    # Two thirds into its life the subscription is renewed, long before it lapses.
    await temporal_env.sleep(LIFETIME * 2 / 3 + timedelta(minutes=1))

    renewed = await eventually(lambda: _later(handle, first), timeout=30)
    assert renewed is not None
    assert renewed.subscription_id == first.subscription_id
    assert renewed.catch_ups > first.catch_ups  # a renewal also catches up, to be safe
    await handle.terminate("test over")


async def _later(handle: WorkflowHandle[Any, Any], before: WatchView) -> WatchView | None:
    view = await view_of(handle)
    assert before.expires_at is not None
    return view if view.expires_at and view.expires_at > before.expires_at else None


@pytest.mark.parametrize(
    "event", [LifecycleEvent.SUBSCRIPTION_REMOVED, LifecycleEvent.REAUTHORIZATION_REQUIRED]
)
async def test_lifecycle_events_keep_the_subscription_alive(
    temporal_env: WorkflowEnvironment,
    watch_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    receiver: Receiver,
    event: LifecycleEvent,
) -> None:
    handle = await start_watch(temporal_env.client, task_queue, receiver)
    first = await subscribed(handle)
    assert first.subscription_id is not None
    assert sandbox.state is not None
    SubscriptionService.of(sandbox.state).trigger(first.subscription_id, event.value)

    await handle.signal(
        LIFECYCLE_SIGNAL, LifecycleNotice(event=event, subscription_id=first.subscription_id)
    )

    after = await eventually(lambda: _caught_up(handle, first), timeout=30)
    assert after is not None
    if event is LifecycleEvent.SUBSCRIPTION_REMOVED:
        assert after.subscription_id != first.subscription_id
        assert [s["id"] for s in live(sandbox)] == [after.subscription_id]
    else:
        assert after.subscription_id == first.subscription_id
    assert after.catch_ups > first.catch_ups
    await handle.terminate("test over")


async def _caught_up(handle: WorkflowHandle[Any, Any], before: WatchView) -> WatchView | None:
    view = await view_of(handle)
    return view if view.catch_ups > before.catch_ups else None


async def test_a_failing_subscription_is_tried_again_later_without_ending_the_watch(
    temporal_env: WorkflowEnvironment,
    watch_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    receiver: Receiver,
) -> None:
    receiver.state.validation_mode = "wrong"  # Graph refuses the subscription (400)
    handle = await start_watch(temporal_env.client, task_queue, receiver)
    # A few quick retries (Graph may be validating against an API still starting), then the
    # watch itself backs off.
    await temporal_env.sleep(timedelta(minutes=1))
    await eventually(lambda: _failed(handle), timeout=30)

    receiver.state.validation_mode = "echo"
    await temporal_env.sleep(timedelta(minutes=3))

    view = await subscribed(handle)
    assert view.failures == 0
    await handle.terminate("test over")


async def _failed(handle: WorkflowHandle[Any, Any]) -> bool:
    return (await view_of(handle)).failures > 0


async def test_the_watch_continues_as_new_and_keeps_its_subscription_and_delta_links(
    temporal_env: WorkflowEnvironment,
    watch_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    receiver: Receiver,
) -> None:
    handle = await start_watch(
        temporal_env.client, task_queue, receiver, continue_as_new_after_events=10
    )
    first = await subscribed(handle)
    first_run = (await handle.describe()).run_id

    # Each renewal adds a timer, a renewal and a catch-up to the history.
    for _ in range(2):
        await temporal_env.sleep(LIFETIME * 2 / 3 + timedelta(minutes=1))

    async def continued() -> WatchView | None:
        view = await view_of(handle)
        run = (await handle.describe()).run_id
        return view if run != first_run and view.catch_ups > first.catch_ups else None

    after = await eventually(continued, timeout=30)
    assert after is not None
    assert after.subscription_id == first.subscription_id
    assert [s["id"] for s in live(sandbox)] == [first.subscription_id]
    await handle.terminate("test over")

"""The whole intake chain, for real: Graph mail, a subscription, the webhook, Temporal, mail back.

A manager sends mail through Graph with Accord in Cc; the sandbox's subscription notifies the
API's webhook over HTTP; the workflows read it, confirm it to the manager and, after a short
grace window, the owner hears. With the webhook down, nothing is lost: the watch catches up
with delta when Graph reports the gap.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from accord.settings import AccordSettings
from accord.wiring.api import build_app
from accord.wiring.intake import ensure_watches, watch_configs
from accord.wiring.intake_worker import INTAKE_WORKFLOWS, intake_activities
from activities.calendar.activities import CalendarActivities
from activities.directory.activities import DirectoryActivities
from activities.messaging.activities import MessagingActivities
from activities.sending.activities import SendRouting
from domain.action_links import LinkKeyRing
from integrations.graph.people import GraphPeopleDirectory
from sandbox.server import SandboxServer, free_port
from tests.support.api_tokens import FakeEntra
from tests.support.intake import ASK, from_agent
from tests.support.mailboxes import send_as
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from tests.support.sandbox import round_the_clock_tenant
from worker import activity_methods
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.intake.contracts import WATCH_VIEW_QUERY, WatchMode, WatchView, watch_workflow_id

pytestmark = pytest.mark.e2e

LINK_KEY = b"test-only-link-key-of-at-least-32-bytes!"
GRACE = timedelta(seconds=3)
FYI = "Sam, FYI, no action needed: the offsite agenda is in the shared folder.\n\nMaya"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "sandbox", tenant=round_the_clock_tenant()) as server:
        yield server


class Api:
    """The API on a real port, stoppable and restartable (a webhook that goes down)."""

    def __init__(self, settings: AccordSettings, temporal: Client, graph: GraphServiceClient):
        self.app = build_app(
            settings=settings,
            temporal=temporal,
            links=LinkKeyRing([LINK_KEY]),
            directory=GraphPeopleDirectory(graph),
            validator=FakeEntra().validator(),
        )
        self.port = int(settings.public_url.rsplit(":", 1)[1])
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_config=None, access_log=False
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        await eventually(lambda: self._server is not None and self._server.started)

    async def stop(self) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task


@asynccontextmanager
async def running_accord(
    settings: AccordSettings, temporal: Client, graph: GraphServiceClient, sandbox: SandboxServer
) -> AsyncIterator[Api]:
    assert sandbox.state is not None
    links = LinkKeyRing([LINK_KEY])
    messaging = MessagingActivities(
        graph, sender_mailbox=AGENT, links=links, public_url=settings.public_url
    )
    worker = Worker(
        temporal,
        task_queue=settings.temporal_task_queue,
        workflows=[CommitmentWorkflow, *INTAKE_WORKFLOWS],
        activities=activity_methods(
            DirectoryActivities(graph),
            messaging,
            CalendarActivities(graph),
            *intake_activities(settings, temporal, graph, messaging),
            # The worker's send routing, off: every send stays on this queue.
            SendRouting(settings.temporal_task_queue, [AGENT], enabled=False),
        ),
    )
    api = Api(settings, temporal, graph)
    await api.start()
    async with worker:
        configs = watch_configs(settings, links)
        await ensure_watches(temporal, configs)
        try:
            yield api
        finally:
            for config in configs:
                handle = temporal.get_workflow_handle(
                    watch_workflow_id(config.mailbox, config.mode, config.task_queue)
                )
                await handle.terminate("test over")
    await api.stop()


async def watch_view(temporal: Client, task_queue: str) -> WatchView:
    handle = temporal.get_workflow_handle(
        watch_workflow_id(AGENT, WatchMode.AGENT_INBOX, task_queue)
    )
    view: WatchView = await handle.query(WATCH_VIEW_QUERY, result_type=WatchView)
    return view


def links_in(message: dict[str, Any]) -> dict[str, str]:
    body = str(message["body"]["content"])
    found = re.findall(r'href="([^"]+/a/[^"]+)"[^>]*>([^<]+)<', body)
    return {label.strip(): url for url, label in found}


async def test_mail_copied_to_accord_becomes_a_commitment_and_a_gap_is_caught_up(
    dev_server: WorkflowEnvironment,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    task_queue: str,
    tmp_path: Path,
) -> None:
    settings = AccordSettings(
        data_dir=tmp_path / "accord",
        public_url=f"http://127.0.0.1:{free_port()}",
        temporal_task_queue=task_queue,
        link_keys=[LINK_KEY.decode()],
        intake_grace_window=GRACE,
    )
    temporal = dev_server.client
    async with httpx.AsyncClient(base_url=sandbox.url) as admin:
        # Graph retries for hours; here a failed delivery is given up on at once.
        policy = (await admin.get("/_sandbox/subscriptions/policy")).json()
        policy.update(retry_window_seconds=0, first_retry_seconds=0.1)
        assert (await admin.put("/_sandbox/subscriptions/policy", json=policy)).is_success
        async with running_accord(settings, temporal, graph, sandbox) as api:
            view = await eventually(lambda: _subscribed(temporal, task_queue), timeout=30)
            assert view is not None
            assert view.subscription_id is not None

            # 1. Copy Accord: confirmation to Maya first, Sam only after the grace window.
            await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Q1 budget", body=ASK)
            [confirmation] = await eventually(lambda: from_agent(sandbox, MANAGER), timeout=30)
            assert confirmation["subject"].startswith("Please check:")
            assert set(links_in(confirmation)) >= {"Confirm now", "Correct it", "Cancel"}
            assert from_agent(sandbox, SAM) == []
            [expectation] = await eventually(lambda: from_agent(sandbox, SAM), timeout=30)
            assert "Q1 budget" in expectation["subject"]

            # 2. The webhook is down while mail arrives; Graph gives up and reports "missed".
            await api.stop()
            await send_as(
                graph,
                MANAGER,
                to=[SAM],
                cc=[AGENT],
                subject="Onboarding guide",
                body="Sam, could you publish the onboarding guide by Friday 3pm? "
                "Done when: it is on the wiki.",
            )
            await eventually(lambda: _abandoned(admin), timeout=30)
            await api.start()
            catch_ups = (await watch_view(temporal, task_queue)).catch_ups
            raised = await admin.post(
                f"/_sandbox/subscriptions/{view.subscription_id}/lifecycle",
                json={"event": "missed"},
            )
            assert raised.is_success
            await eventually(lambda: _caught_up_since(temporal, task_queue, catch_ups), timeout=30)
            await eventually(lambda: len(from_agent(sandbox, MANAGER)) == 2, timeout=30)
            second = from_agent(sandbox, MANAGER)[1]
            assert "onboarding" in str(second["subject"]).lower()
            # The webhook never got that message: the catch-up found it.
            deliveries = (await admin.get("/_sandbox/subscriptions/deliveries")).json()["value"]
            delivered = [
                entry
                for entry in deliveries
                if entry.get("kind") == "notification" and entry.get("outcome") == "delivered"
            ]
            assert len(delivered) == 1  # the first email's notification only

            # 3. Mail that asks for nothing is answered too: what Accord saw, and "Track this".
            await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Offsite", body=FYI)
            await eventually(lambda: len(from_agent(sandbox, MANAGER)) == 3, timeout=30)
            answer = from_agent(sandbox, MANAGER)[2]
            assert answer["subject"] == "RE: Offsite"
            track = links_in(answer)["Track this"]
            async with httpx.AsyncClient() as browser:
                form = await browser.get(track.replace("&amp;", "&"))
            assert form.status_code == 200
            assert ">Offsite</textarea>" in form.text


async def _subscribed(temporal: Client, task_queue: str) -> WatchView | None:
    view = await watch_view(temporal, task_queue)
    return view if view.subscription_id and view.catch_ups else None


async def _caught_up_since(temporal: Client, task_queue: str, before: int) -> bool:
    return (await watch_view(temporal, task_queue)).catch_ups > before


async def _abandoned(admin: httpx.AsyncClient) -> bool:
    deliveries = (await admin.get("/_sandbox/subscriptions/deliveries")).json()
    return not [item for item in deliveries["pending"] if item.get("kind") == "notification"]

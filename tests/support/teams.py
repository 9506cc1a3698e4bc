"""Accord's Teams path wired for tests: the API (with the bot) served over HTTP on the test's
event loop, a worker whose messaging activity has the Teams channel, and the sandbox's Bot
Connector registered to call the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.worker import Worker

from accord.settings import AccordSettings
from accord.wiring.api import build_app
from accord.wiring.teams import teams_parts
from accord.wiring.workflow_runner import workflow_runner
from activities.calendar.activities import CalendarActivities
from activities.directory.activities import DirectoryActivities
from activities.messaging.teams import TeamsChannel
from activities.sending.activities import SendRouting
from api.teams_bot import TeamsBot
from domain.action_links import LinkKeyRing
from domain.preferences import Channel
from integrations.graph.people import GraphPeopleDirectory
from integrations.teams.auth import BotTokenValidator
from integrations.teams.connector import BotConnector, BotTokenProvider
from integrations.teams.directory import GraphObjectIdDirectory
from integrations.teams.feed import ActivityFeed
from integrations.teams.pacing import Pacer
from sandbox.server import SandboxServer, free_port
from tests.support.lifecycle import LINK_KEY, PUBLIC_URL, SandboxClockInterceptor, sandbox_messaging
from tests.support.people import AGENT
from tests.support.polling import eventually
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.person.client import TemporalPersonStore
from workflows.person.workflow import PersonWorkflow

BOT_APP_ID = "0b07acc0-0000-4000-8000-00000000b07a"


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve an app over HTTP on the running loop; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="off"
        )
    )
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started, timeout=10)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def teams_settings(sandbox: SandboxServer, task_queue: str) -> AccordSettings:
    """Settings with Teams on, against the sandbox."""
    return AccordSettings(
        public_url=PUBLIC_URL,
        temporal_task_queue=task_queue,
        sandbox_host=sandbox.host,
        sandbox_port=sandbox.port,
        teams_app_id=BOT_APP_ID,
    )


@dataclass
class TeamsStack:
    """What a Teams test talks to."""

    sandbox: httpx.AsyncClient
    people: TemporalPersonStore
    api_url: str
    started: list[str] = field(default_factory=list)
    """Workflow ids to end when the stack stops (their timers would slow later skips)."""

    async def install(self, upn: str) -> dict[str, Any]:
        """The person adds Accord in Teams."""
        response = await self.sandbox.post(f"/_sandbox/teams/users/{upn}/install")
        response.raise_for_status()
        return dict(response.json())

    async def uninstall(self, upn: str, *, notify: bool = True) -> None:
        """The person removes Accord from Teams."""
        response = await self.sandbox.post(
            f"/_sandbox/teams/users/{upn}/uninstall", params={"notify": str(notify).lower()}
        )
        response.raise_for_status()

    async def say(self, upn: str, text: str) -> dict[str, Any]:
        """The person writes to the bot; returns the bot's HTTP answer."""
        response = await self.sandbox.post(
            f"/_sandbox/teams/users/{upn}/messages", json={"text": text}
        )
        response.raise_for_status()
        return dict(response.json())

    async def feed(self, upn: str) -> list[dict[str, Any]]:
        """The person's Teams activity feed from Accord, oldest first."""
        response = await self.sandbox.get(f"/_sandbox/teams/users/{upn}/feed")
        response.raise_for_status()
        return list(response.json()["value"])

    async def chat(self, upn: str) -> list[dict[str, Any]]:
        """The person's chat with the bot, oldest first."""
        response = await self.sandbox.get(f"/_sandbox/teams/users/{upn}/chat")
        response.raise_for_status()
        return list(response.json()["activities"])

    async def cards(self, upn: str) -> list[dict[str, Any]]:
        """The bot's card activities in the person's chat, oldest first."""
        return [
            activity
            for activity in await self.chat(upn)
            if activity["sender"] == "bot" and activity["attachments"]
        ]

    async def press(
        self, upn: str, activity: dict[str, Any], label: str, *, as_user: str | None = None
    ) -> dict[str, Any]:
        """Press the button labelled ``label`` on a card; returns the bot's answer."""
        chat = await self.sandbox.get(f"/_sandbox/teams/users/{upn}/chat")
        conversation_id = chat.json()["conversation"]["id"]
        labels = [action["title"] for action in card_of(activity).get("actions", [])]
        response = await self.sandbox.post(
            f"/_sandbox/teams/conversations/{conversation_id}/activities/"
            f"{activity['id']}/press/{labels.index(label)}",
            json={"as_user": as_user},
        )
        response.raise_for_status()
        return dict(response.json())


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    """The Adaptive Card an activity carries."""
    return dict(activity["attachments"][0]["content"])


def card_text(card: dict[str, Any]) -> str:
    """All the text of a card, for assertions."""
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value"):
                if isinstance(node.get(key), str):
                    texts.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body", []))
    return "\n".join(texts)


@asynccontextmanager
async def teams_stack(
    client: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    *,
    default_channel: Channel = Channel.EMAIL,
    worker: bool = True,
) -> AsyncIterator[TeamsStack]:
    """Run the API with the bot, a worker with the Teams channel, and register the bot."""
    assert sandbox.state is not None
    settings = teams_settings(sandbox, task_queue)
    parts = teams_parts(settings)
    assert parts is not None
    clock = sandbox.state.clock.now
    async with (
        httpx.AsyncClient(timeout=30) as http,
        httpx.AsyncClient(base_url=sandbox.url, timeout=30) as sandbox_http,
    ):
        people = TemporalPersonStore(client, task_queue, id_scope=f"{task_queue}:")
        connector = BotConnector(BotTokenProvider(parts.credentials, http))
        channel = TeamsChannel(
            connector=connector,
            people=people,
            pacer=Pacer(),
            default_channel=default_channel,
            feed=ActivityFeed(graph, bot_app_id=BOT_APP_ID),
        )
        messaging = sandbox_messaging(graph, sandbox, teams=channel)
        calendar = CalendarActivities(graph, clock=clock)
        app = build_app(
            settings=settings,
            temporal=client,
            links=LinkKeyRing([LINK_KEY]),
            directory=GraphPeopleDirectory(graph),
            clock=clock,
        )
        app.state.teams_bot = TeamsBot(
            validator=BotTokenValidator(parts.auth, http),
            connector=connector,
            people=people,
            directory=GraphObjectIdDirectory(graph),
        )
        running = Worker(
            client,
            task_queue=task_queue,
            workflows=[CommitmentWorkflow, PersonWorkflow],
            activities=[
                DirectoryActivities(graph).get_person_schedule,
                messaging.send_message,
                calendar.find_meeting_slot,
                calendar.schedule_meeting,
                calendar.get_meeting_response,
                calendar.cancel_meeting,
                # Sends stay on the workflow's queue here: one worker, one sending mailbox.
                SendRouting(task_queue, [AGENT], enabled=False).send_queue,
            ],
            workflow_runner=workflow_runner(),  # the worker's own
            interceptors=[SandboxClockInterceptor(sandbox)],
        )
        async with serve(app) as api_url:
            registered = await sandbox_http.put(
                "/_sandbox/teams/bot",
                json={"app_id": BOT_APP_ID, "endpoint": f"{api_url}/api/messages"},
            )
            registered.raise_for_status()
            stack = TeamsStack(sandbox=sandbox_http, people=people, api_url=api_url)
            try:
                if worker:
                    async with running:
                        # A worker's first workflow run builds its sandbox (seconds on a busy
                        # machine); done here, not while the time-skipping server races ahead.
                        await people.set_channel(f"warm-up@{task_queue}.test", Channel.EMAIL)
                        yield stack
                else:
                    yield stack
            finally:
                for workflow_id in stack.started:
                    with contextlib.suppress(RPCError):
                        await client.get_workflow_handle(workflow_id).terminate("test over")

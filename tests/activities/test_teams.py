"""The Teams channel of send_message, with a fake Bot Connector and person store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from microsoft_agents.activity import Activity
from msgraph.graph_service_client import GraphServiceClient
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from accord.wiring.teams import teams_parts
from activities.messaging.contracts import OutgoingMessage
from activities.messaging.rendering import render_outgoing
from activities.messaging.teams import TeamsChannel, build_card
from domain.action_links import LinkAction
from domain.messages.kinds import MessageKind
from domain.models import Actor, Person
from domain.preferences import Channel, ConversationReference, PersonRecord, SentActivity
from integrations.teams.connector import (
    BotConnector,
    BotTokenProvider,
    ConversationGoneError,
    TeamsRejectedError,
    TeamsThrottledError,
)
from integrations.teams.feed import ActivityFeed
from integrations.teams.pacing import Pacer
from sandbox.server import SandboxServer
from tests.support.lifecycle import spec_for
from tests.support.people import SAM
from tests.support.teams import BOT_APP_ID, teams_settings, teams_stack
from tests.support.temporal import time_skipping_server

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
REFERENCE = ConversationReference(
    service_url="https://smba.example/", conversation_id="a:1", user_id="29:1", bot_id="28:b"
)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def temporal_env(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this module's own: skips elsewhere walk no timers here."""
    async with time_skipping_server(data_converter) as env:
        yield env


@dataclass
class FakeStore:
    record: PersonRecord
    forgotten: list[str] = field(default_factory=list)

    async def get(self, email: str) -> PersonRecord:
        return self.record

    async def forget_conversation(self, email: str, conversation_id: str) -> PersonRecord:
        self.forgotten.append(conversation_id)
        self.record = self.record.model_copy(update={"conversation": None})
        return self.record

    async def record_sent(self, email: str, message_key: str, sent: SentActivity) -> PersonRecord:
        self.record = self.record.model_copy(
            update={"sent": {**self.record.sent, message_key: sent}}
        )
        return self.record


@dataclass
class FakeConnector:
    fail: Exception | None = None
    sent: list[Activity] = field(default_factory=list)

    async def send(self, reference: ConversationReference, activity: Activity) -> str:
        if self.fail is not None:
            raise self.fail
        self.sent.append(activity)
        return f"activity-{len(self.sent)}"


def _message(key: str = "c1:1:check_in") -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=key,
        commitment_id="c1",
        kind=MessageKind.CHECK_IN,
        recipient_role=Actor.OWNER,
        spec=spec_for(SAM_PERSON, datetime.now(UTC) + timedelta(days=5)),
        recipient_time_zone="America/New_York",
        actions={
            "on_track_url": LinkAction.CHECK_IN_ON_TRACK,
            "at_risk_url": LinkAction.CHECK_IN_AT_RISK,
            "blocked_url": LinkAction.CHECK_IN_BLOCKED,
            "done_url": LinkAction.DONE,
        },
    )


TOKENS = {"on_track_url": "t1", "at_risk_url": "t2", "blocked_url": "t3", "done_url": "t4"}
RENDERED = render_outgoing(
    _message(), {field: f"https://accord.example/a/{token}" for field, token in TOKENS.items()}
)
"""The check-in as send_message renders it, once, before any channel shows it."""


def _channel(store: FakeStore, connector: FakeConnector, default: Channel = Channel.EMAIL) -> Any:
    return TeamsChannel(
        connector=connector,  # type: ignore[arg-type]
        people=store,  # type: ignore[arg-type]
        pacer=Pacer(),
        default_channel=default,
    )


def test_the_card_says_what_the_email_says_with_buttons_carrying_the_tokens() -> None:
    card, summary = build_card(_message(), RENDERED, TOKENS)
    assert summary == "Quick check-in: Draft the Q1 budget"
    actions = card["actions"]
    assert [a["title"] for a in actions] == ["On track", "At risk", "Blocked", "Done"]
    assert [a["data"]["token"] for a in actions] == ["t1", "t2", "t3", "t4"]
    assert all(a["type"] == "Action.Execute" for a in actions)
    text = str(card["body"])
    assert "card.accord.invalid" not in text and "http" not in text
    assert "useful answers" in text


async def test_email_people_are_left_to_email() -> None:
    store, connector = FakeStore(PersonRecord(email=SAM, conversation=REFERENCE)), FakeConnector()
    route = await _channel(store, connector).route(_message(), SAM_PERSON, RENDERED, TOKENS)
    assert route.email_needed and not connector.sent


async def test_the_tenant_default_applies_to_people_who_chose_nothing() -> None:
    store, connector = FakeStore(PersonRecord(email=SAM, conversation=REFERENCE)), FakeConnector()
    route = await _channel(store, connector, Channel.TEAMS).route(
        _message(), SAM_PERSON, RENDERED, TOKENS
    )
    assert route.delivered and not route.email_needed
    assert len(connector.sent) == 1


async def test_a_key_already_sent_is_not_posted_again() -> None:
    record = PersonRecord(email=SAM, channel=Channel.TEAMS, conversation=REFERENCE)
    store, connector = FakeStore(record), FakeConnector()
    channel = _channel(store, connector)
    first = await channel.route(_message(), SAM_PERSON, RENDERED, TOKENS)
    again = await channel.route(_message(), SAM_PERSON, RENDERED, TOKENS)
    assert first.delivered and again.already_sent
    assert len(connector.sent) == 1
    assert store.record.sent["c1:1:check_in"].activity_id == "activity-1"


async def test_both_sends_the_card_and_still_wants_the_email() -> None:
    record = PersonRecord(email=SAM, channel=Channel.BOTH, conversation=REFERENCE)
    store, connector = FakeStore(record), FakeConnector()
    route = await _channel(store, connector).route(_message(), SAM_PERSON, RENDERED, TOKENS)
    assert route.delivered and route.email_needed


@pytest.mark.parametrize(
    "failure", [ConversationGoneError(403), ConversationGoneError(404), TeamsRejectedError(400)]
)
async def test_teams_that_cannot_reach_someone_hands_the_message_to_email(
    failure: Exception,
) -> None:
    record = PersonRecord(email=SAM, channel=Channel.TEAMS, conversation=REFERENCE)
    store, connector = FakeStore(record), FakeConnector(fail=failure)
    route = await _channel(store, connector).route(_message(), SAM_PERSON, RENDERED, TOKENS)
    assert route.unreachable and route.email_needed
    if isinstance(failure, ConversationGoneError):
        assert store.forgotten == ["a:1"]


async def test_no_chat_at_all_is_unreachable() -> None:
    store = FakeStore(PersonRecord(email=SAM, channel=Channel.TEAMS))
    route = await _channel(store, FakeConnector()).route(_message(), SAM_PERSON, RENDERED, TOKENS)
    assert route.unreachable and route.email_needed


async def test_a_429_becomes_a_retry_after_retry_after() -> None:
    record = PersonRecord(email=SAM, channel=Channel.TEAMS, conversation=REFERENCE)
    store, connector = FakeStore(record), FakeConnector(fail=TeamsThrottledError(7))
    with pytest.raises(ApplicationError) as raised:
        await _channel(store, connector).route(_message(), SAM_PERSON, RENDERED, TOKENS)
    assert raised.value.type == "TeamsThrottled"
    assert not raised.value.non_retryable
    assert raised.value.next_retry_delay == timedelta(seconds=7)


async def test_messages_whose_buttons_cards_do_not_know_stay_email() -> None:
    record = PersonRecord(email=SAM, channel=Channel.TEAMS, conversation=REFERENCE)
    store, connector = FakeStore(record), FakeConnector()
    message = _message().model_copy(update={"kind": MessageKind.DIGEST, "actions": {}})
    route = await _channel(store, connector).route(message, SAM_PERSON, RENDERED, TOKENS)
    assert route.channel is Channel.EMAIL and route.email_needed and not connector.sent


async def test_the_sandboxs_429_becomes_a_retry_after_its_retry_after(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    async with teams_stack(temporal_env.client, task_queue, sandbox, graph) as teams:
        await teams.install(SAM)
        await teams.say(SAM, "prefer teams")
        limits = {"conversation": [[1, 1]], "app": [[1, 50]]}
        assert (await teams.sandbox.put("/_sandbox/teams/limits", json=limits)).is_success
        settings = teams_settings(sandbox, task_queue)
        parts = teams_parts(settings)
        assert parts is not None
        async with httpx.AsyncClient() as http:
            channel = TeamsChannel(
                connector=BotConnector(BotTokenProvider(parts.credentials, http)),
                people=teams.people,
                pacer=Pacer(),  # Teams' own windows: the sandbox's stricter one answers 429
            )
            await teams.say(SAM, "help")  # the bot's reply uses this second's one send
            with pytest.raises(ApplicationError) as raised:
                await channel.route(_message("c1:2:check_in"), SAM_PERSON, RENDERED, TOKENS)
            assert raised.value.type == "TeamsThrottled"
            delay = raised.value.next_retry_delay
            assert delay is not None and timedelta(seconds=1) <= delay <= timedelta(seconds=2)
            await asyncio.sleep(delay.total_seconds())
            route = await channel.route(_message("c1:2:check_in"), SAM_PERSON, RENDERED, TOKENS)
            assert route.delivered
        cards = await teams.cards(SAM)
        assert len(cards) == 1, "throttled, then sent once: nothing dropped, nothing doubled"


async def test_people_with_the_app_who_prefer_email_get_questions_in_their_feed_once(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    async with teams_stack(temporal_env.client, task_queue, sandbox, graph) as teams:
        await teams.install(SAM)
        await teams.say(SAM, "prefer email")
        channel = TeamsChannel(
            connector=FakeConnector(),  # type: ignore[arg-type]
            people=teams.people,
            pacer=Pacer(),
            feed=ActivityFeed(graph, bot_app_id=BOT_APP_ID),
        )
        for _ in range(2):
            route = await channel.route(_message("c1:5:check_in"), SAM_PERSON, RENDERED, TOKENS)
            assert route.channel is Channel.EMAIL and route.email_needed
        thanks = _message("c1:6:done_thanks").model_copy(
            update={"kind": MessageKind.DONE_THANKS, "actions": {}}
        )
        await channel.route(thanks, SAM_PERSON, RENDERED, TOKENS)
        (notification,) = await teams.feed(SAM)
        assert notification["previewText"] == "Quick check-in: Draft the Q1 budget"

        await teams.uninstall(SAM)
        route = await channel.route(_message("c1:7:check_in"), SAM_PERSON, RENDERED, TOKENS)
        assert route.email_needed and len(await teams.feed(SAM)) == 1

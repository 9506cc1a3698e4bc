"""The sandbox's Bot Connector: the bot's token flow, the conversations API (auth, 403/404,
Teams-like 429), and signed activities to the bot that validate like production's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.key_value_pair import KeyValuePair
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.teamwork_activity_topic import TeamworkActivityTopic
from msgraph.generated.models.teamwork_activity_topic_source import TeamworkActivityTopicSource
from msgraph.generated.users.item.teamwork.send_activity_notification.send_activity_notification_post_request_body import (  # noqa: E501
    SendActivityNotificationPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient

from integrations.teams.auth import BotAuthConfig, BotTokenValidator, InvalidBotToken
from sandbox.server import SandboxServer
from tests.support.people import MANAGER, SAM
from tests.support.teams import BOT_APP_ID, serve

BOT_SCOPE = "https://api.botframework.com/.default"


@dataclass
class Bot:
    """A bot that validates what the sandbox sends and records it."""

    received: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@pytest.fixture
async def bot(sandbox: SandboxServer) -> AsyncIterator[Bot]:
    recorded = Bot()
    app = FastAPI()
    async with httpx.AsyncClient() as http:
        validator = BotTokenValidator(
            BotAuthConfig(
                app_id=BOT_APP_ID,
                openid_metadata_url=f"{sandbox.url}/botframework/v1/.well-known/openidconfiguration",
                issuers=(f"{sandbox.url}/botframework",),
            ),
            http,
        )

        @app.post("/api/messages")
        async def messages(request: Request) -> JSONResponse:
            body = await request.json()
            try:
                await validator.validate(
                    request.headers.get("authorization"),
                    service_url=body.get("serviceUrl"),
                    channel_id=body.get("channelId"),
                )
            except InvalidBotToken as exc:
                recorded.refused.append(exc.reason)
                return JSONResponse({}, status_code=401)
            recorded.received.append(body)
            if body["type"] == "invoke":
                card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"text": "Recorded"}]}
                return JSONResponse(
                    {
                        "statusCode": 200,
                        "type": "application/vnd.microsoft.card.adaptive",
                        "value": card,
                    }
                )
            return JSONResponse({})

        async with serve(app) as url, httpx.AsyncClient(base_url=sandbox.url) as client:
            registered = await client.put(
                "/_sandbox/teams/bot",
                json={"app_id": BOT_APP_ID, "endpoint": f"{url}/api/messages"},
            )
            registered.raise_for_status()
            yield recorded


@pytest.fixture
async def client(sandbox: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        yield http


async def _bot_token(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/botframework.com/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": BOT_APP_ID,
            "client_secret": "test-only",
            "scope": BOT_SCOPE,
        },
    )
    assert response.status_code == 200
    return str(response.json()["access_token"])


async def test_the_token_endpoint_serves_only_the_registered_bot(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    form = {"grant_type": "client_credentials", "client_id": "someone", "scope": BOT_SCOPE}
    unknown = await client.post(
        "/botframework.com/oauth2/v2.0/token", data={**form, "client_secret": "x"}
    )
    assert unknown.status_code == 400
    no_secret = await client.post(
        "/botframework.com/oauth2/v2.0/token", data={**form, "client_id": BOT_APP_ID}
    )
    assert no_secret.status_code == 400
    assert await _bot_token(client)


async def test_openid_metadata_points_at_keys_endorsed_for_teams(
    client: httpx.AsyncClient,
) -> None:
    metadata = (await client.get("/botframework/v1/.well-known/openidconfiguration")).json()
    keys = (await client.get(metadata["jwks_uri"].removeprefix(str(client.base_url)))).json()
    (key,) = keys["keys"]
    assert key["kty"] == "RSA" and key["endorsements"] == ["msteams"]


async def test_installing_tells_the_bot_with_signed_activities(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    installed = await client.post(f"/_sandbox/teams/users/{SAM}/install")
    assert installed.status_code == 200
    kinds = [activity["type"] for activity in bot.received]
    assert kinds == ["installationUpdate", "conversationUpdate"]
    assert bot.received[0]["from"]["aadObjectId"]
    assert bot.received[0]["conversation"]["id"] == installed.json()["id"]
    assert not bot.refused


async def test_the_conversations_api_wants_the_bots_token(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    conversation = (await client.post(f"/_sandbox/teams/users/{SAM}/install")).json()
    path = f"/v3/conversations/{conversation['id']}/activities"
    assert (await client.post(path, json={"type": "message", "text": "hi"})).status_code == 401
    forged = {"Authorization": "Bearer not-a-token"}
    response = await client.post(path, json={"type": "message"}, headers=forged)
    assert response.status_code == 401

    token = {"Authorization": f"Bearer {await _bot_token(client)}"}
    sent = await client.post(path, json={"type": "message", "text": "hi"}, headers=token)
    assert sent.status_code == 201
    activity_id = sent.json()["id"]
    updated = await client.put(
        f"{path}/{activity_id}", json={"type": "message", "text": "hello"}, headers=token
    )
    assert updated.status_code == 200
    chat = (await client.get(f"/_sandbox/teams/users/{SAM}/chat")).json()["activities"]
    assert [(a["text"], a["updated"]) for a in chat] == [("hello", True)]


async def test_a_removed_app_answers_403_and_an_unknown_chat_404(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    conversation = (await client.post(f"/_sandbox/teams/users/{SAM}/install")).json()
    await client.post(f"/_sandbox/teams/users/{SAM}/uninstall")
    assert bot.received[-1]["type"] == "installationUpdate"
    assert bot.received[-1]["action"] == "remove"
    token = {"Authorization": f"Bearer {await _bot_token(client)}"}
    gone = await client.post(
        f"/v3/conversations/{conversation['id']}/activities",
        json={"type": "message"},
        headers=token,
    )
    assert gone.status_code == 403
    unknown = await client.post(
        "/v3/conversations/a:nothing/activities", json={"type": "message"}, headers=token
    )
    assert unknown.status_code == 404
    created = await client.post(
        "/v3/conversations",
        json={"bot": {"id": f"28:{BOT_APP_ID}"}, "members": [{"id": f"29:{SAM}"}]},
        headers=token,
    )
    assert created.status_code == 403


async def test_creating_the_personal_chat_for_someone_with_the_app(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    conversation = (await client.post(f"/_sandbox/teams/users/{SAM}/install")).json()
    token = {"Authorization": f"Bearer {await _bot_token(client)}"}
    created = await client.post(
        "/v3/conversations",
        json={
            "bot": {"id": f"28:{BOT_APP_ID}"},
            "members": [{"id": f"29:{conversation['user_aad_id']}"}],
            "isGroup": False,
        },
        headers=token,
    )
    assert created.status_code == 201
    assert created.json()["id"] == conversation["id"]


async def test_too_many_sends_to_a_chat_get_429_with_retry_after(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    conversation = (await client.post(f"/_sandbox/teams/users/{SAM}/install")).json()
    await client.put("/_sandbox/teams/limits", json={"conversation": [[60, 2]], "app": [[60, 50]]})
    token = {"Authorization": f"Bearer {await _bot_token(client)}"}
    path = f"/v3/conversations/{conversation['id']}/activities"
    statuses = [
        (await client.post(path, json={"type": "message"}, headers=token)).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    throttled = await client.post(path, json={"type": "message"}, headers=token)
    assert int(throttled.headers["Retry-After"]) >= 1


async def test_pressing_a_button_posts_a_signed_invoke_and_refreshes_the_card(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    conversation = (await client.post(f"/_sandbox/teams/users/{SAM}/install")).json()
    token = {"Authorization": f"Bearer {await _bot_token(client)}"}
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "Quick check-in"}],
        "actions": [
            {"type": "Action.Execute", "title": "On track", "verb": "on", "data": {"token": "t"}}
        ],
    }
    attachment = {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
    sent = await client.post(
        f"/v3/conversations/{conversation['id']}/activities",
        json={"type": "message", "attachments": [attachment]},
        headers=token,
    )
    activity_id = sent.json()["id"]
    pressed = await client.post(
        f"/_sandbox/teams/conversations/{conversation['id']}/activities/{activity_id}/press/0",
        json={"as_user": MANAGER},
    )
    assert pressed.json()["status"] == 200
    invoke = bot.received[-1]
    assert invoke["type"] == "invoke" and invoke["name"] == "adaptiveCard/action"
    assert invoke["value"]["action"] == {
        "type": "Action.Execute",
        "verb": "on",
        "data": {"token": "t"},
    }
    assert invoke["from"]["name"] == "Maya Chen"
    chat = (await client.get(f"/_sandbox/teams/users/{SAM}/chat")).json()["activities"]
    assert chat[-1]["attachments"][0]["content"]["body"] == [{"text": "Recorded"}]
    missing = await client.post(
        f"/_sandbox/teams/conversations/{conversation['id']}/activities/{activity_id}/press/5",
        json={},
    )
    assert missing.status_code == 400


async def test_the_activity_feed_takes_graph_notifications_for_people_with_the_app(
    bot: Bot, client: httpx.AsyncClient, graph: GraphServiceClient
) -> None:
    body = SendActivityNotificationPostRequestBody(
        topic=TeamworkActivityTopic(
            source=TeamworkActivityTopicSource.Text, value="Accord", web_url="https://t.example/"
        ),
        activity_type="actionNeeded",
        preview_text=ItemBody(content="Quick check-in: Draft the Q1 budget"),
        template_parameters=[KeyValuePair(name="title", value="Draft the Q1 budget")],
    )
    feed = graph.users.by_user_id(SAM).teamwork.send_activity_notification
    with pytest.raises(ODataError) as refused:
        await feed.post(body)
    assert refused.value.response_status_code == 403
    await client.post(f"/_sandbox/teams/users/{SAM}/install")
    await feed.post(body)
    (notification,) = (await client.get(f"/_sandbox/teams/users/{SAM}/feed")).json()["value"]
    assert notification["activityType"] == "actionNeeded"
    assert notification["previewText"] == "Quick check-in: Draft the Q1 budget"
    unsigned = await client.post(
        f"/v1.0/users/{SAM}/teamwork/sendActivityNotification", json={"activityType": "x"}
    )
    assert unsigned.status_code == 401


async def test_the_teams_tab_shows_the_chat_and_its_buttons_press(
    bot: Bot, client: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(SAM)["id"]
    page = await client.get(f"/web/users/{user_id}/teams")
    assert page.status_code == 200 and "Add Accord in Teams" in page.text
    await client.post(f"/web/users/{user_id}/teams/install")
    conversation = (await client.get(f"/_sandbox/teams/users/{SAM}/chat")).json()["conversation"]
    token = {"Authorization": f"Bearer {await _bot_token(client)}"}
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "Quick <check-in>"}],
        "actions": [{"type": "Action.Execute", "title": "On track", "verb": "on", "data": {}}],
    }
    sent = await client.post(
        f"/v3/conversations/{conversation['id']}/activities",
        json={
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
            ],
        },
        headers=token,
    )
    page = await client.get(f"/web/users/{user_id}/teams")
    assert "Quick &lt;check-in&gt;" in page.text and ">On track</button>" in page.text
    pressed = await client.post(f"/web/users/{user_id}/teams/press/{sent.json()['id']}/0")
    assert pressed.status_code == 303
    assert bot.received[-1]["type"] == "invoke"
    page = await client.get(f"/web/users/{user_id}/teams")
    assert "Recorded" in page.text and ">On track</button>" not in page.text

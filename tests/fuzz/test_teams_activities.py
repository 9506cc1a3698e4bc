"""Fuzzing the bot endpoint: properly signed activities with any card payload or any text.

Whatever a Teams client (or someone holding a channel token) sends, ``/api/messages`` answers
with a defined status: never a 5xx, and an invoke always gets an invoke answer. Unsigned or
wrongly signed activities are covered by ``tests/api/test_bot.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.botconnector import BotConnectorService
from sandbox.server import SandboxServer
from tests.support.fuzzing import LoopBridge, fuzz_on_loop
from tests.support.people import SAM
from tests.support.teams import BOT_APP_ID, TeamsStack

ACTIVITY_FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
VERBS = ["accept", "talk", "check_in_on_track", "check_in_at_risk", "done", "prefer_teams", ""]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
card_values = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "action": st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["Action.Execute", "Action.Submit"]) | st.text(),
                    "verb": st.sampled_from(VERBS) | st.text(max_size=20),
                    "data": st.dictionaries(
                        st.sampled_from(["token", "note", "verb"]) | st.text(max_size=8),
                        json_values
                        | st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.", max_size=200),
                        max_size=3,
                    )
                    | json_values,
                }
            )
        }
    ),
)


async def _conversation_id(teams: TeamsStack) -> str:
    response = await teams.sandbox.get(f"/_sandbox/teams/users/{SAM}/chat")
    return str(response.json()["conversation"]["id"])


def _message(sandbox: SandboxServer, text: str, conversation_id: str) -> dict[str, Any]:
    """A message from Sam in his chat with the bot, as Teams sends it."""
    assert sandbox.state is not None
    user = sandbox.state.directory.user(SAM)
    return {
        "type": "message",
        "id": uuid.uuid4().hex,
        "channelId": "msteams",
        "serviceUrl": BotConnectorService.of(sandbox.state).service_url,
        "text": text,
        "from": {"id": f"29:{user['id']}", "aadObjectId": user["id"]},
        "recipient": {"id": f"28:{BOT_APP_ID}"},
        "conversation": {"id": conversation_id, "conversationType": "personal"},
    }


def _defined(answer: dict[str, Any]) -> None:
    assert answer["status"] < 500, answer
    body = answer["body"]
    if isinstance(body, dict) and "statusCode" in body:
        assert body["statusCode"] < 500, answer


async def test_any_card_payload_gets_a_defined_answer(
    teams: TeamsStack, sandbox: SandboxServer
) -> None:
    conversation_id = await _conversation_id(teams)

    @ACTIVITY_FUZZ
    @given(
        name=st.sampled_from(["adaptiveCard/action", "composeExtension/query"]) | st.text(),
        value=card_values,
    )
    def fuzz(bridge: LoopBridge, name: str, value: Any) -> None:
        activity = {
            **_message(sandbox, "", conversation_id),
            "type": "invoke",
            "name": name,
            "value": value,
        }
        response: httpx.Response = bridge.run(
            lambda: teams.sandbox.post("/_sandbox/teams/activities", json=activity)
        )
        assert response.status_code == 200, response.text
        _defined(response.json())

    await fuzz_on_loop(fuzz)


async def test_any_message_or_activity_shape_gets_a_defined_answer(
    teams: TeamsStack, sandbox: SandboxServer
) -> None:
    conversation_id = await _conversation_id(teams)

    @ACTIVITY_FUZZ
    @given(
        kind=st.sampled_from(["message", "conversationUpdate", "installationUpdate"])
        | st.text(max_size=12),
        text=st.text(max_size=500)
        | st.sampled_from(["help", "my commitments", "status ", "prefer"]),
        extra=st.dictionaries(
            st.sampled_from(["value", "entities", "attachments", "membersAdded", "action"]),
            json_values,
            max_size=3,
        ),
    )
    def fuzz(bridge: LoopBridge, kind: str, text: str, extra: dict[str, Any]) -> None:
        activity = {
            **_message(sandbox, text, conversation_id),
            "id": uuid.uuid4().hex,
            "type": kind,
            **extra,
        }
        response: httpx.Response = bridge.run(
            lambda: teams.sandbox.post("/_sandbox/teams/activities", json=activity)
        )
        assert response.status_code == 200, response.text
        _defined(response.json())

    await fuzz_on_loop(fuzz)

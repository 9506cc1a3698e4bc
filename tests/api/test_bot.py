"""``POST /api/messages``: every activity's token is checked; commands and card actions get
defined answers; a card answers like the email's link, with the same authorization."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric import rsa
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from accord.settings import AccordSettings
from accord.wiring.api import build_app
from domain.action_links import ActionClaims, LinkAction, LinkKeyRing
from domain.models import CommitmentStatus, Person
from domain.preferences import Channel
from domain.working_time import PersonSchedule, next_reachable
from integrations.graph.people import GraphPeopleDirectory
from sandbox.botconnector import BotConnectorService
from sandbox.server import SandboxServer
from tests.support.lifecycle import LINK_KEY, spec_for
from tests.support.lifecycle import start_commitment as start_workflow
from tests.support.people import MANAGER, PRIYA, SAM
from tests.support.polling import eventually
from tests.support.teams import BOT_APP_ID, TeamsStack, card_of, card_text, teams_stack
from tests.support.temporal import time_skipping_server
from workflows.commitment.client import start_commitment
from workflows.commitment.contracts import CommitmentInput, CommitmentView, workflow_id_for

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def temporal_env(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this module's own: skips elsewhere walk no timers here."""
    async with time_skipping_server(data_converter) as env:
        yield env


def _connector(sandbox: SandboxServer) -> BotConnectorService:
    assert sandbox.state is not None
    return BotConnectorService.of(sandbox.state)


def _message(sandbox: SandboxServer, text: str, conversation_id: str) -> dict[str, Any]:
    assert sandbox.state is not None
    user = sandbox.state.directory.user(SAM)
    return {
        "type": "message",
        "id": uuid.uuid4().hex,
        "channelId": "msteams",
        "serviceUrl": _connector(sandbox).service_url,
        "text": text,
        "from": {"id": f"29:{user['id']}", "aadObjectId": user["id"]},
        "recipient": {"id": f"28:{BOT_APP_ID}"},
        "conversation": {"id": conversation_id, "conversationType": "personal"},
    }


def _claims(sandbox: SandboxServer, **changes: Any) -> dict[str, Any]:
    connector = _connector(sandbox)
    claims = {"iss": connector.issuer, "aud": BOT_APP_ID, "serviceUrl": connector.service_url}
    claims.update(changes)
    return claims


async def _post(teams: TeamsStack, activity: dict[str, Any], token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient() as client:
        return await client.post(f"{teams.api_url}/api/messages", json=activity, headers=headers)


async def _conversation_id(teams: TeamsStack) -> str:
    response = await teams.sandbox.get(f"/_sandbox/teams/users/{SAM}/chat")
    return str(response.json()["conversation"]["id"])


def _foreign_token(sandbox: SandboxServer) -> str:
    """Right claims and the sandbox's key id, but signed with a key of its own."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {**_claims(sandbox), "iat": now, "exp": now + 3600}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": _connector(sandbox).key_id})


async def test_a_properly_signed_activity_is_handled(
    teams: TeamsStack, sandbox: SandboxServer
) -> None:
    activity = _message(sandbox, "prefer both", await _conversation_id(teams))
    response = await _post(teams, activity, _connector(sandbox).sign(_claims(sandbox)))
    assert response.status_code == 200
    assert (await teams.people.get(SAM)).channel is Channel.BOTH


async def test_forged_or_misdirected_activities_are_refused_and_change_nothing(
    teams: TeamsStack, sandbox: SandboxServer
) -> None:
    connector = _connector(sandbox)
    long_ago = int((datetime.now(UTC) - timedelta(hours=2)).timestamp())
    forgeries: dict[str, str | None] = {
        "no token": None,
        "not a jwt": "garbage",
        "another key": _foreign_token(sandbox),
        "wrong audience": connector.sign(_claims(sandbox, aud="someone-else")),
        "wrong issuer": connector.sign(_claims(sandbox, iss="https://issuer.invalid")),
        "expired": connector.sign(_claims(sandbox, iat=long_ago, nbf=long_ago, exp=long_ago)),
        "other serviceUrl": connector.sign(_claims(sandbox, serviceUrl="https://evil.invalid/")),
        "no serviceUrl": connector.sign(
            {key: value for key, value in _claims(sandbox).items() if key != "serviceUrl"}
        ),
        "hs256": jwt.encode(_claims(sandbox, exp=int(time.time()) + 600), "x" * 32, "HS256"),
    }
    activity = _message(sandbox, "prefer email", await _conversation_id(teams))
    for forgery, token in forgeries.items():
        response = await _post(teams, activity, token)
        assert response.status_code == 401, forgery
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await teams.people.get(SAM)).channel is None


async def test_a_body_that_is_not_an_activity_gets_400(
    teams: TeamsStack, sandbox: SandboxServer
) -> None:
    token = _connector(sandbox).sign(_claims(sandbox))
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{teams.api_url}/api/messages",
            content=b"[1, 2]",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    assert response.status_code == 400


async def test_help_and_unknown_commands_get_their_answers(teams: TeamsStack) -> None:
    await teams.say(SAM, "help")
    await teams.say(SAM, "make me a sandwich")
    await teams.say(SAM, "prefer carrier pigeon")
    replies = [a["text"] for a in await teams.chat(SAM) if a["sender"] == "bot" and a["text"]]
    assert any("my commitments" in text for text in replies)
    assert any("didn't catch that" in text for text in replies)
    assert any("prefer teams" in text and "prefer email" in text for text in replies[-1:])


async def test_the_chat_is_remembered_on_install_and_forgotten_on_removal(
    teams: TeamsStack,
) -> None:
    record = await teams.people.get(SAM)
    assert record.conversation is not None
    assert record.conversation.conversation_id == await _conversation_id(teams)
    assert record.conversation.service_url.endswith("/")
    await teams.uninstall(SAM)
    assert (await teams.people.get(SAM)).conversation is None


async def test_prefer_teams_without_the_app_is_refused_kindly(
    temporal_env: WorkflowEnvironment, task_queue: str, teams: TeamsStack
) -> None:
    with pytest.raises(Exception, match="no chat"):
        await teams.people.set_channel(PRIYA, Channel.TEAMS)


# ----- card actions --------------------------------------------------------------------------


async def _card_for_sam(
    teams: TeamsStack, temporal_env: WorkflowEnvironment, task_queue: str, sandbox: SandboxServer
) -> tuple[dict[str, Any], str]:
    """Start a commitment with Sam on Teams and return his expectation card and its id."""
    await teams.say(SAM, "prefer teams")
    now = await temporal_env.get_current_time()
    handle = await start_workflow(
        temporal_env.client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=10)), now
    )
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(SAM)["id"]
    schedule = PersonSchedule.from_graph(sandbox.state.directory.mailbox_settings(user_id))
    reachable = next_reachable(now, schedule)
    assert reachable is not None
    await temporal_env.sleep(reachable - now + timedelta(hours=1))
    teams.started.append(handle.id)
    (card,) = await eventually(lambda: teams.cards(SAM), timeout=60)
    return card, handle.id.removeprefix("commitment-")


def _outcome(answer: dict[str, Any]) -> str:
    assert answer["status"] == 200
    assert answer["body"]["statusCode"] == 200
    return card_text(answer["body"]["value"])


async def test_a_card_pressed_by_someone_else_is_refused_with_a_card_saying_so(
    teams: TeamsStack, temporal_env: WorkflowEnvironment, task_queue: str, sandbox: SandboxServer
) -> None:
    card, commitment_id = await _card_for_sam(teams, temporal_env, task_queue, sandbox)
    answer = await teams.press(SAM, card, "Accept", as_user=MANAGER)
    assert "for someone else" in _outcome(answer)
    view = await temporal_env.client.get_workflow_handle(workflow_id_for(commitment_id)).query(
        "view", result_type=CommitmentView
    )
    assert view.status is CommitmentStatus.AWAITING_ACCEPTANCE


async def test_a_stale_card_says_the_commitment_moved_on(
    teams: TeamsStack, temporal_env: WorkflowEnvironment, task_queue: str, sandbox: SandboxServer
) -> None:
    card, commitment_id = await _card_for_sam(teams, temporal_env, task_queue, sandbox)
    handle = temporal_env.client.get_workflow_handle(workflow_id_for(commitment_id))
    await handle.execute_update("release", {"actor": MANAGER}, result_type=CommitmentView)
    answer = await teams.press(SAM, card, "Accept")
    text = _outcome(answer)
    assert "moved on" in text
    assert "Draft the Q1 budget" in text


async def test_malformed_card_payloads_get_a_card_and_change_nothing(
    teams: TeamsStack, sandbox: SandboxServer
) -> None:
    payloads: list[Any] = [
        None,
        "accept",
        {"action": {"type": "Action.Submit", "verb": "accept", "data": {}}},
        {"action": {"type": "Action.Execute", "verb": "accept", "data": {}}},
        {"action": {"type": "Action.Execute", "verb": "accept", "data": {"token": "x.y.z"}}},
        {"action": {"type": "Action.Execute", "verb": "accept", "data": {"token": 7}}},
    ]
    conversation_id = await _conversation_id(teams)
    for value in payloads:
        activity = {
            **_message(sandbox, "", conversation_id),
            "type": "invoke",
            "name": "adaptiveCard/action",
            "value": value,
        }
        response = await teams.sandbox.post("/_sandbox/teams/activities", json=activity)
        assert "can't be used" in _outcome(response.json()), value


async def test_a_verb_that_does_not_match_its_token_changes_nothing(
    teams: TeamsStack, temporal_env: WorkflowEnvironment, task_queue: str, sandbox: SandboxServer
) -> None:
    card, commitment_id = await _card_for_sam(teams, temporal_env, task_queue, sandbox)
    accept = card_of(card)["actions"][0]
    activity = {
        **_message(sandbox, "", await _conversation_id(teams)),
        "type": "invoke",
        "name": "adaptiveCard/action",
        "value": {"action": {"type": "Action.Execute", "verb": "talk", "data": accept["data"]}},
    }
    response = await teams.sandbox.post("/_sandbox/teams/activities", json=activity)
    assert "can't be used" in _outcome(response.json())
    view = await temporal_env.client.get_workflow_handle(workflow_id_for(commitment_id)).query(
        "view", result_type=CommitmentView
    )
    assert view.status is CommitmentStatus.AWAITING_ACCEPTANCE


async def test_other_invokes_get_a_defined_error(teams: TeamsStack, sandbox: SandboxServer) -> None:
    activity = {
        **_message(sandbox, "", await _conversation_id(teams)),
        "type": "invoke",
        "name": "composeExtension/query",
        "value": {},
    }
    response = await teams.sandbox.post("/_sandbox/teams/activities", json=activity)
    answer = response.json()
    assert answer["status"] == 200
    assert answer["body"]["statusCode"] == 400


async def test_the_bot_endpoint_is_404_when_teams_is_off(
    temporal_env: WorkflowEnvironment, task_queue: str, graph: GraphServiceClient
) -> None:
    app = build_app(
        settings=AccordSettings(temporal_task_queue=task_queue),
        temporal=temporal_env.client,
        links=LinkKeyRing([LINK_KEY]),
        directory=GraphPeopleDirectory(graph),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://accord.test") as client:
        response = await client.post("/api/messages", json={"type": "message"})
    assert response.status_code == 404


# ----- my commitments and status (visibility needs the dev server) --------------------------


async def test_my_commitments_and_status_list_what_is_open(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    client: Client = dev_server.client
    async with teams_stack(client, task_queue, sandbox, graph, worker=True) as teams:
        await teams.install(SAM)
        due = datetime.now(UTC) + timedelta(days=20)
        # No worker serves this one: it cannot answer its query, and must not hold up the list.
        unserved = uuid.uuid4().hex[:12]
        await start_commitment(
            client,
            CommitmentInput(
                commitment_id=unserved,
                spec=spec_for(SAM_PERSON, due, title="Unanswered"),
                created_at=datetime.now(UTC),
            ),
            f"{task_queue}-unserved",
        )
        for title in ("Draft the Q1 budget", "Publish the onboarding guide"):
            commitment_id = uuid.uuid4().hex[:12]
            await start_commitment(
                client,
                CommitmentInput(
                    commitment_id=commitment_id,
                    spec=spec_for(SAM_PERSON, due, title=title),
                    created_at=datetime.now(UTC),
                ),
                task_queue,
            )

        async def listed() -> str:
            await teams.say(SAM, "my commitments")
            cards = await teams.cards(SAM)
            text = card_text(card_of(cards[-1])) if cards else ""
            return text if "onboarding" in text and "Q1 budget" in text else ""

        text = await eventually(listed, timeout=60, interval=1)
        assert "Awaiting acceptance, for Maya Chen" in text

        await teams.say(SAM, "status onboarding")
        status = card_text(card_of((await teams.cards(SAM))[-1]))
        assert "Publish the onboarding guide" in status and "Q1 budget" not in status

        await teams.say(SAM, "status something else entirely")
        assert "couldn't find" in (await teams.chat(SAM))[-1]["text"]
        await client.get_workflow_handle(workflow_id_for(unserved)).terminate("test over")


@pytest.mark.parametrize(
    "body",
    [b"[" * 30_000, b'{"type": "message", "value": ' + b"[" * 30_000, b'{"a":' * 10_000],
    ids=["arrays", "inside an activity", "objects"],
)
async def test_deeply_nested_json_is_a_400_problem_before_any_token_is_checked(
    teams: TeamsStack, body: bytes
) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{teams.api_url}/api/messages",
            content=body,
            headers={"Content-Type": "application/json"},
        )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 400
    assert response.headers["x-content-type-options"] == "nosniff"


# ----- a promise of support from a card (issue 17) -----------------------------------------


async def _press_as(
    teams: TeamsStack,
    sandbox: SandboxServer,
    commitment_id: str,
    action: LinkAction,
    inputs: dict[str, str],
    as_user: str,
) -> str:
    """Press a card's ``action`` (signed for the manager) as ``as_user``, with typed inputs."""
    claims = ActionClaims(
        commitment_id=commitment_id,
        person=MANAGER,
        action=action,
        link_id=uuid.uuid4().hex,
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    token = LinkKeyRing([LINK_KEY]).sign(claims)
    assert sandbox.state is not None
    user = sandbox.state.directory.user(as_user)
    activity = {
        **_message(sandbox, "", await _conversation_id(teams)),
        "type": "invoke",
        "name": "adaptiveCard/action",
        "from": {"id": f"29:{user['id']}", "aadObjectId": user["id"]},
        "value": {
            "action": {
                "type": "Action.Execute",
                "verb": action.value,
                "data": {"token": token, **inputs},
            }
        },
    }
    response = await teams.sandbox.post("/_sandbox/teams/activities", json=activity)
    return _outcome(response.json())


async def _promise(
    teams: TeamsStack,
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    inputs: dict[str, str],
    *,
    as_user: str = MANAGER,
) -> tuple[str, CommitmentView]:
    """Press a support card's promise as ``as_user`` with ``inputs``; the answer and the view."""
    now = await temporal_env.get_current_time()
    handle = await start_workflow(
        temporal_env.client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=10)), now
    )
    commitment_id = handle.id.removeprefix("commitment-")
    answer = await _press_as(
        teams, sandbox, commitment_id, LinkAction.PROMISE_SUPPORT, inputs, as_user
    )
    return answer, await handle.query("view", result_type=CommitmentView)


async def test_a_promise_from_a_card_is_applied(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    # The promise starts a commitment of its own, whose search attributes need the dev server.
    async with teams_stack(dev_server.client, task_queue, sandbox, graph, worker=True) as teams:
        await teams.install(SAM)
        by = (await dev_server.get_current_time() + timedelta(days=5)).date().isoformat()
        inputs = {"what": "Pair with Sam on the forecast", "by": by}
        answer, view = await _promise(teams, dev_server, task_queue, sandbox, inputs)
    assert "promise of support is recorded" in answer
    (promise,) = view.support
    assert promise.what == "Pair with Sam on the forecast"
    assert promise.due.date().isoformat() == by


@pytest.mark.parametrize(
    ("inputs", "named"),
    [
        ({"what": "Pair with Sam on the forecast"}, "give a date"),
        ({"what": "Pair with Sam", "by": "2020-01-02"}, "still ahead"),
        ({"by": "2099-01-02"}, "say what you'll do"),
    ],
    ids=["no date", "a past date", "nothing said"],
)
async def test_a_promise_card_short_of_its_inputs_says_so_and_changes_nothing(
    teams: TeamsStack,
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    inputs: dict[str, str],
    named: str,
) -> None:
    answer, view = await _promise(teams, temporal_env, task_queue, sandbox, inputs)
    assert named in answer.lower()
    assert "Nothing was recorded yet" in answer
    assert view.support == []


async def test_a_promise_card_pressed_by_someone_else_changes_nothing(
    teams: TeamsStack, temporal_env: WorkflowEnvironment, task_queue: str, sandbox: SandboxServer
) -> None:
    by = (await temporal_env.get_current_time() + timedelta(days=5)).date().isoformat()
    inputs = {"what": "Pair with Sam on the forecast", "by": by}
    answer, view = await _promise(teams, temporal_env, task_queue, sandbox, inputs, as_user=SAM)
    assert "for someone else" in answer
    assert view.support == []


async def test_not_possible_from_a_card_carries_its_reason(
    teams: TeamsStack, temporal_env: WorkflowEnvironment, task_queue: str, sandbox: SandboxServer
) -> None:
    now = await temporal_env.get_current_time()
    handle = await start_workflow(
        temporal_env.client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=10)), now
    )
    for update, arg in (
        ("accept", {"actor": SAM, "action_id": "accept-1"}),
        ("request_support", {"actor": SAM, "action_id": "ask-1", "note": "A review"}),
    ):
        await handle.execute_update(update, arg, result_type=CommitmentView)
    commitment_id = handle.id.removeprefix("commitment-")
    inputs = {"note": "I'm away that week", "what": "ignored"}
    answer = await _press_as(
        teams, sandbox, commitment_id, LinkAction.SUPPORT_NOT_POSSIBLE, inputs, MANAGER
    )
    assert "your answer is on its way" in answer
    view = await handle.query("view", result_type=CommitmentView)
    assert view.support_requests[-1].reason == "I'm away that week"

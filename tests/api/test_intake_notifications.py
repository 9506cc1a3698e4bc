"""``/graph/notifications`` and ``/graph/lifecycle``: Graph's handshake, clientState, hand-over."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from temporalio.client import Client
from temporalio.service import RPCError

from accord.settings import AccordSettings
from accord.wiring.api import api_config
from accord.wiring.intake import client_states
from api.dependencies import get_config
from domain.action_links import LinkKeyRing
from tests.support.people import AGENT, MANAGER
from workflows.intake.contracts import WatchMode, message_workflow_id

INBOX = {"mailbox": AGENT, "mode": WatchMode.AGENT_INBOX.value}


def notification(message_id: str, client_state: str, etag: str = 'W/"ck1"') -> dict[str, Any]:
    return {
        "subscriptionId": "sub-1",
        "changeType": "created",
        "clientState": client_state,
        "resource": f"Users/u1/Messages/{message_id}",
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.Message",
            "@odata.etag": etag,
            "id": message_id,
        },
    }


@pytest.fixture
def state(settings: AccordSettings, links: LinkKeyRing) -> str:
    return client_states(settings, links)[0]


async def started(temporal: Client, workflow_id: str) -> bool:
    try:
        await temporal.get_workflow_handle(workflow_id).describe()
    except RPCError:
        return False
    return True


async def stop(temporal: Client, workflow_id: str) -> None:
    # Nothing runs these here; ended, so the test server's time skipping never waits on them.
    await temporal.get_workflow_handle(workflow_id).terminate("test over")


@pytest.mark.parametrize("path", ["/graph/notifications", "/graph/lifecycle"])
async def test_the_validation_handshake_echoes_the_token_as_text(
    http: httpx.AsyncClient, path: str
) -> None:
    began = time.monotonic()

    response = await http.post(path, params={"validationToken": "Validation: a+b c&d"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "Validation: a+b c&d"
    # The echo is text a caller chose: browsers must not guess it is HTML.
    assert response.headers["x-content-type-options"] == "nosniff"
    assert time.monotonic() - began < 1


async def test_a_notification_starts_one_reading_however_often_it_comes(
    http: httpx.AsyncClient, temporal: Client, state: str
) -> None:
    body = {"value": [notification("m-1", state)]}
    began = time.monotonic()

    first = await http.post("/graph/notifications", params=INBOX, json=body)
    workflow_id = message_workflow_id(AGENT, "m-1")
    run = (await temporal.get_workflow_handle(workflow_id).describe()).run_id
    again = await http.post("/graph/notifications", params=INBOX, json=body)

    assert time.monotonic() - began < 3
    assert first.status_code == again.status_code == 202
    assert first.json() == {"accepted": 1, "rejected": 0, "malformed": 0}
    assert (await temporal.get_workflow_handle(workflow_id).describe()).run_id == run
    await stop(temporal, workflow_id)


async def test_a_wrong_client_state_is_refused_and_starts_nothing(
    http: httpx.AsyncClient, temporal: Client, caplog: pytest.LogCaptureFixture
) -> None:
    body = {"value": [notification("m-2", "not-the-secret")]}

    response = await http.post("/graph/notifications", params=INBOX, json=body)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "not-the-secret" not in response.text
    assert not await started(temporal, message_workflow_id(AGENT, "m-2"))


async def test_a_mailbox_that_is_not_watched_is_refused(
    http: httpx.AsyncClient, temporal: Client, state: str
) -> None:
    params = {"mailbox": MANAGER, "mode": WatchMode.FLAGS.value}  # Maya did not opt in

    response = await http.post(
        "/graph/notifications", params=params, json={"value": [notification("m-3", state)]}
    )

    assert response.status_code == 403
    assert not await started(temporal, message_workflow_id(MANAGER, "m-3"))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        # Not JSON at all: refused before the route, as on every route (api/limits.py).
        (b"not json", "malformed-json"),
        (b"[]", "malformed-notification"),
        (b'{"value": "x"}', "malformed-notification"),
        (b'{"nothing": []}', "malformed-notification"),
    ],
    ids=str,
)
async def test_a_malformed_body_is_a_clear_400(
    http: httpx.AsyncClient, content: bytes, problem: str
) -> None:
    response = await http.post(
        "/graph/notifications",
        params=INBOX,
        content=content,
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["type"] == f"/problems/{problem}"


async def test_valid_items_go_through_beside_malformed_and_forged_ones(
    http: httpx.AsyncClient, temporal: Client, state: str
) -> None:
    body = {
        "value": [
            notification("m-4", state),
            {"clientState": state, "resourceData": "no"},
            "not an object",
            notification("m-5", "forged"),
        ]
    }

    response = await http.post("/graph/notifications", params=INBOX, json=body)

    assert response.status_code == 202
    assert response.json() == {"accepted": 1, "rejected": 1, "malformed": 2}
    assert await started(temporal, message_workflow_id(AGENT, "m-4"))
    assert not await started(temporal, message_workflow_id(AGENT, "m-5"))
    await stop(temporal, message_workflow_id(AGENT, "m-4"))


async def test_flag_notifications_are_read_per_version_of_the_message(
    http: httpx.AsyncClient,
    temporal: Client,
    settings: AccordSettings,
    links: LinkKeyRing,
    app: Any,
) -> None:
    flagged = settings.model_copy(update={"intake_flag_managers": [MANAGER]})
    config = api_config(flagged, links)
    app.dependency_overrides[get_config] = lambda: config
    state = client_states(flagged, links)[0]
    params = {"mailbox": MANAGER, "mode": WatchMode.FLAGS.value}

    for etag in ('W/"v1"', 'W/"v2"', 'W/"v2"'):
        response = await http.post(
            "/graph/notifications",
            params=params,
            json={"value": [notification("m-6", state, etag)]},
        )
        assert response.status_code == 202

    for version in ("v1", "v2"):
        workflow_id = message_workflow_id(MANAGER, "m-6", version)
        assert await started(temporal, workflow_id)
        await stop(temporal, workflow_id)


async def test_a_lifecycle_notification_for_a_watch_that_is_not_running_is_accepted(
    http: httpx.AsyncClient, state: str
) -> None:
    body = {
        "value": [
            {
                "subscriptionId": "sub-1",
                "clientState": state,
                "lifecycleEvent": "missed",
                "tenantId": "t",
            }
        ]
    }

    response = await http.post("/graph/lifecycle", params=INBOX, json=body)
    unknown = await http.post(
        "/graph/lifecycle",
        params=INBOX,
        json={"value": [{**body["value"][0], "lifecycleEvent": "somethingElse"}]},
    )
    forged = await http.post(
        "/graph/lifecycle",
        params=INBOX,
        json={"value": [{**body["value"][0], "clientState": "forged"}]},
    )

    assert response.status_code == 202
    assert unknown.status_code == 400
    assert forged.status_code == 403


DEEP_BODIES = {
    "arrays": b"[" * 30_000,
    "objects": b'{"a":' * 10_000,  # 50 KB: under the body cap, so depth is what refuses it
    "inside value": b'{"value": ' + b"[" * 30_000,
    "closed": b"[" * 30_000 + b"]" * 30_000,
}


@pytest.mark.parametrize("path", ["/graph/notifications", "/graph/lifecycle"])
@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
async def test_deeply_nested_json_is_a_400_problem_not_a_500(
    http: httpx.AsyncClient, path: str, body: bytes
) -> None:
    response = await http.post(
        path, params=INBOX, content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 400
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/graph/notifications", "/graph/lifecycle"])
async def test_brackets_inside_strings_do_not_count_as_nesting(
    http: httpx.AsyncClient, path: str, state: str
) -> None:
    # A subject full of brackets is text, not depth: the notification is judged as usual.
    item = {**notification("m-brackets", state), "note": "[" * 5_000 + '\\"{' * 100}
    response = await http.post(path, params=INBOX, json={"value": [item], "x": [[["]]]"]]]})

    assert response.status_code != 500
    assert response.json().get("type") != "/problems/malformed-json"

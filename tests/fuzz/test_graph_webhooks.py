"""Fuzzing Graph's webhooks: whatever is posted, a defined 2xx/4xx, and forgeries start nothing."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.client import Client
from temporalio.service import RPCError

from accord.settings import AccordSettings
from accord.wiring.intake import client_states
from domain.action_links import LinkKeyRing
from tests.support.fuzzing import LoopBridge, fuzz_on_loop
from tests.support.people import AGENT
from workflows.intake.contracts import WatchMode, message_workflow_id

WEBHOOK_FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PATHS = ["/graph/notifications", "/graph/lifecycle"]
DEFINED = {200, 202, 400, 403, 413, 422}
INBOX = {"mailbox": AGENT, "mode": WatchMode.AGENT_INBOX.value}
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)


async def test_any_body_and_query_get_a_defined_answer(http: httpx.AsyncClient) -> None:
    @WEBHOOK_FUZZ
    @given(
        path=st.sampled_from(PATHS),
        body=st.binary(max_size=2000) | json_values.map(lambda value: json.dumps(value).encode()),
        query=st.dictionaries(
            st.sampled_from(["mailbox", "mode", "validationToken"]) | st.text(max_size=8),
            st.text(max_size=60),
            max_size=3,
        ),
    )
    def fuzz(bridge: LoopBridge, path: str, body: bytes, query: dict[str, str]) -> None:
        response = bridge.run(
            lambda: http.post(
                path, params=query, content=body, headers={"Content-Type": "application/json"}
            )
        )
        assert response.status_code in DEFINED, (response.status_code, response.text)
        token = query.get("validationToken")
        if token is not None and response.status_code == 200:
            # The handshake echoes the token as plain text, never as HTML.
            assert response.headers["content-type"].startswith("text/plain")
            assert response.text == token

    await fuzz_on_loop(fuzz)


async def test_notification_shaped_items_start_work_only_with_the_right_client_state(
    http: httpx.AsyncClient,
    temporal: Client,
    settings: AccordSettings,
    links: LinkKeyRing,
) -> None:
    secret = client_states(settings, links)[0]
    started: set[str] = set()

    item = st.fixed_dictionaries(
        {
            "clientState": st.sampled_from([secret, secret.upper(), "", "x" * 200]) | json_values,
            "resource": st.text(max_size=60) | json_values,
            "resourceData": st.fixed_dictionaries(
                {},
                optional={
                    "id": st.text(min_size=1, max_size=40) | json_values,
                    "@odata.etag": st.text(max_size=20) | json_values,
                },
            )
            | json_values,
            "lifecycleEvent": st.sampled_from(
                ["subscriptionRemoved", "missed", "reauthorizationRequired"]
            )
            | json_values,
        }
    )

    @WEBHOOK_FUZZ
    @given(path=st.sampled_from(PATHS), items=st.lists(item | json_values, max_size=4))
    def fuzz(bridge: LoopBridge, path: str, items: list[Any]) -> None:
        response = bridge.run(lambda: http.post(path, params=INBOX, json={"value": items}))
        assert response.status_code in DEFINED | {503}, (response.status_code, response.text)
        rightly_signed = [
            candidate
            for candidate in items
            if isinstance(candidate, dict) and candidate.get("clientState") == secret
        ]
        if not rightly_signed:
            assert response.status_code in (400, 403), response.status_code
        for candidate in rightly_signed:
            data = candidate.get("resourceData")
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                started.add(data["id"])

    await fuzz_on_loop(fuzz)
    # Nothing runs these intake workflows here; ended, so no later test waits on them.
    for message_id in started:
        with contextlib.suppress(RPCError):
            await temporal.get_workflow_handle(message_workflow_id(AGENT, message_id)).terminate(
                "fuzz over"
            )

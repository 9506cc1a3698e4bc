"""Graph's front door: tokens, bad input, limits, faults, batching, delta and restarts."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from kiota_abstractions.api_error import APIError
from msgraph.generated.users.item.mail_folders.item.messages.delta.delta_request_builder import (
    DeltaRequestBuilder,
)
from msgraph.graph_service_client import GraphServiceClient

from sandbox.config import FaultConfig, LimitsConfig
from sandbox.server import SandboxServer
from tests.support.people import AGENT, MANAGER, PRIYA, SAM
from tests.support.sandbox import raw_client, send_mail_body


def _assert_graph_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "innerError"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code


async def test_requests_without_a_valid_token_are_refused(sandbox: SandboxServer) -> None:
    async with httpx.AsyncClient(base_url=sandbox.graph_url) as client:
        _assert_graph_error(await client.get("/users"), 401, "InvalidAuthenticationToken")
        forged = await client.get("/users", headers={"Authorization": "Bearer abc.def.ghi"})
        _assert_graph_error(forged, 401, "InvalidAuthenticationToken")


async def test_bad_input_gets_graphs_error_shape_and_the_server_stays_up(
    sandbox: SandboxServer,
) -> None:
    async with raw_client(sandbox) as client:
        malformed = await client.post(f"/users/{MANAGER}/sendMail", content=b"{not json")
        _assert_graph_error(malformed, 400, "BadRequest")
        not_object = await client.post(f"/users/{MANAGER}/sendMail", json=[1, 2])
        _assert_graph_error(not_object, 400)
        huge = await client.post(f"/users/{MANAGER}/sendMail", content=b"x" * (5 * 1024 * 1024))
        _assert_graph_error(huge, 413, "RequestEntityTooLarge")
        _assert_graph_error(await client.get("/nothing/here"), 400, "BadRequest")
        _assert_graph_error(await client.put(f"/users/{MANAGER}"), 405)
        _assert_graph_error(await client.get("/users/nobody@northwind.example"), 404)
        wrong_type = send_mail_body(SAM, "x")
        wrong_type["saveToSentItems"] = "yes"
        _assert_graph_error(
            await client.post(f"/users/{MANAGER}/sendMail", json=wrong_type), 400, "RequestBodyRead"
        )
        unknown = await client.get("/users", params={"$select": "shoeSize"})
        _assert_graph_error(unknown, 400, "RequestBroker--ParseUri")
        assert (await client.get(f"/users/{SAM}")).status_code == 200


async def test_the_31st_message_in_a_minute_is_throttled_with_retry_after(
    sandbox: SandboxServer,
) -> None:
    async with raw_client(sandbox) as client:
        for number in range(30):
            sent = await client.post(
                f"/users/{MANAGER}/sendMail", json=send_mail_body(SAM, f"m{number}")
            )
            assert sent.status_code == 202, sent.text
        over = await client.post(f"/users/{MANAGER}/sendMail", json=send_mail_body(SAM, "m30"))
        _assert_graph_error(over, 429)
        assert 1 <= int(over.headers["Retry-After"]) <= 60
        # Limits are per mailbox: another sender is not affected.
        other = await client.post(f"/users/{PRIYA}/sendMail", json=send_mail_body(SAM, "hi"))
        assert other.status_code == 202


async def test_concurrency_over_four_per_mailbox_is_throttled(sandbox: SandboxServer) -> None:
    assert sandbox.state is not None
    sandbox.state.update_config(
        sandbox.state.config.model_copy(
            update={"faults": FaultConfig(slow_rate=1.0, slow_seconds=0.5)}
        )
    )
    async with raw_client(sandbox) as client:
        answers = await asyncio.gather(*(client.get(f"/users/{SAM}/messages") for _ in range(6)))
    statuses = sorted(response.status_code for response in answers)
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_injected_faults_surface_to_the_sdk(
    sandbox: SandboxServer, graph: GraphServiceClient
) -> None:
    assert sandbox.state is not None
    sandbox.state.update_config(
        sandbox.state.config.model_copy(
            update={"faults": FaultConfig(service_unavailable_rate=1.0)}
        )
    )
    with pytest.raises(APIError) as caught:
        await graph.users.by_user_id(SAM).get()
    assert caught.value.response_status_code == 503


async def test_accepted_then_failed_takes_effect_though_the_client_sees_an_error(
    sandbox: SandboxServer,
) -> None:
    assert sandbox.state is not None
    sandbox.state.update_config(
        sandbox.state.config.model_copy(
            update={"faults": FaultConfig(accepted_then_failed_rate=1.0, seed=7)}
        )
    )
    async with raw_client(sandbox) as client:
        try:
            answer = await client.post(
                f"/users/{MANAGER}/sendMail", json=send_mail_body(SAM, "Did it arrive?")
            )
            assert answer.status_code in {503, 504}
        except httpx.HTTPError:
            pass  # a dropped connection is one of the ways it fails
    inbox = sandbox.state.store.list("messages", sandbox.state.directory.user(SAM)["id"])
    assert [message["subject"] for message in inbox] == ["Did it arrive?"]


async def test_batch_answers_each_item_including_throttling(sandbox: SandboxServer) -> None:
    assert sandbox.state is not None
    sandbox.state.update_config(
        sandbox.state.config.model_copy(update={"limits": LimitsConfig(messages_per_minute=2)})
    )
    requests = [
        {
            "id": str(number),
            "method": "POST",
            "url": f"/users/{MANAGER}/sendMail",
            "body": send_mail_body(SAM, f"batch {number}"),
            "headers": {"Content-Type": "application/json"},
            **({"dependsOn": [str(number - 1)]} if number else {}),
        }
        for number in range(3)
    ]
    requests.append({"id": "me", "method": "GET", "url": f"/users/{SAM}"})
    async with raw_client(sandbox) as client:
        answer = await client.post("/$batch", json={"requests": requests})
        assert answer.status_code == 200
        by_id = {item["id"]: item for item in answer.json()["responses"]}
        assert [by_id[str(n)]["status"] for n in range(3)] == [202, 202, 429]
        assert "Retry-After" in {k.title() for k in by_id["2"]["headers"]}
        assert by_id["me"]["body"]["userPrincipalName"] == SAM
        too_many = [{"id": str(n), "method": "GET", "url": "/users"} for n in range(21)]
        _assert_graph_error(await client.post("/$batch", json={"requests": too_many}), 400)


async def test_failed_dependency_is_not_run(sandbox: SandboxServer) -> None:
    async with raw_client(sandbox) as client:
        answer = await client.post(
            "/$batch",
            json={
                "requests": [
                    {"id": "1", "method": "GET", "url": "/users/nobody@northwind.example"},
                    {"id": "2", "method": "GET", "url": f"/users/{SAM}", "dependsOn": ["1"]},
                ]
            },
        )
    statuses = {item["id"]: item["status"] for item in answer.json()["responses"]}
    assert statuses == {"1": 404, "2": 424}


async def test_delta_returns_only_what_is_new(
    sandbox: SandboxServer, graph: GraphServiceClient
) -> None:
    async with raw_client(sandbox) as client:
        for number in range(3):
            await client.post(
                f"/users/{MANAGER}/sendMail", json=send_mail_body(AGENT, f"d{number}")
            )
    inbox = graph.users.by_user_id(AGENT).mail_folders.by_mail_folder_id("inbox")
    config = DeltaRequestBuilder.DeltaRequestBuilderGetRequestConfiguration()
    config.headers.add("Prefer", "odata.maxpagesize=2")
    first = await inbox.messages.delta.get(request_configuration=config)
    assert first is not None and first.value is not None and first.odata_next_link
    seen = [str(m.subject) for m in first.value]
    nxt = await inbox.messages.delta.with_url(first.odata_next_link).get()
    assert nxt is not None and nxt.value is not None and nxt.odata_delta_link
    seen += [str(m.subject) for m in nxt.value]
    assert sorted(seen) == ["d0", "d1", "d2"]
    empty = await inbox.messages.delta.with_url(nxt.odata_delta_link).get()
    assert empty is not None and empty.value == [] and empty.odata_delta_link
    async with raw_client(sandbox) as client:
        await client.post(f"/users/{MANAGER}/sendMail", json=send_mail_body(AGENT, "d3"))
    fresh = await inbox.messages.delta.with_url(empty.odata_delta_link).get()
    assert fresh is not None and [m.subject for m in fresh.value or []] == ["d3"]


async def test_state_survives_a_restart(sandbox: SandboxServer) -> None:
    async with raw_client(sandbox) as client:
        await client.post(f"/users/{MANAGER}/sendMail", json=send_mail_body(SAM, "Kept"))
        await client.patch(
            f"/users/{SAM}/mailboxSettings", json={"timeZone": "Pacific Standard Time"}
        )
    sandbox.restart()
    async with raw_client(sandbox) as client:
        inbox = await client.get(f"/users/{SAM}/mailFolders/inbox/messages")
        assert [m["subject"] for m in inbox.json()["value"]] == ["Kept"]
        settings = await client.get(f"/users/{SAM}/mailboxSettings")
        assert settings.json()["timeZone"] == "Pacific Standard Time"


async def test_flag_due_date_needs_a_start_date(sandbox: SandboxServer) -> None:
    async with raw_client(sandbox) as client:
        await client.post(f"/users/{MANAGER}/sendMail", json=send_mail_body(SAM, "Flag me"))
        listing = await client.get(f"/users/{MANAGER}/mailFolders/sentitems/messages")
        message_id = listing.json()["value"][0]["id"]
        due_only = {
            "flag": {
                "flagStatus": "flagged",
                "dueDateTime": {"dateTime": "2026-12-01T17:00:00", "timeZone": "UTC"},
            }
        }
        _assert_graph_error(
            await client.patch(f"/users/{MANAGER}/messages/{message_id}", json=due_only), 400
        )
        both = {
            "flag": {
                "flagStatus": "flagged",
                "startDateTime": {"dateTime": "2026-11-22T09:00:00", "timeZone": "UTC"},
                "dueDateTime": {"dateTime": "2026-12-01T17:00:00", "timeZone": "UTC"},
            },
            "categories": ["Accord"],
        }
        patched = await client.patch(f"/users/{MANAGER}/messages/{message_id}", json=both)
        assert patched.status_code == 200, patched.text
        assert patched.json()["categories"] == ["Accord"]

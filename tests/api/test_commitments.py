"""``/commitments``: create, read and act, against a real (time-skipping) Temporal server.

The ``http`` client is signed in as Maya (the manager); the owner acts with Sam's token.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError
from temporalio.worker import Worker

from accord.settings import AccordSettings
from api.dependencies import get_directory
from domain.action_links import LinkKeyRing
from tests.support.api import (
    NOW,
    PROBLEM_JSON,
    PUBLIC_URL,
    FakeClock,
    build_app,
    commitment,
    create_commitment,
    field_errors,
)
from tests.support.api_tokens import ADMIN_ROLE, FakeEntra
from tests.support.people import ADMIN, MANAGER, OMAR, SAM
from workflows.commitment.contracts import (
    OWNER_KEY,
    STATUS_KEY,
    CommitmentInput,
    workflow_id_for,
)


async def run_id(temporal: Client, commitment_id: str) -> str:
    """The run of the commitment's workflow (the test server cannot list workflows)."""
    handle = temporal.get_workflow_handle(workflow_id_for(commitment_id))
    description = await handle.describe()
    assert description.status == WorkflowExecutionStatus.RUNNING
    return description.run_id


async def test_create_starts_one_workflow_and_answers_its_view(
    http: httpx.AsyncClient, temporal: Client
) -> None:
    response = await http.post("/commitments", json=commitment())

    assert response.status_code == 201, response.text
    created = response.json()
    commitment_id = created["commitment_id"]
    assert response.headers["location"] == f"{PUBLIC_URL}/commitments/{commitment_id}"
    assert created["status"] == "awaiting_acceptance"
    assert created["title"] == "Publish the onboarding guide"
    assert created["owner"] == {"email": SAM, "display_name": "Sam Okafor"}
    assert created["manager"]["display_name"] == "Maya Chen"
    assert created["cadence"] == "P7D"
    assert created["created_at"].startswith("2026-03-02T09:00:00")
    description = await temporal.get_workflow_handle(workflow_id_for(commitment_id)).describe()
    assert description.typed_search_attributes.get(OWNER_KEY) == SAM
    assert description.typed_search_attributes.get(STATUS_KEY) == "awaiting_acceptance"

    read = await http.get(f"/commitments/{commitment_id}")
    assert read.status_code == 200
    assert read.json() == created


async def test_a_commitment_starts_with_the_run_length_of_the_settings(
    settings: AccordSettings,
    temporal: Client,
    links: LinkKeyRing,
    clock: FakeClock,
    stub_worker: Worker,
    entra: FakeEntra,
) -> None:
    del stub_worker  # running, so that the create finds its first view
    configured = settings.model_copy(update={"commitment_run_events": 40})
    app = build_app(configured, temporal, links, clock, entra)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC_URL, headers=entra.headers(MANAGER)
    ) as http:
        response = await http.post("/commitments", json=commitment())
    assert response.status_code == 201, response.text
    handle = temporal.get_workflow_handle(workflow_id_for(response.json()["commitment_id"]))
    history = await handle.fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    [start] = await temporal.data_converter.decode(started.input.payloads, [CommitmentInput])
    assert isinstance(start, CommitmentInput)
    assert start.run_events == 40


async def test_the_same_idempotency_key_yields_one_commitment(
    http: httpx.AsyncClient, temporal: Client
) -> None:
    headers = {"Idempotency-Key": f"create-guide-{uuid.uuid4()}"}

    first = await http.post("/commitments", json=commitment(), headers=headers)
    run = await run_id(temporal, first.json()["commitment_id"])
    second = await http.post("/commitments", json=commitment(), headers=headers)

    assert first.status_code == second.status_code == 201
    assert first.json()["commitment_id"] == second.json()["commitment_id"]
    assert await run_id(temporal, first.json()["commitment_id"]) == run
    other = await http.post(
        "/commitments", json=commitment(), headers={"Idempotency-Key": "create-guide-2"}
    )
    assert other.json()["commitment_id"] != first.json()["commitment_id"]


async def test_the_server_makes_the_id_and_a_client_cannot_choose_one(
    http: httpx.AsyncClient, temporal: Client, entra: FakeEntra
) -> None:
    existing = await create_commitment(http)
    unused = f"chosen-{uuid.uuid4()}"

    # Someone else's id and an unused one get the same answer: nothing to aim at, nothing told.
    answers = [
        await http.post(
            "/commitments", json=commitment(commitment_id=chosen), headers=entra.headers(OMAR)
        )
        for chosen in (existing, unused)
    ]

    for answer in answers:
        assert answer.status_code == 422, answer.text
        assert field_errors(answer) == {"commitment_id": "extra_forbidden"}
    with pytest.raises(RPCError):
        await temporal.get_workflow_handle(workflow_id_for(unused)).describe()
    assert (await http.get(f"/commitments/{existing}")).json()["manager"]["email"] == MANAGER


async def test_an_idempotency_key_is_scoped_to_its_caller(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    headers = {"Idempotency-Key": f"guide-{uuid.uuid4()}"}
    mine = await http.post("/commitments", json=commitment(), headers=headers)
    # An admin may set it for Maya: same body, same key, yet another caller.
    as_admin = {**headers, **entra.headers(ADMIN, roles=(ADMIN_ROLE,))}

    theirs = await http.post("/commitments", json=commitment(), headers=as_admin)
    again = await http.post("/commitments", json=commitment(), headers=as_admin)

    assert mine.status_code == theirs.status_code == again.status_code == 201, theirs.text
    assert theirs.json()["commitment_id"] != mine.json()["commitment_id"]
    assert again.json()["commitment_id"] == theirs.json()["commitment_id"]


async def test_reusing_a_key_for_different_details_is_a_conflict(
    http: httpx.AsyncClient,
) -> None:
    headers = {"Idempotency-Key": f"shared-{uuid.uuid4()}"}
    await http.post("/commitments", json=commitment(), headers=headers)

    clash = await http.post(
        "/commitments", json=commitment(title="Something else"), headers=headers
    )

    assert clash.status_code == 409
    assert clash.headers["content-type"] == PROBLEM_JSON
    assert clash.json()["type"] == "/problems/commitment-exists"


@pytest.mark.parametrize(
    ("changes", "field", "kind"),
    [
        ({"due": "2026-03-16T17:00:00"}, "due", "timezone_aware"),
        ({"due": (NOW - timedelta(minutes=1)).isoformat()}, "due", "due_in_past"),
        ({"title": "   "}, "title", "value_error"),
        ({"manager": SAM.upper()}, "manager", "value_error"),
        ({"owner": "nobody@northwind.example"}, "owner", "unknown_person"),
        ({"owner": "not-an-email"}, "owner", "value_error"),
        ({"cadence": "PT1H"}, "cadence", "value_error"),
        ({"success_criteria": None}, "success_criteria", "missing"),
    ],
)
async def test_invalid_commitments_are_422_naming_the_field(
    http: httpx.AsyncClient, changes: dict[str, Any], field: str, kind: str
) -> None:
    response = await http.post("/commitments", json=commitment(**changes))

    assert field_errors(response) == {field: kind}


async def test_every_field_at_fault_is_named_at_once(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/commitments",
        json=commitment(owner="nobody@northwind.example", due=NOW.isoformat()),
    )

    assert field_errors(response) == {"owner": "unknown_person", "due": "due_in_past"}


async def test_problems_do_not_echo_what_was_sent(http: httpx.AsyncClient) -> None:
    secret_title = "Confidential reorganisation " * 20

    response = await http.post("/commitments", json=commitment(title=secret_title))

    assert field_errors(response) == {"title": "value_error"}
    assert "Confidential" not in response.text


async def test_reading_an_unknown_commitment_is_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/commitments/no-such-commitment")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "/problems/commitment-not-found",
        "title": "No such commitment",
        "status": 404,
        "detail": "There is no commitment with id 'no-such-commitment'.",
    }


async def test_actions_run_the_workflow_updates(http: httpx.AsyncClient, entra: FakeEntra) -> None:
    commitment_id = await create_commitment(http)
    as_sam = entra.headers(SAM)

    accepted = await http.post(f"/commitments/{commitment_id}/accept", headers=as_sam)
    checked = await http.post(
        f"/commitments/{commitment_id}/check-ins",
        json={"answer": "at_risk", "note": "Waiting on legal."},
        headers=as_sam,
    )
    done = await http.post(f"/commitments/{commitment_id}/complete", json={}, headers=as_sam)

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "active"
    assert checked.json()["check_ins"][0]["answer"] == "at_risk"
    assert checked.json()["check_ins"][0]["note"] == "Waiting on legal."
    assert done.json()["status"] == "done"


async def test_someone_elses_part_is_403_with_who_can(http: httpx.AsyncClient) -> None:
    commitment_id = await create_commitment(http)

    # Maya may see it, but only Sam, its owner, can accept it: the policy says so at once.
    response = await http.post(f"/commitments/{commitment_id}/accept")

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "/problems/not-allowed"
    assert response.json()["detail"] == "Only the person the commitment is for can do this."


async def test_an_action_on_an_ended_commitment_is_409(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http)
    released = await http.post(f"/commitments/{commitment_id}/release", json={})
    assert released.json()["status"] == "released"

    response = await http.post(f"/commitments/{commitment_id}/accept", headers=entra.headers(SAM))

    assert response.status_code == 409
    assert response.json()["type"] == "/problems/action-rejected"
    assert response.json()["detail"] == "This commitment has already ended, so nothing was changed."


async def test_an_idempotency_key_applies_an_action_once(
    http: httpx.AsyncClient, temporal: Client, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http)
    await http.post(f"/commitments/{commitment_id}/accept", headers=entra.headers(SAM))
    headers = {"Idempotency-Key": "check-in-1", **entra.headers(SAM)}
    body = {"answer": "on_track"}

    first = await http.post(f"/commitments/{commitment_id}/check-ins", json=body, headers=headers)
    second = await http.post(f"/commitments/{commitment_id}/check-ins", json=body, headers=headers)

    assert first.status_code == second.status_code == 200
    assert len(second.json()["check_ins"]) == 1
    handle = temporal.get_workflow_handle(workflow_id_for(commitment_id))
    action_ids = await handle.query("action_ids", result_type=list[str | None])
    assert action_ids[0] is None
    assert action_ids[1]


async def test_an_action_idempotency_key_is_scoped_to_its_caller(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http)
    key = {"Idempotency-Key": "revise-1"}
    body = {"new_scope": "Only the first chapter."}

    # Either person may propose a revision; the stub workflow refuses Maya's.
    mayas = await http.post(f"/commitments/{commitment_id}/revisions", json=body, headers=key)
    await http.post(f"/commitments/{commitment_id}/accept", headers=entra.headers(SAM))
    # Sam's client happens to pick the same key: his is a request of its own, not Maya's
    # retry, so he does not get her refusal back.
    sams = await http.post(
        f"/commitments/{commitment_id}/revisions", json=body, headers={**key, **entra.headers(SAM)}
    )

    assert mayas.status_code == 409
    assert sams.status_code == 200, sams.text


async def test_invalid_actions_are_422(http: httpx.AsyncClient) -> None:
    commitment_id = await create_commitment(http)

    response = await http.post(f"/commitments/{commitment_id}/check-ins", json={"answer": "maybe"})

    assert field_errors(response) == {"answer": "enum"}


async def test_the_actor_comes_from_the_token_not_the_body(http: httpx.AsyncClient) -> None:
    commitment_id = await create_commitment(http)

    # Maya cannot act as Sam by naming him: the field no longer exists.
    response = await http.post(f"/commitments/{commitment_id}/accept", json={"actor": SAM})

    assert field_errors(response) == {"actor": "extra_forbidden"}


async def test_actions_on_an_unknown_commitment_are_404(http: httpx.AsyncClient) -> None:
    response = await http.post("/commitments/nothing-here/accept")

    assert response.status_code == 404
    assert response.json()["type"] == "/problems/commitment-not-found"


async def test_other_http_errors_are_problems_too(http: httpx.AsyncClient) -> None:
    missing = await http.get("/no-such-page")
    wrong_method = await http.delete("/commitments/x")

    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM_JSON
    assert missing.json() == {"type": "about:blank", "title": "Not Found", "status": 404}
    assert wrong_method.status_code == 405
    assert wrong_method.json()["title"] == "Method Not Allowed"
    assert "allow" in wrong_method.headers


async def test_healthz(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_unexpected_errors_are_500_problems_without_details(
    app: FastAPI, entra: FakeEntra
) -> None:
    class FailingDirectory:
        async def find(self, email: str) -> None:
            raise RuntimeError("the directory exploded with secrets inside")

    app.dependency_overrides[get_directory] = FailingDirectory
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC_URL, headers=entra.headers(MANAGER)
    ) as client:
        response = await client.post("/commitments", json=commitment())

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "/problems/internal-error"
    assert "secrets" not in response.text


def test_the_openapi_document_describes_the_problem_shape(app: FastAPI) -> None:
    document = app.openapi()

    assert "/commitments/{commitment_id}/check-ins" in document["paths"]
    assert not any(path.startswith("/a/") for path in document["paths"])
    create = document["paths"]["/commitments"]["post"]
    assert create["responses"]["422"]["content"][PROBLEM_JSON]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


async def test_an_oversized_body_is_413_before_anything_reads_it(http: httpx.AsyncClient) -> None:
    huge = commitment(description="x" * 70_000)

    declared = await http.post("/commitments", json=huge)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(80):
            yield b" " * 1024

    streamed = await http.post(
        "/commitments", content=chunks(), headers={"Content-Type": "application/json"}
    )

    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["type"] == "/problems/body-too-large"
        assert "xxxx" not in response.text


async def test_unknown_fields_and_wrong_types_are_422_naming_the_field(
    http: httpx.AsyncClient,
) -> None:
    unknown = await http.post("/commitments", json=commitment(priority="high"))
    wrong_type = await http.post("/commitments", json=commitment(title=42, cadence=[1]))
    not_json = await http.post(
        "/commitments", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert field_errors(unknown) == {"priority": "extra_forbidden"}
    assert field_errors(wrong_type) == {"title": "string_type", "cadence": "time_delta_type"}
    # Not JSON at all is a bad request, not a field at fault (tests/api/test_limits.py).
    assert not_json.status_code == 400
    assert not_json.json()["type"] == "/problems/malformed-json"

"""The web app's story page and forms: the same updates as the REST API, refused kindly."""

from __future__ import annotations

from datetime import timedelta

import httpx
from temporalio.client import Client

from tests.support.api import NOW, create_commitment
from tests.support.api_tokens import FakeEntra
from tests.support.app_journey import hidden_fields, local_input, sign_in, words
from tests.support.people import MANAGER, OMAR, SAM
from workflows.commitment.contracts import workflow_id_for


async def status_of(http: httpx.AsyncClient, commitment_id: str) -> str:
    return str((await http.get(f"/commitments/{commitment_id}")).json()["status"])


async def post_form(
    web: httpx.AsyncClient, commitment_id: str, action: str, **fields: str
) -> httpx.Response:
    story = await web.get(f"/app/commitments/{commitment_id}")
    assert story.status_code == 200, story.text
    target = f"/app/commitments/{commitment_id}/{action}"
    return await web.post(target, data={**hidden_fields(story.text, target), **fields})


async def test_the_owner_accepts_and_checks_in_through_the_workflows_updates(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra, temporal: Client
) -> None:
    commitment_id = await create_commitment(http)
    await sign_in(web, entra, SAM)

    accepted = await post_form(web, commitment_id, "accept")
    assert accepted.status_code == 303
    page = await web.get(accepted.headers["location"])
    assert "Thanks: you've accepted it." in words(page.text)
    assert await status_of(http, commitment_id) == "active"

    checked = await post_form(
        web, commitment_id, "check-in", answer="at_risk", note="Waiting on legal."
    )
    assert checked.status_code == 303
    story = words((await web.get(f"/app/commitments/{commitment_id}")).text)
    assert "At risk: “Waiting on legal.”" in story
    assert "Sam accepted the expectation" in story
    handle = temporal.get_workflow_handle(workflow_id_for(commitment_id))
    assert len(await handle.query("action_ids", result_type=list[str | None])) == 2


async def test_a_double_press_applies_once(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra, temporal: Client
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    await sign_in(web, entra, SAM)
    story = await web.get(f"/app/commitments/{commitment_id}")
    target = f"/app/commitments/{commitment_id}/check-in"
    fields = {**hidden_fields(story.text, target), "answer": "on_track"}

    first = await web.post(target, data=fields)
    second = await web.post(target, data=fields)

    assert first.status_code == 303
    # The second press comes from a page whose version has moved on: refused, nothing added.
    assert second.status_code == 409
    assert "changed since you opened the page" in words(second.text)
    check_ins = (await http.get(f"/commitments/{commitment_id}")).json()["check_ins"]
    assert [item["answer"] for item in check_ins] == ["on_track"]


async def test_a_stale_page_acting_on_a_changed_commitment_changes_nothing(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    await sign_in(web, entra, MANAGER)
    stale = await web.get(f"/app/commitments/{commitment_id}")
    target = f"/app/commitments/{commitment_id}/release"
    fields = hidden_fields(stale.text, target)
    # Meanwhile Sam marks it done through the API.
    done = await http.post(
        f"/commitments/{commitment_id}/complete", json={}, headers=entra.headers(SAM)
    )
    assert done.status_code == 200

    response = await web.post(target, data={**fields, "reason": "Plans changed."})

    assert response.status_code == 409
    text = words(response.text)
    assert "This commitment changed since you opened the page, so nothing was changed." in text
    assert "(done)" in text
    assert await status_of(http, commitment_id) == "done"


async def test_a_refused_action_is_explained_on_the_page(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    await sign_in(web, entra, SAM)

    story = await web.get(f"/app/commitments/{commitment_id}")
    fields = hidden_fields(story.text, f"/app/commitments/{commitment_id}/check-in")
    # No proposal is pending, so the page offers no agreement; a hand-made post still asks.
    response = await web.post(f"/app/commitments/{commitment_id}/agree-revision", data=fields)

    assert response.status_code == 409
    assert "There is no proposed change to agree to." in words(response.text)


async def test_a_past_date_in_a_revision_is_refused_kindly(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    await sign_in(web, entra, SAM)

    response = await post_form(
        web, commitment_id, "revise", new_due=local_input(NOW - timedelta(days=1))
    )

    assert response.status_code == 422
    assert "New date needs to be in the future." in words(response.text)
    assert (await http.get(f"/commitments/{commitment_id}")).json()["history"][-1]["kind"] == (
        "accepted"
    )


async def test_people_outside_the_chain_find_nothing(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http)
    await sign_in(web, entra, SAM)
    fields = hidden_fields(
        (await web.get(f"/app/commitments/{commitment_id}")).text,
        f"/app/commitments/{commitment_id}/accept",
    )
    await sign_in(web, entra, OMAR)

    page = await web.get(f"/app/commitments/{commitment_id}")
    assert page.status_code == 404
    assert "We can't find that commitment" in words(page.text)
    csrf = hidden_fields((await web.get("/app/commitments/new")).text, "/app/signout")["csrf"]
    response = await web.post(
        f"/app/commitments/{commitment_id}/accept", data={**fields, "csrf": csrf}
    )
    assert response.status_code == 404
    assert await status_of(http, commitment_id) == "awaiting_acceptance"


async def test_creating_from_the_form_starts_the_commitment(
    web: httpx.AsyncClient, entra: FakeEntra, http: httpx.AsyncClient
) -> None:
    await sign_in(web, entra, MANAGER)
    form = await web.get("/app/commitments/new")
    assert '<option value="sam.okafor@northwind.example">Sam Okafor</option>' in form.text
    fields = hidden_fields(form.text, "/app/commitments")
    body = {
        **fields,
        "owner": SAM,
        "title": "Tidy the wiki",
        "success_criteria": "Old pages archived.",
        "due": local_input(NOW + timedelta(days=10)),
    }

    created = await web.post("/app/commitments", data=body)
    again = await web.post("/app/commitments", data=body)

    assert created.status_code == again.status_code == 303
    assert created.headers["location"] == again.headers["location"]  # one commitment
    commitment_id = created.headers["location"].split("/")[-1].split("?")[0]
    assert (await http.get(f"/commitments/{commitment_id}")).json()["title"] == "Tidy the wiki"


async def test_unknown_owners_and_past_dates_are_refused_kindly(
    web: httpx.AsyncClient, entra: FakeEntra
) -> None:
    await sign_in(web, entra, MANAGER)
    fields = hidden_fields((await web.get("/app/commitments/new")).text, "/app/commitments")
    body = {
        **fields,
        "owner": "nobody@northwind.example",
        "title": "Tidy the wiki",
        "success_criteria": "Old pages archived.",
        "due": local_input(NOW - timedelta(days=1)),
    }

    response = await web.post("/app/commitments", data=body)

    assert response.status_code == 422
    text = words(response.text)
    assert "Nothing was sent yet." in text
    assert "Agreed date needs to be in the future." in text
    assert "Owner isn't someone we can find in the directory; please check the address." in text
    # What was typed is kept, so nothing needs typing again.
    assert 'value="Tidy the wiki"' in response.text

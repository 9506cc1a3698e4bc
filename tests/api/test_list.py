"""``GET /commitments``: Temporal visibility, scoped to the signed-in person, a page at a time.

These run on the session's real Temporal dev server (the time-skipping server cannot list by
search attributes). Other tests share that server, so each test puts its commitments' due
dates in a window of its own and lists only that window.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from integrations.temporal.codec import ENCODING
from tests.support.api import NOW, commitment
from tests.support.api_tokens import ADMIN_ROLE, FakeEntra
from tests.support.people import ADMIN, ELENA, JUN, MANAGER, OMAR, PRIYA, SAM
from tests.support.polling import eventually
from workflows.commitment.contracts import workflow_id_for


@pytest.fixture
def window() -> datetime:
    """The start of this test's own hour of due dates, years ahead of the fake clock."""
    return (NOW + timedelta(days=800, hours=secrets.randbelow(200_000))).replace(minute=0)


class Team:
    """Creates commitments in the test's window and lists them as someone."""

    def __init__(self, api: httpx.AsyncClient, entra: FakeEntra, window: datetime) -> None:
        self.api, self.entra, self.window = api, entra, window

    def headers(self, person: str) -> dict[str, str]:
        roles = (ADMIN_ROLE,) if person == ADMIN else ()
        return self.entra.headers(person, roles=roles)

    async def create(self, manager: str, owner: str, *, minute: int, title: str) -> str:
        due = (self.window + timedelta(minutes=minute)).isoformat()
        response = await self.api.post(
            "/commitments",
            json=commitment(owner=owner, manager=None, due=due, title=title),
            headers=self.headers(manager),
        )
        assert response.status_code == 201, response.text
        return str(response.json()["commitment_id"])

    async def page(self, person: str, **params: Any) -> httpx.Response:
        query = {
            "due_after": self.window.isoformat(),
            "due_before": (self.window + timedelta(hours=1)).isoformat(),
            **params,
        }
        return await self.api.get("/commitments", params=query, headers=self.headers(person))

    async def ids(self, person: str, **params: Any) -> set[str]:
        response = await self.page(person, **params)
        assert response.status_code == 200, response.text
        return {item["commitment_id"] for item in response.json()["items"]}


@pytest.fixture
async def team(list_api: httpx.AsyncClient, entra: FakeEntra, window: datetime) -> Team:
    return Team(list_api, entra, window)


async def test_each_person_lists_what_they_may_see(team: Team) -> None:
    sam_1 = await team.create(MANAGER, SAM, minute=1, title="Budget draft")
    sam_2 = await team.create(MANAGER, SAM, minute=2, title="Onboarding guide")
    priya = await team.create(MANAGER, PRIYA, minute=3, title="Churn analysis")
    elena = await team.create(OMAR, ELENA, minute=4, title="Support rota")
    everything = {sam_1, sam_2, priya, elena}

    await eventually(lambda: _equal(team.ids(ADMIN), everything))

    assert await team.ids(MANAGER) == {sam_1, sam_2, priya}
    assert await team.ids(SAM) == {sam_1, sam_2}
    assert await team.ids(PRIYA) == {priya}
    assert await team.ids(OMAR) == {elena}
    assert await team.ids(ELENA) == {elena}
    assert await team.ids(JUN) == set()
    # Filters narrow what one may see; they never widen it.
    assert await team.ids(MANAGER, owner=ELENA) == set()
    assert await team.ids(MANAGER, manager=OMAR) == set()
    assert await team.ids(ADMIN, manager=OMAR) == {elena}


async def _equal(ids: Any, expected: set[str]) -> bool:
    return bool(await ids == expected)


async def test_rows_carry_the_summary_and_filters_apply(team: Team) -> None:
    first = await team.create(MANAGER, SAM, minute=10, title="Budget draft")
    second = await team.create(MANAGER, SAM, minute=20, title="Quarterly review")
    accepted = await team.api.post(f"/commitments/{second}/accept", headers=team.headers(SAM))
    assert accepted.status_code == 200

    await eventually(lambda: _equal(team.ids(MANAGER, status="active"), {second}))

    response = await team.page(MANAGER, owner=SAM)
    rows = {row["commitment_id"]: row for row in response.json()["items"]}
    assert set(rows) == {first, second}
    assert rows[first]["title"] == "Budget draft"
    assert rows[first]["status"] == "awaiting_acceptance"
    assert rows[first]["owner"] == SAM
    assert rows[first]["manager"] == MANAGER
    assert datetime.fromisoformat(rows[first]["due"]) == team.window + timedelta(minutes=10)
    assert rows[first]["created_at"]
    later = (team.window + timedelta(minutes=15)).isoformat()
    assert await team.ids(MANAGER, due_after=later) == {second}
    assert await team.ids(MANAGER, status="awaiting_acceptance") == {first}


async def test_pages_are_stable_and_tokens_belong_to_their_list(team: Team) -> None:
    created = {await team.create(MANAGER, SAM, minute=i, title=f"Step {i}") for i in range(5)}
    await eventually(lambda: _equal(team.ids(MANAGER), created))

    seen: list[str] = []
    token = None
    pages = 0
    while True:
        params = {"page_size": 2, **({"page_token": token} if token else {})}
        response = await team.page(MANAGER, **params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["items"]) <= 2
        seen += [item["commitment_id"] for item in body["items"]]
        pages += 1
        token = body["next_page_token"]
        if token is None:
            break
    assert sorted(seen) == sorted(created)
    assert pages >= 3

    first = (await team.page(MANAGER, page_size=2)).json()
    other_list = await team.page(
        MANAGER, page_size=2, owner=SAM, page_token=first["next_page_token"]
    )
    other_person = await team.page(SAM, page_size=2, page_token=first["next_page_token"])
    garbage = await team.page(MANAGER, page_token="not-a-token")
    for response in (other_list, other_person, garbage):
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "page_token"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"status": "lost"}, "status"),
        ({"owner": "not-an-email"}, "owner"),
        ({"due_after": "2026-03-02T09:00:00"}, "due_after"),
        ({"due_before": "yesterday"}, "due_before"),
    ],
)
async def test_bad_filters_are_422_naming_the_parameter(
    team: Team, params: dict[str, Any], field: str
) -> None:
    response = await team.api.get("/commitments", params=params, headers=team.headers(MANAGER))

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["location"]) == (field, "query")


async def test_quotes_in_addresses_cannot_change_the_query(team: Team) -> None:
    mine = await team.create(MANAGER, SAM, minute=30, title="Budget draft")
    await eventually(lambda: _equal(team.ids(MANAGER), {mine}))

    # An apostrophe is valid in an address; it must stay inside the value it belongs to.
    quoted = await team.page(MANAGER, owner="o'brien@northwind.example")
    injected = await team.page(MANAGER, owner="x'or'1'='1@northwind.example")

    assert quoted.status_code == injected.status_code == 200, (quoted.text, injected.text)
    assert quoted.json()["items"] == injected.json()["items"] == []


async def test_the_title_in_the_memo_is_encrypted(
    team: Team, dev_server: WorkflowEnvironment
) -> None:
    commitment_id = await team.create(MANAGER, SAM, minute=40, title="Confidential reorg plan")

    handle = dev_server.client.get_workflow_handle(workflow_id_for(commitment_id))
    raw = (await handle.describe()).raw_description.workflow_execution_info.memo.fields["title"]

    assert raw.metadata["encoding"] == ENCODING
    assert b"Confidential" not in raw.SerializeToString()

"""Who may set whom an expectation through the API (issue 15, item 1).

Maya manages Sam and Priya; Omar manages Elena and Jun (tests/support/api.py).
"""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from fastapi import FastAPI

from api.config import ApiConfig
from api.dependencies import get_config
from domain.authorization import AuthorizationPolicy, ProjectLeadGrant
from tests.support.api import PROBLEM_JSON, commitment
from tests.support.api_tokens import FakeEntra
from tests.support.people import ADMIN, ELENA, JUN, MANAGER, PRIYA, SAM

LEADS_GROUP = "5b1e7c9d-0000-4000-8000-00000000lead"
FORBIDDEN_TYPE = "/problems/not-allowed-to-set-expectation"


def _with_groups(entra: FakeEntra, email: str, groups: list[str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {entra.token(email, groups=groups)}"}


def _assert_refused(response: httpx.Response, says: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == FORBIDDEN_TYPE
    assert problem["status"] == 403
    assert problem["title"] == "You can't set this person an expectation"
    assert says in problem["detail"]


async def test_someone_from_another_team_cannot_set_an_expectation(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    response = await http.post(
        "/commitments", json=commitment(manager=None), headers=entra.headers(JUN)
    )

    _assert_refused(response, "Only someone above this person")


async def test_a_peer_cannot_set_an_expectation(http: httpx.AsyncClient, entra: FakeEntra) -> None:
    response = await http.post(
        "/commitments", json=commitment(manager=None), headers=entra.headers(PRIYA)
    )

    _assert_refused(response, "Only someone above this person")


async def test_a_report_cannot_set_their_manager_an_expectation(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    response = await http.post(
        "/commitments",
        json=commitment(owner=MANAGER, manager=None),
        headers=entra.headers(SAM),
    )

    _assert_refused(response, "ask them for support")


async def test_the_manager_above_the_owner_can(http: httpx.AsyncClient) -> None:
    response = await http.post("/commitments", json=commitment())

    assert response.status_code == 201, response.text


async def test_an_admin_can_set_anyone_an_expectation(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    response = await http.post(
        "/commitments",
        json=commitment(owner=ELENA, manager=None),
        headers=entra.headers(ADMIN, roles=("Accord.Admin",)),
    )

    assert response.status_code == 201, response.text


@pytest.fixture
def lead_policy(app: FastAPI) -> None:
    """Members of the leads group may set Sam expectations."""
    config: ApiConfig = app.state.accord.config
    policy = AuthorizationPolicy(
        project_leads=(ProjectLeadGrant(group_id=LEADS_GROUP, people=frozenset({SAM})),)
    )
    app.dependency_overrides[get_config] = lambda: dataclasses.replace(config, authorization=policy)


@pytest.mark.usefixtures("lead_policy")
async def test_the_policy_lets_a_project_lead_in_its_group(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    as_lead = _with_groups(entra, JUN, [LEADS_GROUP.upper()])
    not_in_group = _with_groups(entra, JUN, ["another-group"])

    for_sam = await http.post("/commitments", json=commitment(manager=None), headers=as_lead)
    for_priya = await http.post(
        "/commitments", json=commitment(owner=PRIYA, manager=None), headers=as_lead
    )
    outside = await http.post("/commitments", json=commitment(manager=None), headers=not_in_group)

    assert for_sam.status_code == 201, for_sam.text
    _assert_refused(for_priya, "Only someone above this person")
    _assert_refused(outside, "Only someone above this person")

"""A policy file widens who may ask for project leads, by the Entra group Graph says they are in.

Issue 15: "A policy file can widen it for project leads (by Entra group)". Jun (Omar's team,
outside Sam's chain) is in the leads group only in the directory, not in his token: he may set
Sam an expectation; Priya, in no such group, may not. Graph is asked only when a grant could
matter.
"""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from fastapi import FastAPI

from api.auth import install_group_memberships
from api.config import ApiConfig
from api.dependencies import get_config
from domain.authorization import AuthorizationPolicy, ProjectLeadGrant
from tests.support.api import PROBLEM_JSON, commitment
from tests.support.api_tokens import FakeEntra
from tests.support.people import ELENA, JUN, MANAGER, PRIYA, SAM

LEADS = "9f0c2d1e-0000-4000-8000-0000000leads"


class DirectoryGroups:
    """Group membership as the directory holds it; counts who was asked about."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def groups_of(self, email: str) -> frozenset[str]:
        self.asked.append(email)
        return frozenset({LEADS}) if email == JUN else frozenset({"another-group"})


@pytest.fixture
def groups(app: FastAPI) -> DirectoryGroups:
    """The leads group may set Sam expectations; Jun is in it (in the directory only)."""
    config: ApiConfig = app.state.accord.config
    policy = AuthorizationPolicy(project_leads=(ProjectLeadGrant(LEADS, frozenset({SAM})),))
    app.dependency_overrides[get_config] = lambda: dataclasses.replace(config, authorization=policy)
    memberships = DirectoryGroups()
    install_group_memberships(app, memberships)
    return memberships


async def test_a_project_lead_in_the_group_sets_an_expectation_outside_their_chain(
    http: httpx.AsyncClient, entra: FakeEntra, groups: DirectoryGroups
) -> None:
    response = await http.post(
        "/commitments", json=commitment(manager=None), headers=entra.headers(JUN)
    )

    assert response.status_code == 201, response.text
    assert response.json()["manager"]["email"] == JUN
    assert groups.asked == [JUN]


async def test_someone_in_no_such_group_is_refused(
    http: httpx.AsyncClient, entra: FakeEntra, groups: DirectoryGroups
) -> None:
    response = await http.post(
        "/commitments", json=commitment(manager=None), headers=entra.headers(PRIYA)
    )

    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "/problems/not-allowed-to-set-expectation"
    assert groups.asked == [PRIYA]


async def test_the_directory_is_asked_only_when_a_grant_could_matter(
    http: httpx.AsyncClient, entra: FakeEntra, groups: DirectoryGroups
) -> None:
    # Maya is above Sam (no need); no grant names Elena (no group could help).
    by_manager = await http.post("/commitments", json=commitment(manager=None))
    for_elena = await http.post(
        "/commitments", json=commitment(owner=ELENA, manager=None), headers=entra.headers(JUN)
    )

    assert by_manager.status_code == 201, by_manager.text
    assert for_elena.status_code == 403, for_elena.text
    assert groups.asked == []
    assert MANAGER not in groups.asked

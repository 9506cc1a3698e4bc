"""Every action route asks the one policy before the commitment hears of it (issue 15).

The thin API layer of tests/domain/test_authorization_matrix.py: on Sam's commitment (Maya
manages Sam, Omar manages Maya), whoever the policy refuses gets a 403 problem saying who
can, and the commitment never hears of it; the rightful person gets past the policy.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.worker import Worker

from accord.settings import AccordSettings
from accord.wiring import api as api_root
from api.config import ApiConfig
from api.dependencies import get_config
from domain.action_links import LinkKeyRing
from domain.authorization import AuthorizationPolicy, ProjectLeadGrant
from tests.support.api import PROBLEM_JSON, FakeClock, FakeDirectory, create_commitment
from tests.support.api_tokens import FakeEntra
from tests.support.people import ADMIN, ELENA, JUN, LUKAS, MANAGER, OMAR, PRIYA, SAM

LEADS = "leads-group"
# (method, path after /commitments/{id}, body, whose action it is)
ROUTES: list[tuple[str, str, dict[str, Any], str]] = [
    ("POST", "/accept", {}, "owner"),
    ("POST", "/check-ins", {"answer": "on_track"}, "owner"),
    ("POST", "/complete", {}, "owner"),
    ("POST", "/revisions/accept", {}, "either"),
    ("PATCH", "", {"title": "A new title"}, "manager"),
    ("POST", "/release", {}, "manager"),
    ("POST", "/conversations", {}, "manager"),
]
OUTSIDERS = {
    "skip-level manager": OMAR,
    "peer": PRIYA,
    "report": LUKAS,
    "project lead": JUN,
    "stranger": ELENA,
    "admin": ADMIN,
}


@pytest.fixture
def app(
    settings: AccordSettings,
    temporal: Client,
    links: LinkKeyRing,
    clock: FakeClock,
    stub_worker: Worker,
    entra: FakeEntra,
) -> FastAPI:
    """The API where Omar is Maya's manager, Lukas reports to Sam, and Jun leads for Sam."""
    directory = FakeDirectory()
    directory.managers.update({MANAGER: OMAR, LUKAS: SAM})
    app = api_root.build_app(
        settings=settings,
        temporal=temporal,
        links=links,
        directory=directory,
        clock=clock,
        org=directory,
        validator=entra.validator(),
    )
    config: ApiConfig = app.state.accord.config
    policy = AuthorizationPolicy(project_leads=(ProjectLeadGrant(LEADS, frozenset({SAM})),))
    app.dependency_overrides[get_config] = lambda: dataclasses.replace(config, authorization=policy)
    return app


def _headers(entra: FakeEntra, who: str) -> dict[str, str]:
    if who == ADMIN:
        return entra.headers(ADMIN, roles=("Accord.Admin",))
    return {"Authorization": f"Bearer {entra.token(who, groups=[LEADS])}"}


async def test_no_one_but_its_two_people_acts_on_a_commitment(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    sams = await create_commitment(http)
    refused: set[str] = set()

    for method, path, body, _whose in ROUTES:
        for role, person in OUTSIDERS.items():
            response = await http.request(
                method, f"/commitments/{sams}{path}", json=body, headers=_headers(entra, person)
            )
            if response.status_code == 404:
                # Those who may not see it are not told it exists (the peer, the stranger...).
                continue
            assert response.status_code == 403, (role, path, response.text)
            assert response.headers["content-type"] == PROBLEM_JSON
            assert response.json()["type"] == "/problems/not-allowed"
            assert "Only the two people" in response.json()["detail"]
            refused.add(role)

    # Those who see it (above Sam, or an admin) are refused by the policy, not the workflow.
    assert refused == {"skip-level manager", "admin"}
    still = await http.get(f"/commitments/{sams}")
    assert still.json()["status"] == "awaiting_acceptance"


@pytest.mark.parametrize(("method", "path", "body", "whose"), ROUTES)
async def test_each_person_acts_only_on_their_part(
    http: httpx.AsyncClient,
    entra: FakeEntra,
    method: str,
    path: str,
    body: dict[str, Any],
    whose: str,
) -> None:
    sams = await create_commitment(http)
    as_owner = await http.request(
        method, f"/commitments/{sams}{path}", json=body, headers=entra.headers(SAM)
    )
    as_manager = await http.request(method, f"/commitments/{sams}{path}", json=body)

    # Past the policy, the commitment itself may still refuse (409: not its moment).
    assert (as_owner.status_code == 403) is (whose == "manager"), as_owner.text
    assert (as_manager.status_code == 403) is (whose == "owner"), as_manager.text
    for refused in (r for r in (as_owner, as_manager) if r.status_code == 403):
        assert refused.json()["type"] == "/problems/not-allowed"

"""GET/PUT /people/me/digest and GET /people/{email}/reliability: who may see and change what."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time

import httpx
import pytest
from fastapi import FastAPI

from domain.digest import DigestTiming
from tests.support.api import PUBLIC_URL, FakeSchedules
from tests.support.api_tokens import ADMIN_ROLE, FakeEntra
from tests.support.people import ADMIN, MANAGER, OMAR, PRIYA, SAM

ZONE = "Europe/London"


@pytest.fixture
async def api(digest_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=digest_app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        yield client


async def test_a_manager_sees_the_default_before_any_schedule(
    api: httpx.AsyncClient, entra: FakeEntra
) -> None:
    response = await api.get("/people/me/digest", headers=entra.headers(MANAGER))
    assert response.status_code == 200
    body = response.json()
    assert body["scheduled"] is False
    assert (body["enabled"], body["day"], body["time"], body["time_zone"]) == (
        True,
        "monday",
        "09:00",
        ZONE,
    )
    # NOW is Monday 2 March 2026, 09:00 UTC (09:00 in London): the next one is a week on.
    assert body["next_send"] == "2026-03-09T09:00:00Z"


async def test_a_manager_turns_the_digest_off_and_moves_it(
    api: httpx.AsyncClient, entra: FakeEntra, schedules: FakeSchedules
) -> None:
    headers = entra.headers(MANAGER)
    off = await api.put("/people/me/digest", json={"enabled": False}, headers=headers)
    assert off.status_code == 200
    assert off.json()["enabled"] is False
    assert off.json()["next_send"] is None
    assert schedules.saved[MANAGER].enabled is False
    moved = await api.put(
        "/people/me/digest",
        json={"enabled": True, "day": "thursday", "time": "14:30"},
        headers=headers,
    )
    assert moved.status_code == 200
    shown = (await api.get("/people/me/digest", headers=headers)).json()
    assert (shown["scheduled"], shown["enabled"], shown["day"], shown["time"]) == (
        True,
        True,
        "thursday",
        "14:30",
    )
    assert schedules.saved[MANAGER].timing == DigestTiming(day="thursday", at=time(14, 30))
    assert set(schedules.saved) == {MANAGER}


@pytest.mark.parametrize(
    ("change", "field", "kind"),
    [
        ({"time": "20:00"}, "time", "outside_working_hours"),
        ({"day": "sunday"}, "day", "outside_working_hours"),
        ({"time": "9am"}, "time", "string_pattern_mismatch"),
        ({"day": "someday"}, "day", "literal_error"),
        ({"hour": 9}, "hour", "extra_forbidden"),
    ],
)
async def test_a_time_outside_working_hours_or_bad_input_is_refused(
    api: httpx.AsyncClient,
    entra: FakeEntra,
    schedules: FakeSchedules,
    change: dict[str, object],
    field: str,
    kind: str,
) -> None:
    response = await api.put(
        "/people/me/digest", json={"enabled": True, **change}, headers=entra.headers(MANAGER)
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert (error["field"], error["type"]) == (field, kind)
    if kind == "outside_working_hours":
        assert "09:00-17:00" in error["message"]
    assert schedules.saved == {}


async def test_the_digest_settings_need_sign_in(api: httpx.AsyncClient) -> None:
    assert (await api.get("/people/me/digest")).status_code == 401
    assert (await api.put("/people/me/digest", json={"enabled": False})).status_code == 401


@pytest.mark.parametrize(
    ("viewer", "roles"),
    [(SAM, ()), (MANAGER, ()), (ADMIN, (ADMIN_ROLE,))],
)
async def test_the_person_their_manager_and_admins_see_the_history(
    api: httpx.AsyncClient, entra: FakeEntra, viewer: str, roles: tuple[str, ...]
) -> None:
    response = await api.get(
        f"/people/{SAM.upper()}/reliability?weeks=4", headers=entra.headers(viewer, roles=roles)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["email"] == SAM
    assert body["trend"] == "not_enough_history"
    assert len(body["weeks"]) == 4
    assert (body["on_time"], body["slips"], body["on_time_rate"]) == (1, 0, 1.0)
    assert [note["reason"] for note in body["revisions"]] == ["Finance needed another week"]
    assert "score" not in body


@pytest.mark.parametrize("viewer", [PRIYA, OMAR])
async def test_a_colleague_or_another_teams_manager_may_not_see_it(
    api: httpx.AsyncClient, entra: FakeEntra, viewer: str
) -> None:
    response = await api.get(f"/people/{SAM}/reliability", headers=entra.headers(viewer))
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"
    assert "Draft the Q1 budget" not in response.text


async def test_unknown_people_and_bad_input_get_clear_answers(
    api: httpx.AsyncClient, entra: FakeEntra
) -> None:
    admin = entra.headers(ADMIN, roles=(ADMIN_ROLE,))
    missing = await api.get("/people/nobody@northwind.example/reliability", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/person-not-found"
    assert (await api.get(f"/people/{SAM}/reliability?weeks=0", headers=admin)).status_code == 422
    assert (await api.get("/people/not-an-email/reliability", headers=admin)).status_code == 422
    assert (await api.get(f"/people/{SAM}/reliability")).status_code == 401
    unknown = await api.get(f"/people/{SAM}/reliability?week=3", headers=admin)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["type"] == "extra_forbidden"


async def test_without_digest_services_the_routes_answer_503(
    app: FastAPI, entra: FakeEntra
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        response = await client.get("/people/me/digest", headers=entra.headers(MANAGER))
    assert response.status_code == 503
    assert response.json()["type"] == "/problems/unavailable"

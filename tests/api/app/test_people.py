"""`/app/me` and `/app/people/{email}`: a private trend, and settings via the API's checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client

from accord.settings import AccordSettings
from api.digest_services import install_digest
from api.routers.app_people import get_people_store
from domain.action_links import LinkKeyRing
from domain.models import Actor, CommitmentStatus, HistoryEntry, Person
from domain.preferences import Channel, PersonRecord
from domain.reliability import CommitmentFacts
from domain.support import CommitmentKind
from tests.support.api import (
    NOW,
    PUBLIC_URL,
    FakeClock,
    FakeFacts,
    FakeMailboxes,
    FakeSchedules,
    build_app,
    sams_commitment,
)
from tests.support.api_tokens import FakeEntra
from tests.support.app_journey import hidden_fields, sign_in, words
from tests.support.people import MANAGER, OMAR, PRIYA, SAM
from workflows.person.client import PreferenceRejectedError

MAYA_PERSON = Person(email=MANAGER, display_name="Maya Chen")
SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")


def _promise(
    number: int, owner: Person, status: CommitmentStatus, done_at: datetime | None
) -> CommitmentFacts:
    """Support ``owner`` promised, due two days ago (done then, later, or not yet)."""
    due = NOW - timedelta(days=2)
    kind = "done_on_time" if done_at is not None and done_at <= due else "done_late"
    history = [] if done_at is None else [HistoryEntry(at=done_at, actor=Actor.OWNER, kind=kind)]
    return CommitmentFacts(
        commitment_id=f"p{number}",
        title="Time with finance",
        owner=owner,
        manager=Person(email=PRIYA, display_name="Priya Raman"),
        kind=CommitmentKind.SUPPORT,
        status=status,
        due=due,
        created_at=NOW - timedelta(days=6),
        completed_at=done_at,
        history=history,
    )


@pytest.fixture
def digest_app(
    settings: AccordSettings,
    temporal: Client,
    links: LinkKeyRing,
    clock: FakeClock,
    entra: FakeEntra,
    schedules: FakeSchedules,
) -> FastAPI:
    """The API on stand-ins: Sam's finished work; Maya's promises kept, kept late and open."""
    app = build_app(settings, temporal, links, clock, entra)
    facts = [
        sams_commitment(),
        _promise(1, MAYA_PERSON, CommitmentStatus.DONE, NOW - timedelta(days=3)),
        _promise(2, MAYA_PERSON, CommitmentStatus.DONE, NOW - timedelta(days=1)),
        _promise(3, MAYA_PERSON, CommitmentStatus.ACTIVE, None),
        _promise(4, SAM_PERSON, CommitmentStatus.DONE, NOW - timedelta(days=3)),
    ]
    install_digest(app, mailboxes=FakeMailboxes(), schedules=schedules, facts=FakeFacts(facts))
    return app


@dataclass
class FakePeople:
    """Channel choices in a dict; Teams is refused, as it is before the app is installed."""

    records: dict[str, PersonRecord] = field(default_factory=dict)

    async def get(self, email: str) -> PersonRecord:
        return self.records.get(email, PersonRecord(email=email))

    async def set_channel(self, email: str, channel: Channel) -> PersonRecord:
        if channel is Channel.TEAMS:
            raise PreferenceRejectedError("Add the Accord app in Teams first, then choose Teams.")
        self.records[email] = PersonRecord(email=email, channel=channel)
        return self.records[email]

    async def set_agenda_copy(self, email: str, wanted: bool) -> PersonRecord:
        record = await self.get(email)
        self.records[email] = record.model_copy(update={"agenda_copy": wanted})
        return self.records[email]


@pytest.fixture
def people(digest_app: FastAPI) -> FakePeople:
    store = FakePeople()
    digest_app.dependency_overrides[get_people_store] = lambda: store
    return store


@pytest.fixture
async def web(digest_app: FastAPI, people: FakePeople) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=digest_app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as client:
        yield client


async def test_the_trend_is_for_the_person_and_their_manager_only(
    web: httpx.AsyncClient, entra: FakeEntra
) -> None:
    await sign_in(web, entra, SAM)
    own = await web.get("/app/me")
    assert own.status_code == 200
    assert "Only you and your manager can see this." in words(own.text)
    assert "Week by week" in own.text

    await sign_in(web, entra, MANAGER)
    assert (await web.get(f"/app/people/{SAM}")).status_code == 200

    await sign_in(web, entra, OMAR)
    page = await web.get(f"/app/people/{SAM}")
    assert page.status_code == 404
    assert "Week by week" not in page.text


async def test_managers_move_their_digest_within_working_hours(
    web: httpx.AsyncClient, entra: FakeEntra, schedules: FakeSchedules
) -> None:
    await sign_in(web, entra, MANAGER)
    fields = hidden_fields((await web.get("/app/me")).text, "/app/me/digest")

    refused = await web.post(
        "/app/me/digest", data={**fields, "enabled": "1", "day": "saturday", "time": "09:00"}
    )
    assert refused.status_code == 422
    assert "outside your working hours" in words(refused.text)
    assert schedules.saved == {}

    saved = await web.post(
        "/app/me/digest", data={**fields, "enabled": "1", "day": "tuesday", "time": "10:00"}
    )
    assert saved.status_code == 303
    assert schedules.saved[MANAGER].timing.day == "tuesday"


async def test_people_choose_where_messages_go_and_hear_why_not(
    web: httpx.AsyncClient, entra: FakeEntra, people: FakePeople
) -> None:
    await sign_in(web, entra, SAM)
    page = await web.get("/app/me")
    assert "Until you choose, your organisation's default is used." in words(page.text)
    fields = hidden_fields(page.text, "/app/me/channel")

    refused = await web.post("/app/me/channel", data={**fields, "channel": "teams"})
    assert refused.status_code == 422
    assert "Add the Accord app in Teams first" in words(refused.text)
    assert SAM not in people.records

    saved = await web.post("/app/me/channel", data={**fields, "channel": "both"})
    assert saved.status_code == 303
    assert people.records[SAM].channel is Channel.BOTH
    assert 'value="both" checked' in (await web.get("/app/me")).text


async def test_support_trend_what_you_promised_your_team_is_yours(
    web: httpx.AsyncClient, entra: FakeEntra
) -> None:
    await sign_in(web, entra, MANAGER)
    own = words((await web.get("/app/me")).text)
    assert "What you promised your team" in own
    assert "Kept 1 Kept, a little after the date 1 Open 1" in own
    # Sam promised support too, but by default his manager does not see that mirror.
    sams = await web.get(f"/app/people/{SAM}")
    assert sams.status_code == 200
    assert "promised" not in words(sams.text)

    await sign_in(web, entra, SAM)
    assert "What you promised your team Only you" in words((await web.get("/app/me")).text)


async def test_agenda_copy_opt_in_from_the_app_and_the_api(
    web: httpx.AsyncClient, entra: FakeEntra, people: FakePeople
) -> None:
    await sign_in(web, entra, SAM)
    page = await web.get("/app/me")
    label = "Send me a copy of the agenda before each regular 1:1 with my manager"
    assert label in words(page.text)
    assert 'name="wanted" value="1" checked' not in page.text
    fields = hidden_fields(page.text, "/app/me/agenda-copy")

    saved = await web.post("/app/me/agenda-copy", data={**fields, "wanted": "1"})
    assert saved.status_code == 303
    assert people.records[SAM].agenda_copy is True
    assert 'name="wanted" value="1" checked' in (await web.get("/app/me")).text
    # Unticked, the box sends nothing: the copy stops.
    assert (await web.post("/app/me/agenda-copy", data=fields)).status_code == 303
    assert people.records[SAM].agenda_copy is False

    # The same choice through the REST API.
    put = await web.put("/people/me/agenda-copy", json={"wanted": True}, headers=entra.headers(SAM))
    assert put.status_code == 200, put.text
    assert put.json() == {"wanted": True}
    assert people.records[SAM].agenda_copy is True
    bad = await web.put(
        "/people/me/agenda-copy", json={"wanted": "yes please"}, headers=entra.headers(SAM)
    )
    assert bad.status_code == 422
    assert (await web.put("/people/me/agenda-copy", json={"wanted": True})).status_code == 401

    # Someone with no manager has no regular 1:1 with one: no box.
    await sign_in(web, entra, MANAGER)
    assert label not in words((await web.get("/app/me")).text)

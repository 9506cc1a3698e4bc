"""The API in tests: fakes it is built on, building it, and requests and pages to check."""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

import httpx
from fastapi import FastAPI
from temporalio.client import Client

from accord.settings import AccordSettings
from accord.wiring import api as api_root
from api.app import utc_now
from domain.action_links import ActionClaims, LinkAction, LinkKeyRing
from domain.digest import DigestTiming
from domain.models import Actor, CommitmentStatus, HistoryEntry, Person, Revision
from domain.reliability import CommitmentFacts
from domain.working_time import WEEKDAYS, PersonSchedule, WorkingHours
from tests.support.api_tokens import FakeEntra
from tests.support.people import ADMIN, ELENA, JUN, MANAGER, OMAR, PRIYA, SAM
from workflows.digest.client import DigestScheduleState

PUBLIC_URL = "https://accord.test"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@dataclass
class FakeDirectory:
    """The demo people and who manages whom, as the API's directory and org chart."""

    people: dict[str, Person] = field(
        default_factory=lambda: {
            person.email: person
            for person in (
                Person(email=MANAGER, display_name="Maya Chen"),
                Person(email=SAM, display_name="Sam Okafor"),
                Person(email=PRIYA, display_name="Priya Raman"),
                Person(email=OMAR, display_name="Omar Haddad"),
                Person(email=ELENA, display_name="Elena Rossi"),
                Person(email=JUN, display_name="Jun Park"),
                Person(email=ADMIN, display_name="Ines Alvarez"),
            )
        }
    )
    # Two teams: Maya manages Sam and Priya, Omar manages Elena and Jun.
    managers: dict[str, str] = field(
        default_factory=lambda: {SAM: MANAGER, PRIYA: MANAGER, ELENA: OMAR, JUN: OMAR}
    )

    async def find(self, email: str) -> Person | None:
        return self.people.get(email)

    async def manager_of(self, email: str) -> str | None:
        return self.managers.get(email)

    async def reports_of(self, email: str) -> list[str]:
        return [person for person, manager in self.managers.items() if manager == email]


def build_app(
    settings: AccordSettings,
    temporal: Client,
    links: LinkKeyRing,
    clock: FakeClock,
    entra: FakeEntra,
) -> FastAPI:
    """The API on ``temporal`` with the fake directory (also the org chart) and clock."""
    directory = FakeDirectory()
    return api_root.build_app(
        settings=settings,
        temporal=temporal,
        links=links,
        directory=directory,
        clock=clock,
        org=directory,
        validator=entra.validator(),
    )


def app_without_temporal(entra: FakeEntra, clock: FakeClock | None = None) -> FastAPI:
    """The API with no Temporal client, for routes that never reach it (the add-in's)."""
    directory = FakeDirectory()
    return api_root.build_app(
        settings=AccordSettings(public_url=PUBLIC_URL),
        temporal=cast(Client, None),
        links=LinkKeyRing([b"k" * 32]),
        directory=directory,
        org=directory,
        validator=entra.validator(),
        clock=clock or utc_now,
    )


PROBLEM_JSON = "application/problem+json"


def commitment(**changes: Any) -> dict[str, Any]:
    """A ``POST /commitments`` body, Maya to Sam; ``changes`` replace fields (``None`` drops)."""
    body: dict[str, Any] = {
        "title": "Publish the onboarding guide",
        "description": "For the spring hires.",
        "success_criteria": "On the wiki, reviewed by two leads.",
        "owner": SAM,
        "manager": MANAGER,
        "due": (NOW + timedelta(days=14)).isoformat(),
        "cadence": "P7D",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


async def create_commitment(
    http: httpx.AsyncClient, *, accept_as: dict[str, str] | None = None, **changes: str
) -> str:
    """Create a commitment as Maya; with ``accept_as`` (the owner's headers), accept it too."""
    response = await http.post("/commitments", json=commitment(**changes))
    assert response.status_code == 201, response.text
    commitment_id = str(response.json()["commitment_id"])
    if accept_as is not None:
        accept = await http.post(f"/commitments/{commitment_id}/accept", headers=accept_as)
        assert accept.status_code == 200
    return commitment_id


def field_errors(response: httpx.Response) -> dict[str, str]:
    """The field errors of a 422 problem, by field (checking the problem's shape on the way)."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == 422
    assert problem["type"] == "/problems/validation-error"
    assert problem["title"]
    return {error["field"]: error["type"] for error in problem["errors"]}


def link(
    ring: LinkKeyRing,
    commitment_id: str,
    action: LinkAction,
    *,
    person: str = SAM,
    expires_in: timedelta = timedelta(days=21),
) -> str:
    """The path of a signed action link."""
    claims = ActionClaims(
        commitment_id=commitment_id,
        person=person,
        action=action,
        link_id=str(uuid.uuid4()),
        expires_at=NOW + expires_in,
    )
    return f"/a/{ring.sign(claims)}"


def text_of(response: httpx.Response) -> str:
    """The page's words, tags removed, so assertions read like what a person sees."""
    body = response.text.split("<body>", 1)[-1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# --- The digest's and reliability's stand-ins ------------------------------------------------

DIGEST_ZONE = "Europe/London"


def _office_hours() -> PersonSchedule:
    return PersonSchedule(
        time_zone=DIGEST_ZONE,
        working_hours=WorkingHours(
            days_of_week=WEEKDAYS[:5], start_time=time(9), end_time=time(17), time_zone=DIGEST_ZONE
        ),
    )


class FakeMailboxes:
    """Everyone works nine to five in London."""

    async def schedule_of(self, email: str) -> PersonSchedule:
        return _office_hours()


@dataclass
class FakeSchedules:
    """Digest schedules kept in a dict."""

    saved: dict[str, DigestScheduleState] = field(default_factory=dict)

    async def read(self, manager: str) -> DigestScheduleState | None:
        return self.saved.get(manager)

    async def save(
        self, manager: str, *, timing: DigestTiming, time_zone: str, enabled: bool
    ) -> DigestScheduleState:
        state = DigestScheduleState(
            manager=manager, enabled=enabled, timing=timing, time_zone=time_zone
        )
        self.saved[manager] = state
        return state


@dataclass
class FakeFacts:
    """Commitment facts given up front; records what was asked."""

    facts: list[CommitmentFacts] = field(default_factory=list)
    asked: list[tuple[str, datetime]] = field(default_factory=list)

    async def owned_by(self, email: str, since: datetime) -> list[CommitmentFacts]:
        self.asked.append((email, since))
        return [item for item in self.facts if item.owner.email == email]


def sams_commitment() -> CommitmentFacts:
    """Sam's commitment to Maya: revised once, then done on time three days ago."""
    done_at = NOW - timedelta(days=3)
    return CommitmentFacts(
        commitment_id="c1",
        title="Draft the Q1 budget",
        owner=Person(email=SAM, display_name="Sam Okafor"),
        manager=Person(email=MANAGER, display_name="Maya Chen"),
        status=CommitmentStatus.DONE,
        due=NOW - timedelta(days=2),
        created_at=NOW - timedelta(days=20),
        completed_at=done_at,
        history=[HistoryEntry(at=done_at, actor=Actor.OWNER, kind="done_on_time")],
        revisions=[
            Revision(
                old_due=NOW - timedelta(days=9),
                new_due=NOW - timedelta(days=2),
                old_scope="All regions",
                new_scope="All regions",
                reason="Finance needed another week",
                proposed_by=Actor.OWNER,
                accepted_by=Actor.MANAGER,
                at=NOW - timedelta(days=10),
            )
        ],
    )

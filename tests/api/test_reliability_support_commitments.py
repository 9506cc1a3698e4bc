"""The trend of the support someone promised their team: theirs alone, unless shared upward."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import cast

import httpx
import pytest
from temporalio.client import Client

from accord.settings import AccordSettings
from api.digest_services import install_digest
from domain.action_links import LinkKeyRing
from domain.models import Actor, CommitmentStatus, HistoryEntry, Person
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
from tests.support.api_tokens import ADMIN_ROLE, FakeEntra
from tests.support.people import ADMIN, MANAGER, PRIYA, SAM


def _sams_promise() -> CommitmentFacts:
    """Support Sam promised someone he leads, kept a day late (a slip, plainly counted)."""
    done_at = NOW - timedelta(days=1)
    return CommitmentFacts(
        commitment_id="s1",
        title="Pair on the EMEA data",
        owner=Person(email=SAM, display_name="Sam Okafor"),
        manager=Person(email=PRIYA, display_name="Priya Raman"),
        kind=CommitmentKind.SUPPORT,
        status=CommitmentStatus.DONE,
        due=NOW - timedelta(days=2),
        created_at=NOW - timedelta(days=6),
        completed_at=done_at,
        history=[HistoryEntry(at=done_at, actor=Actor.OWNER, kind="done_late")],
    )


async def _api(entra: FakeEntra, *, shared: bool) -> AsyncIterator[httpx.AsyncClient]:
    settings = AccordSettings(public_url=PUBLIC_URL, api_support_trend_to_manager=shared)
    # The route reads facts from its stand-in, never from Temporal.
    app = build_app(settings, cast(Client, None), LinkKeyRing([b"k" * 32]), FakeClock(), entra)
    facts = FakeFacts([sams_commitment(), _sams_promise()])
    install_digest(app, mailboxes=FakeMailboxes(), schedules=FakeSchedules(), facts=facts)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL
    ) as client:
        yield client


@pytest.fixture
async def private(entra: FakeEntra) -> AsyncIterator[httpx.AsyncClient]:
    """The API as deployed by default: the trend of promises is the person's alone."""
    async for client in _api(entra, shared=False):
        yield client


@pytest.fixture
async def shared(entra: FakeEntra) -> AsyncIterator[httpx.AsyncClient]:
    """The API of an organisation that shows it to the person's own manager."""
    async for client in _api(entra, shared=True):
        yield client


async def test_support_commitment_trend_is_the_promisers_own(
    private: httpx.AsyncClient, entra: FakeEntra
) -> None:
    url = f"/people/{SAM}/reliability?weeks=2"

    own = (await private.get(url, headers=entra.headers(SAM))).json()
    managers = (await private.get(url, headers=entra.headers(MANAGER))).json()
    admins = (await private.get(url, headers=entra.headers(ADMIN, roles=(ADMIN_ROLE,)))).json()

    # His own work counts as before; his promise is not part of it.
    assert (own["on_time"], own["slips"]) == (1, 0)
    assert (own["promised"]["on_time"], own["promised"]["slips"]) == (0, 1)
    assert managers["promised"] is None
    assert admins["promised"] is None
    assert (managers["on_time"], managers["slips"]) == (1, 0)


async def test_support_commitment_trend_reaches_the_manager_when_the_organisation_says_so(
    shared: httpx.AsyncClient, entra: FakeEntra
) -> None:
    url = f"/people/{SAM}/reliability?weeks=2"

    managers = (await shared.get(url, headers=entra.headers(MANAGER))).json()
    admins = (await shared.get(url, headers=entra.headers(ADMIN, roles=(ADMIN_ROLE,)))).json()

    assert managers["promised"]["slips"] == 1
    assert admins["promised"] is None

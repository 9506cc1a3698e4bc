"""Paths people take that the lifecycle once broke, through the API and links, on the real workflow.

An owner who accepted asks for more time and the manager agrees (and the other way round);
one answer per check-in link; an ``Idempotency-Key`` belongs to the person who sent it.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from accord.settings import AccordSettings
from domain.action_links import ActionClaims, LinkAction, LinkKeyRing
from domain.models import Person
from tests.support.api import NOW, PUBLIC_URL, FakeClock, build_app, text_of
from tests.support.api_tokens import FakeEntra
from tests.support.lifecycle import Lifecycle, act, spec_for
from tests.support.people import MANAGER, SAM
from tests.support.polling import when_time_has_passed
from workflows.commitment.contracts import ActorAction, CommitmentView
from workflows.commitment.workflow import CommitmentWorkflow

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
REASON = "The finance data arrived late."


@pytest.fixture
def ring() -> LinkKeyRing:
    """The links' key ring of this module's API."""
    return LinkKeyRing([secrets.token_bytes(32)])


@pytest.fixture
async def api(
    lifecycle: Lifecycle, ring: LinkKeyRing, entra: FakeEntra
) -> AsyncIterator[httpx.AsyncClient]:
    """The API on the lifecycle's server and task queue, signed in as Maya (the manager)."""
    settings = AccordSettings(public_url=PUBLIC_URL, temporal_task_queue=lifecycle.task_queue)
    app = build_app(settings, lifecycle.client, ring, FakeClock(), entra)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=PUBLIC_URL,
        headers=entra.headers(MANAGER),
    ) as client:
        yield client


async def _accepted(lifecycle: Lifecycle) -> str:
    handle = await lifecycle.start(spec_for(SAM_PERSON, lifecycle.now + timedelta(days=10)))
    _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    return handle.id.removeprefix("commitment-")


def _link(
    ring: LinkKeyRing, commitment_id: str, action: LinkAction, person: str, link_id: str
) -> str:
    claims = ActionClaims(
        commitment_id=commitment_id,
        person=person,
        action=action,
        link_id=link_id,
        expires_at=NOW + timedelta(days=21),
    )
    return f"/a/{ring.sign(claims)}"


def _check_in_link(ring: LinkKeyRing, commitment_id: str, sequence: int, answer: str) -> str:
    # The id a check-in message's link carries: the message's sequence number, then the field.
    link_id = f"{commitment_id}:{sequence}:check_in:{answer}_url"
    return _link(ring, commitment_id, LinkAction(f"check_in_{answer}"), SAM, link_id)


async def _view(lifecycle: Lifecycle, commitment_id: str) -> CommitmentView:
    handle = lifecycle.client.get_workflow_handle(f"commitment-{commitment_id}")
    view: CommitmentView = await handle.query(CommitmentWorkflow.view)
    return view


async def _sent(lifecycle: Lifecycle, commitment_id: str, kind: str, n: int) -> Any:
    async def enough() -> CommitmentView | None:
        view = await _view(lifecycle, commitment_id)
        sent = [entry for entry in view.history if entry.kind == f"sent:{kind}"]
        return view if len(sent) >= n else None

    # Each person hears in their own hours, whatever the weekday the test started on.
    return await when_time_has_passed(lifecycle.env, enough, within=timedelta(days=7))


async def _end(lifecycle: Lifecycle, commitment_id: str) -> None:
    # Ended, so its timers do not hold up the next test's time skipping.
    handle = lifecycle.client.get_workflow_handle(f"commitment-{commitment_id}")
    await handle.terminate("the test is over")


@pytest.mark.parametrize("proposer", ["owner", "manager"])
async def test_more_time_asked_after_accepting_is_agreed_by_the_other_person(
    lifecycle: Lifecycle,
    api: httpx.AsyncClient,
    ring: LinkKeyRing,
    entra: FakeEntra,
    proposer: str,
) -> None:
    commitment_id = await _accepted(lifecycle)
    old_due = (await _view(lifecycle, commitment_id)).spec.due
    new_due = old_due + timedelta(days=7)
    sam, maya = entra.headers(SAM), entra.headers(MANAGER)
    proposing, agreeing = (sam, MANAGER) if proposer == "owner" else (maya, SAM)

    proposed = await api.post(
        f"/commitments/{commitment_id}/revisions",
        json={"new_due": new_due.isoformat(), "reason": REASON},
        headers=proposing,
    )
    assert proposed.status_code == 200, proposed.text
    if proposer == "owner":
        # The manager agrees in the API; the owner below, with the email's link.
        agreed = await api.post(f"/commitments/{commitment_id}/revisions/accept", headers=maya)
        assert agreed.status_code == 200, agreed.text
    else:
        page = await api.post(
            _link(ring, commitment_id, LinkAction.ACCEPT_REVISION, agreeing, f"{commitment_id}:9")
        )
        assert page.status_code == 200, text_of(page)
        assert "the change is agreed" in text_of(page)

    view = await _view(lifecycle, commitment_id)
    assert view.status.value == "active"
    assert view.spec.due == new_due
    assert view.pending_revision is None
    (revision,) = view.revisions
    assert (revision.old_due, revision.new_due, revision.reason) == (old_due, new_due, REASON)
    assert revision.proposed_by.value == proposer
    assert revision.accepted_by.value != proposer
    (entry,) = [entry for entry in view.history if entry.kind == "revision_agreed"]
    for told in (old_due.isoformat(), new_due.isoformat(), REASON, f"proposed by the {proposer}"):
        assert told in entry.detail
    await _sent(lifecycle, commitment_id, "revision_agreed", 2)
    await _end(lifecycle, commitment_id)


async def test_a_check_in_link_answers_once_and_an_older_link_is_already_answered(
    lifecycle: Lifecycle, api: httpx.AsyncClient, ring: LinkKeyRing
) -> None:
    commitment_id = await _accepted(lifecycle)
    newer = _check_in_link(ring, commitment_id, 5, "at_risk")

    with_note = await api.post(newer, data={"note": "Finance data is late."})
    again = await api.post(newer)
    older = await api.post(_check_in_link(ring, commitment_id, 3, "on_track"))

    assert with_note.status_code == again.status_code == 200
    assert older.status_code == 409
    assert "already answered" in text_of(older)
    view = await _view(lifecycle, commitment_id)
    assert [(c.answer.value, c.note) for c in view.check_ins] == [
        ("at_risk", "Finance data is late.")
    ]
    # A note joins its own check-in, even after a newer answer.
    on_track = _check_in_link(ring, commitment_id, 7, "on_track")
    assert (await api.post(on_track)).status_code == 200
    assert (await api.post(_check_in_link(ring, commitment_id, 9, "blocked"))).status_code == 200
    assert (await api.post(on_track, data={"note": "Back on track."})).status_code == 200
    view = await _view(lifecycle, commitment_id)
    assert [(c.answer.value, c.note) for c in view.check_ins] == [
        ("at_risk", "Finance data is late."),
        ("on_track", "Back on track."),
        ("blocked", None),
    ]
    await _end(lifecycle, commitment_id)


async def test_an_idempotency_key_is_the_senders_own(
    lifecycle: Lifecycle, api: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await _accepted(lifecycle)
    due = (await _view(lifecycle, commitment_id)).spec.due
    key = {"Idempotency-Key": "revision-1"}
    url = f"/commitments/{commitment_id}/revisions"

    sams = await api.post(
        url,
        json={"new_due": (due + timedelta(days=3)).isoformat()},
        headers={**key, **entra.headers(SAM)},
    )
    mayas = await api.post(
        url, json={"new_due": (due + timedelta(days=5)).isoformat()}, headers=key
    )

    assert sams.status_code == mayas.status_code == 200, mayas.text
    pending = mayas.json()["pending_revision"]
    assert pending["proposed_by"] == "manager"
    assert pending["new_due"].startswith((due + timedelta(days=5)).date().isoformat())
    await _end(lifecycle, commitment_id)

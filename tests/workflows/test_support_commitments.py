"""Support the other way up, on the real workflow against the sandbox, through the API and links.

A manager's promise of support is a commitment of theirs, for the owner: promised at
creation and kept; slipping, with the owner told and offered a later date of their own; and
an owner asking for support at a blocked check-in, answered each of the three ways.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from msgraph.graph_service_client import GraphServiceClient
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from accord.settings import AccordSettings
from domain.action_links import ActionClaims, LinkAction, LinkKeyRing
from domain.models import Person
from domain.support import CommitmentKind
from tests.support.api import NOW, PUBLIC_URL, FakeClock, build_app, text_of
from tests.support.api import commitment as commitment_body
from tests.support.api_tokens import FakeEntra
from tests.support.lifecycle import Lifecycle, act, spec_for, work_round_the_clock
from tests.support.people import MANAGER, SAM
from tests.support.polling import eventually
from tests.support.unindexed import unindexed_client
from workflows.commitment.contracts import ActorAction, CommitmentView
from workflows.commitment.workflow import CommitmentWorkflow

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
FINANCE = "Get you access to the finance data"


@pytest.fixture
def ring() -> LinkKeyRing:
    """The links' key ring of this module's API."""
    return LinkKeyRing([secrets.token_bytes(32)])


@pytest.fixture
async def api(
    lifecycle: Lifecycle, ring: LinkKeyRing, entra: FakeEntra, graph: GraphServiceClient
) -> AsyncIterator[httpx.AsyncClient]:
    """The API on the lifecycle's server, signed in as Maya; both people reachable any time."""
    # Messages go out as soon as they are queued: the timing of hours is tested elsewhere.
    await work_round_the_clock(graph, SAM)
    await work_round_the_clock(graph, MANAGER)
    settings = AccordSettings(public_url=PUBLIC_URL, temporal_task_queue=lifecycle.task_queue)
    temporal = unindexed_client(lifecycle.client)
    app = build_app(settings, temporal, ring, FakeClock(lifecycle.now), entra)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=PUBLIC_URL,
        headers=entra.headers(MANAGER),
    ) as client:
        yield client


def _link(
    ring: LinkKeyRing, commitment_id: str, action: LinkAction, person: str, link_id: str
) -> str:
    claims = ActionClaims(
        commitment_id=commitment_id,
        person=person,
        action=action,
        link_id=link_id,
        expires_at=NOW + timedelta(days=400),
    )
    return f"/a/{ring.sign(claims)}"


async def _view(lifecycle: Lifecycle, commitment_id: str) -> CommitmentView:
    handle = lifecycle.client.get_workflow_handle(f"commitment-{commitment_id}")
    view: CommitmentView = await handle.query(CommitmentWorkflow.view)
    return view


async def _sent(lifecycle: Lifecycle, commitment_id: str, kind: str, n: int = 1) -> CommitmentView:
    async def enough() -> CommitmentView | None:
        view = await _view(lifecycle, commitment_id)
        sent = [entry for entry in view.history if entry.kind == f"sent:{kind}"]
        return view if len(sent) >= n else None

    view: CommitmentView | None = await eventually(enough)
    assert view is not None
    return view


async def _end(lifecycle: Lifecycle, *commitment_ids: str) -> None:
    # Ended, so their timers do not hold up the next test's time skipping.
    for commitment_id in commitment_ids:
        handle = lifecycle.client.get_workflow_handle(f"commitment-{commitment_id}")
        # One that already ended needs nothing.
        with contextlib.suppress(RPCError):
            await handle.terminate("the test is over")


async def _accepted(lifecycle: Lifecycle, due: datetime) -> str:
    handle = await lifecycle.start(spec_for(SAM_PERSON, due))
    _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    return handle.id.removeprefix("commitment-")


async def _server_now(env: WorkflowEnvironment) -> datetime:
    return await env.get_current_time()


async def test_support_commitment_promised_at_creation_and_kept(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    api: httpx.AsyncClient,
    entra: FakeEntra,
) -> None:
    now = await _server_now(temporal_env)
    support_due = now + timedelta(days=3)
    unsaid = commitment_body(
        due=(now + timedelta(days=10)).isoformat(), support_due=support_due.isoformat()
    )
    assert (await api.post("/commitments", json=unsaid)).status_code == 422  # promised what?
    created = await api.post(
        "/commitments",
        json=commitment_body(
            due=(now + timedelta(days=10)).isoformat(),
            support=FINANCE,
            support_due=support_due.isoformat(),
        ),
    )
    assert created.status_code == 201, created.text
    commitment_id = created.json()["commitment_id"]
    owners = await _view(lifecycle, commitment_id)
    (promise,) = owners.support
    support = await _view(lifecycle, promise.support_id)
    # Linked both ways; the manager owns it, for the owner, agreed as it starts.
    assert (support.kind, support.supports) == (CommitmentKind.SUPPORT, commitment_id)
    assert (support.spec.owner.email, support.spec.manager.email) == (MANAGER, SAM)
    assert (support.status.value, support.spec.due) == ("active", support_due)
    sam = entra.headers(SAM)
    assert (await api.post(f"/commitments/{commitment_id}/accept", headers=sam)).is_success

    # Maya is reminded kindly a day before, then keeps it; Sam hears so.
    await temporal_env.sleep(timedelta(days=2, hours=1))
    await _sent(lifecycle, promise.support_id, "support_reminder")
    done = await api.post(f"/commitments/{promise.support_id}/complete", json={})
    assert done.status_code == 200, done.text
    kept = await _sent(lifecycle, promise.support_id, "support_kept")
    assert kept.status.value == "done"
    assert any(entry.kind == "done_on_time" for entry in kept.history)
    seen = await api.get(f"/commitments/{commitment_id}", headers=sam)
    (shown,) = seen.json()["support_commitments"]
    assert (shown["commitment_id"], shown["what"], shown["status"]) == (
        promise.support_id,
        FINANCE,
        "done",
    )
    await _end(lifecycle, commitment_id, promise.support_id)


async def test_support_commitment_slipping_offers_the_owner_a_new_date(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    api: httpx.AsyncClient,
    ring: LinkKeyRing,
    entra: FakeEntra,
) -> None:
    now = await _server_now(temporal_env)
    commitment_id = await _accepted(lifecycle, now + timedelta(days=10))
    support_due = now + timedelta(days=2)
    promised = await api.post(
        f"/commitments/{commitment_id}/support",
        json={"what": FINANCE, "due": support_due.isoformat()},
    )
    assert promised.status_code == 200, promised.text
    (promise,) = promised.json()["support_commitments"]
    support_id = promise["commitment_id"]
    await _sent(lifecycle, commitment_id, "support_promised")

    # Past its date and grace: Sam is told plainly, Maya gets a kind word, nobody is blamed.
    await temporal_env.sleep(timedelta(days=3))
    slipped = await _sent(lifecycle, support_id, "support_slipped")
    await _sent(lifecycle, support_id, "support_reminder", 2)
    assert slipped.status.value == "missed"
    assert not any(entry.kind == "meeting_scheduled" for entry in slipped.history)

    owners = await _view(lifecycle, commitment_id)
    page = await api.post(
        _link(ring, support_id, LinkAction.MOVE_MY_DATE, SAM, f"{support_id}:5:move_date_url")
    )
    assert page.status_code == 200, text_of(page)
    assert "new date is proposed" in text_of(page)
    moved = await _view(lifecycle, commitment_id)
    assert moved.pending_revision is not None
    assert moved.pending_revision.proposed_by.value == "owner"
    assert moved.pending_revision.new_due >= owners.spec.due + timedelta(days=2)
    agreed = await api.post(f"/commitments/{commitment_id}/revisions/accept")
    assert agreed.status_code == 200, agreed.text
    assert (await _view(lifecycle, commitment_id)).spec.due == moved.pending_revision.new_due
    # The promise can still be kept late.
    late = await api.post(f"/commitments/{support_id}/complete", json={})
    assert late.status_code == 200, late.text
    assert any(entry.kind == "done_late" for entry in (await _view(lifecycle, support_id)).history)
    del entra
    await _end(lifecycle, commitment_id, support_id)


async def test_support_commitment_ends_with_the_work_it_supports(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    api: httpx.AsyncClient,
    entra: FakeEntra,
) -> None:
    now = await _server_now(temporal_env)
    commitment_id = await _accepted(lifecycle, now + timedelta(days=10))
    promised = await api.post(
        f"/commitments/{commitment_id}/support",
        json={"what": FINANCE, "due": (now + timedelta(days=3)).isoformat()},
    )
    (promise,) = promised.json()["support_commitments"]
    support_id = promise["commitment_id"]

    done = await api.post(
        f"/commitments/{commitment_id}/complete", json={}, headers=entra.headers(SAM)
    )

    assert done.status_code == 200, done.text
    # Maya hears her promise is no longer needed, instead of a reminder of it.
    ended = await _sent(lifecycle, support_id, "support_ended")
    assert ended.status.value == "released"
    assert not any(entry.kind == "sent:support_reminder" for entry in ended.history)
    await _end(lifecycle, commitment_id, support_id)


async def _asked_at_a_blocked_check_in(
    lifecycle: Lifecycle, api: httpx.AsyncClient, ring: LinkKeyRing, commitment_id: str
) -> None:
    blocked = _link(
        ring,
        commitment_id,
        LinkAction.CHECK_IN_BLOCKED,
        SAM,
        f"{commitment_id}:3:check_in:blocked_url",
    )
    page = await api.post(blocked)
    assert page.status_code == 200, text_of(page)
    assert "what would help" in text_of(page)
    found = re.search(r'action="(/a/[^"]+)"', page.text)
    assert found is not None, page.text
    ask = found[1]
    asked = await api.post(ask, data={"note": "I need a finance sign-off on the EMEA numbers."})
    assert asked.status_code == 200, text_of(asked)
    await _sent(lifecycle, commitment_id, "support_request")


@pytest.mark.parametrize("answer", ["promise", "talk", "not_possible"])
async def test_support_request_at_a_blocked_check_in_is_answered(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    api: httpx.AsyncClient,
    ring: LinkKeyRing,
    answer: str,
) -> None:
    now = await _server_now(temporal_env)
    commitment_id = await _accepted(lifecycle, now + timedelta(days=10))
    await _asked_at_a_blocked_check_in(lifecycle, api, ring, commitment_id)
    link_id = f"{commitment_id}:7:support_request:{answer}_url"
    started: list[str] = []
    if answer == "promise":
        by = (now + timedelta(days=2)).date().isoformat()
        url = _link(ring, commitment_id, LinkAction.PROMISE_SUPPORT, MANAGER, link_id)
        form = await api.get(url)
        assert "finance sign-off" in form.text  # prefilled with what was asked
        page = await api.post(url, data={"what": "Ask finance to sign off", "by": by})
        view = await _sent(lifecycle, commitment_id, "support_promised")
        (promise,) = view.support
        started.append(promise.support_id)
        assert view.support_requests[0].support_id == promise.support_id
        assert (await _view(lifecycle, promise.support_id)).supports == commitment_id
    elif answer == "talk":
        url = _link(ring, commitment_id, LinkAction.SUPPORT_TALK, MANAGER, link_id)
        page = await api.post(url)
        view = await _view(lifecycle, commitment_id)
        assert view.status.value == "in_conversation"
    else:
        url = _link(ring, commitment_id, LinkAction.SUPPORT_NOT_POSSIBLE, MANAGER, link_id)
        page = await api.post(url, data={"note": "Finance is closing the quarter this week."})
        view = await _sent(lifecycle, commitment_id, "support_declined")
        offer = _link(
            ring, commitment_id, LinkAction.MOVE_MY_DATE, SAM, f"{commitment_id}:9:move_date_url"
        )
        assert (await api.post(offer)).status_code == 200
        moved = await _view(lifecycle, commitment_id)
        assert moved.pending_revision is not None
        assert moved.pending_revision.new_due == view.spec.due + timedelta(days=7)
    assert page.status_code == 200, text_of(page)
    (request,) = view.support_requests
    assert request.note == "I need a finance sign-off on the EMEA numbers."
    assert request.answer is not None
    assert request.answer.value == {"promise": "promised"}.get(answer, answer)
    await _end(lifecycle, commitment_id, *started)


async def test_support_request_is_the_only_way_up(
    lifecycle: Lifecycle, api: httpx.AsyncClient, entra: FakeEntra
) -> None:
    now = await _server_now(lifecycle.env)
    sam = entra.headers(SAM)
    # A report can never set their manager an expectation (domain/authorization.py) ...
    upward: dict[str, Any] = commitment_body(
        owner=MANAGER, manager=None, due=(now + timedelta(days=5)).isoformat()
    )
    refused = await api.post("/commitments", json=upward, headers=sam)
    assert refused.status_code == 403, refused.text
    # ... nor promise support on their own commitment; they ask for it instead.
    commitment_id = await _accepted(lifecycle, now + timedelta(days=10))
    promise = {"what": "Review my own work", "due": (now + timedelta(days=2)).isoformat()}
    not_theirs = await api.post(f"/commitments/{commitment_id}/support", json=promise, headers=sam)
    assert not_theirs.status_code == 403, not_theirs.text
    asked = await api.post(
        f"/commitments/{commitment_id}/support-requests",
        json={"note": "Time with finance"},
        headers=sam,
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["support_requests"][0]["note"] == "Time with finance"
    answered = await api.post(
        f"/commitments/{commitment_id}/support-requests/answer",
        json={"answer": "not_possible", "reason": "Finance is closing the quarter."},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["support_requests"][0]["answer"] == "not_possible"
    await _end(lifecycle, commitment_id)

"""Support on the web app: the owner asks, the manager promises or answers, both see where it is.

The actions go through the REST routes' own functions (the stub workflow records promises and
requests as the core does); the words of each promise's state are tested without a server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from api.webapp.views import card, promise_state
from domain.models import CommitmentSpec, CommitmentStatus, Person
from domain.support import CommitmentKind, SupportPromise
from tests.support.api import NOW, create_commitment
from tests.support.api_tokens import FakeEntra
from tests.support.app_journey import hidden_fields, local_input, sign_in, words
from tests.support.people import MANAGER, OMAR, SAM
from workflows.commitment.client import CommitmentRow
from workflows.commitment.contracts import CommitmentView

FINANCE = "Time with finance on Tuesday"
UTC_ZONE = ZoneInfo("UTC")


async def form_post(
    web: httpx.AsyncClient, commitment_id: str, action: str, **fields: str
) -> httpx.Response:
    story = await web.get(f"/app/commitments/{commitment_id}")
    assert story.status_code == 200, story.text
    target = f"/app/commitments/{commitment_id}/{action}"
    return await web.post(target, data={**hidden_fields(story.text, target), **fields})


async def commitment_json(http: httpx.AsyncClient, commitment_id: str) -> dict[str, object]:
    body: dict[str, object] = (await http.get(f"/commitments/{commitment_id}")).json()
    return body


async def test_support_request_then_promise_shows_on_both_stories(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    await sign_in(web, entra, SAM)
    asked = await form_post(web, commitment_id, "ask-support", note="An hour with finance.")
    assert asked.status_code == 303
    page = words((await web.get(asked.headers["location"])).text)
    assert "Sent: your manager will hear what would help." in page
    assert "Sam asked for support: “An hour with finance.” Answer: waiting for an answer." in page

    await sign_in(web, entra, MANAGER)
    story = await web.get(f"/app/commitments/{commitment_id}")
    assert "Sam asked what would help." in words(story.text)
    # No date, then a past one: refused kindly, nothing promised.
    undated = await form_post(web, commitment_id, "promise-support", what=FINANCE, due="")
    assert undated.status_code == 422
    assert "By when: please give a date and time." in words(undated.text)
    past = local_input(NOW - timedelta(days=1))
    late = await form_post(web, commitment_id, "promise-support", what=FINANCE, due=past)
    assert late.status_code == 422
    assert "By when needs to be in the future." in words(late.text)
    assert (await commitment_json(http, commitment_id))["support_commitments"] == []

    due = local_input(NOW + timedelta(days=2))
    promised = await form_post(web, commitment_id, "promise-support", what=FINANCE, due=due)
    assert promised.status_code == 303
    text = words((await web.get(promised.headers["location"])).text)
    assert "by Wed 4 Mar, 09:00 your time: promised" in text
    assert "Answer: " in text and "promised (see above)" in text
    promises = (await http.get(f"/commitments/{commitment_id}")).json()["support_commitments"]
    assert len(promises) == 1
    promise_id = promises[0]["commitment_id"]

    # The promise's own story says whose work it supports, linked.
    own = await web.get(f"/app/commitments/{promise_id}")
    assert own.status_code == 200
    own_text = words(own.text)
    assert "A promise of support to Sam Okafor, for “Publish the onboarding guide”" in own_text
    assert "Maya promised it" in own_text
    assert f'href="/app/commitments/{commitment_id}"' in own.text
    # Sam sees what his manager promised him on his own story.
    await sign_in(web, entra, SAM)
    assert "Support from Maya" in words((await web.get(f"/app/commitments/{commitment_id}")).text)


async def test_support_request_answered_lets_talk_and_not_possible(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    for note in ("Another reviewer.", "A second laptop."):
        asked = await http.post(
            f"/commitments/{commitment_id}/support-requests",
            json={"note": note},
            headers=entra.headers(SAM),
        )
        assert asked.status_code == 200, asked.text
        await sign_in(web, entra, MANAGER)
        answer = "talk" if note.startswith("Another") else "not_possible"
        answered = await form_post(
            web, commitment_id, "answer-support", answer=answer, reason="No budget this quarter."
        )
        assert answered.status_code == 303, answered.text

    text = words((await web.get(f"/app/commitments/{commitment_id}")).text)
    assert "let's talk: a conversation is offered" in text
    assert "not possible, because “No budget this quarter.”" in text
    # Nothing is waiting now, so no answer is offered.
    assert "asked what would help" not in text


async def test_support_promise_only_by_the_manager_and_strangers_find_nothing(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    await sign_in(web, entra, SAM)
    story = await web.get(f"/app/commitments/{commitment_id}")
    assert "Promise it" not in story.text
    fields = hidden_fields(story.text, f"/app/commitments/{commitment_id}/ask-support")
    due = local_input(NOW + timedelta(days=2))
    # A report can never set their manager an expectation, even with a hand-made post.
    refused = await web.post(
        f"/app/commitments/{commitment_id}/promise-support",
        data={**fields, "what": "Myself a raise", "due": due},
    )
    assert refused.status_code == 409
    assert "manager" in words(refused.text)  # the policy's explanation: who can
    assert (await commitment_json(http, commitment_id))["support_commitments"] == []

    await sign_in(web, entra, OMAR)
    assert (await web.get(f"/app/commitments/{commitment_id}")).status_code == 404
    own_form = hidden_fields((await web.get("/app/commitments/new")).text, "/app/commitments")
    stranger = await web.post(
        f"/app/commitments/{commitment_id}/ask-support",
        data={**fields, "csrf": own_form["csrf"]},
    )
    assert stranger.status_code == 404


async def test_support_stale_page_changes_nothing(
    web: httpx.AsyncClient, http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    commitment_id = await create_commitment(http, accept_as=entra.headers(SAM))
    await sign_in(web, entra, MANAGER)
    stale = await web.get(f"/app/commitments/{commitment_id}")
    target = f"/app/commitments/{commitment_id}/promise-support"
    fields = hidden_fields(stale.text, target)
    # Meanwhile Sam asks for support: the page Maya read no longer shows where things stand.
    asked = await http.post(
        f"/commitments/{commitment_id}/support-requests", json={}, headers=entra.headers(SAM)
    )
    assert asked.status_code == 200

    response = await web.post(
        target, data={**fields, "what": FINANCE, "due": local_input(NOW + timedelta(days=2))}
    )

    assert response.status_code == 409
    assert "changed since you opened the page" in words(response.text)
    assert (await commitment_json(http, commitment_id))["support_commitments"] == []


MAYA = Person(email="maya@example.com", display_name="Maya Chen")
SAM_PERSON = Person(email="sam@example.com", display_name="Sam Okafor")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_support_promise_state_in_kind_words() -> None:
    due = T0 + timedelta(days=1)
    assert promise_state(due, T0, CommitmentStatus.ACTIVE, None) == "promised"
    assert promise_state(due, T0, None, None) == "promised"
    assert promise_state(due, due, CommitmentStatus.MISSED, None) == "not yet done, past the date"
    assert promise_state(due, due, CommitmentStatus.DONE, T0) == "kept"
    late = due + timedelta(hours=3)
    assert promise_state(due, late, CommitmentStatus.DONE, late) == "kept, a little after the date"


def _view(kind: CommitmentKind, owner: Person, manager: Person, **more: object) -> CommitmentView:
    return CommitmentView.model_validate(
        {
            "commitment_id": "c1",
            "status": CommitmentStatus.ACTIVE,
            "spec": CommitmentSpec(
                title="Get finance access",
                success_criteria="Signed off.",
                owner=owner,
                manager=manager,
                due=T0 + timedelta(days=3),
            ),
            "created_at": T0,
            "history": [],
            "check_ins": [],
            "revisions": [],
            "pending_revision": None,
            "meeting": None,
            "completed_at": None,
            "kind": kind,
            **more,
        }
    )


def test_support_cards_say_who_promised_what() -> None:
    row = CommitmentRow("c1", MAYA.email, SAM_PERSON.email, CommitmentStatus.ACTIVE, T0, None, T0)
    promise = _view(CommitmentKind.SUPPORT, MAYA, SAM_PERSON, supports="c0")
    mine = card(row, promise, zone=UTC_ZONE, now=T0, names={}, viewer=MAYA.email)
    assert mine.title == "You promised Sam: Get finance access"
    above = card(row, promise, zone=UTC_ZONE, now=T0, names={}, viewer="boss@example.com")
    assert above.title == "Maya promised Sam: Get finance access"

    made = SupportPromise(support_id="s1", what=FINANCE, due=T0 + timedelta(days=1), at=T0)
    work = _view(CommitmentKind.COMMITMENT, SAM_PERSON, MAYA, support=[made])
    open_card = card(row, work, zone=UTC_ZONE, now=T0, names={}, support_status={})
    assert open_card.promised == f"Maya promised: {FINANCE} (by Tue 3 Mar, 09:00)"
    kept = {"s1": CommitmentStatus.DONE}
    assert card(row, work, zone=UTC_ZONE, now=T0, names={}, support_status=kept).promised is None

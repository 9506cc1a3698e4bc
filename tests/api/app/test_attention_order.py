"""The team list reads what needs attention first across pages (on the real dev server).

Visibility lists the newest first, so the blocked and at-risk commitments made first here
would land on the last page if the list were grouped only within each page. A commitment
started before ``AccordAttention`` existed is still listed, in the group of its status.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
import pytest
from temporalio.common import TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment

from api.webapp import lists
from domain.attention import ATTENTION_ORDER, Attention
from domain.models import Person
from tests.support.api import NOW, commitment
from tests.support.api_tokens import FakeEntra
from tests.support.app_journey import sign_in
from tests.support.lifecycle import spec_for
from tests.support.people import ELENA, OMAR
from tests.support.polling import eventually
from workflows.commitment.client import initial_search_attributes
from workflows.commitment.contracts import (
    ATTENTION_KEY,
    WORKFLOW_NAME,
    CommitmentInput,
    workflow_id_for,
)

_SECTION = re.compile(r'<section aria-labelledby="group-(\w+)">(.*?)</section>', re.S)
_CARD = re.compile(r'href="/app/commitments/([\w-]+)"')


def _cards(page_html: str) -> list[tuple[str, Attention]]:
    """The page's cards in order, each with its group."""
    seen: list[tuple[str, Attention]] = []
    for group, body in _SECTION.findall(page_html):
        for commitment_id in dict.fromkeys(_CARD.findall(body)):
            seen.append((commitment_id, Attention(group)))
    return seen


def _next(page_html: str) -> str | None:
    found = re.search(r'href="\?page=([\w-]+)"', page_html)
    return found.group(1) if found else None


async def _make(api: httpx.AsyncClient, entra: FakeEntra, minute: int, answer: str | None) -> str:
    due = (NOW + timedelta(days=900, minutes=minute)).isoformat()
    created = await api.post(
        "/commitments",
        json=commitment(owner=ELENA, manager=None, due=due, title=f"Piece {minute}"),
        headers=entra.headers(OMAR),
    )
    assert created.status_code == 201, created.text
    commitment_id = str(created.json()["commitment_id"])
    owner = entra.headers(ELENA)
    accepted = await api.post(f"/commitments/{commitment_id}/accept", headers=owner)
    assert accepted.status_code == 200, accepted.text
    if answer is not None:
        checked = await api.post(
            f"/commitments/{commitment_id}/check-ins", json={"answer": answer}, headers=owner
        )
        assert checked.status_code == 200, checked.text
    return commitment_id


async def _from_before_the_index(dev_server: WorkflowEnvironment, task_queue: str) -> str:
    """Start a commitment indexed as before ``AccordAttention`` existed."""
    start = CommitmentInput(
        commitment_id=str(uuid.uuid4()),
        spec=spec_for(Person(email=ELENA, display_name="Elena"), NOW + timedelta(days=900)),
        created_at=NOW,
    )
    indexed = initial_search_attributes(start)
    await dev_server.client.start_workflow(
        WORKFLOW_NAME,
        start,
        id=workflow_id_for(start.commitment_id),
        task_queue=task_queue,
        search_attributes=TypedSearchAttributes(
            [pair for pair in indexed.search_attributes if pair.key != ATTENTION_KEY]
        ),
    )
    return start.commitment_id


async def _whole_list(api: httpx.AsyncClient) -> list[list[tuple[str, Attention]]]:
    pages, token = [], None
    while True:
        response = await api.get("/app/team", params={"page": token} if token else None)
        assert response.status_code == 200, response.text
        pages.append(_cards(response.text))
        token = _next(response.text)
        if token is None:
            return pages


async def test_the_first_page_starts_with_everything_blocked_or_at_risk(
    list_api: httpx.AsyncClient,
    entra: FakeEntra,
    monkeypatch: pytest.MonkeyPatch,
    dev_server: WorkflowEnvironment,
    task_queue: str,
) -> None:
    monkeypatch.setattr(lists, "PAGE_SIZE", 4)
    unindexed = await _from_before_the_index(dev_server, task_queue)
    needs_a_hand = {
        await _make(list_api, entra, 1, "blocked"),
        await _make(list_api, entra, 2, "at_risk"),
    }
    under_way = {await _make(list_api, entra, minute, "on_track") for minute in range(3, 9)}
    await sign_in(list_api, entra, OMAR)

    async def settled() -> list[list[tuple[str, Attention]]] | None:
        pages = await _whole_list(list_api)
        groups = {commitment_id: group for page in pages for commitment_id, group in page}
        indexed = {groups.get(commitment_id) for commitment_id in needs_a_hand}
        # Visibility catches up a moment after each change.
        return (
            pages
            if indexed == {Attention.NEEDS_A_HAND} and under_way | {unindexed} <= set(groups)
            else None
        )

    pages = await eventually(settled)
    assert pages is not None

    everything = [card for page in pages for card in page]
    groups = dict(everything)
    assert {groups[commitment_id] for commitment_id in needs_a_hand} == {Attention.NEEDS_A_HAND}
    assert {groups[commitment_id] for commitment_id in under_way} == {Attention.UNDER_WAY}
    assert groups[unindexed] is Attention.WAITING, "read by its status: never left out"
    hands = sum(group is Attention.NEEDS_A_HAND for _, group in everything)
    first = [group for _, group in pages[0]][: min(hands, 4)]
    assert first == [Attention.NEEDS_A_HAND] * min(hands, 4), "the first page starts with them"
    order = [ATTENTION_ORDER.index(group) for _, group in everything]
    assert order == sorted(order), "More continues in the order of what needs attention"
    ids = [commitment_id for commitment_id, _ in everything]
    assert len(ids) == len(set(ids)), "no card is shown twice"
    assert all(len(page) <= 4 for page in pages)

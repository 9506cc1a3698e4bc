"""Fuzzing ``/a/{token}``: whatever arrives, the answer is a page, never a 5xx or a change."""

from __future__ import annotations

import string
import uuid
from datetime import timedelta
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.action_links import ActionClaims, LinkAction, LinkKeyRing
from tests.support.api import NOW, create_commitment
from tests.support.fuzzing import LoopBridge, fuzz_on_loop
from tests.support.people import SAM

ROUTE_FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PAGE_STATUSES = {200, 400, 404, 409, 410, 422}
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_.=%"
# The actions tests/api's stub workflow answers; the real workflow's other two (agreeing a
# revision, asking for a conversation) are exercised by the lifecycle tests and drills.
STUB_ACTIONS = [
    action
    for action in LinkAction
    if action not in (LinkAction.ACCEPT_REVISION, LinkAction.REQUEST_CONVERSATION)
    and not action.value.endswith("_intake")
]


async def _status_of(http: httpx.AsyncClient, commitment_id: str) -> tuple[str, int]:
    view = (await http.get(f"/commitments/{commitment_id}")).json()
    return str(view["status"]), len(view["history"])


async def test_arbitrary_tokens_get_a_page_and_change_nothing(http: httpx.AsyncClient) -> None:
    commitment_id = await create_commitment(http)
    before = await _status_of(http, commitment_id)

    @ROUTE_FUZZ
    @given(
        token=st.text(min_size=1, max_size=300) | st.text(TOKEN_ALPHABET, min_size=1, max_size=300),
        method=st.sampled_from(["GET", "POST", "HEAD"]),
        note=st.none() | st.text(max_size=3000),
    )
    def fuzz(bridge: LoopBridge, token: str, method: str, note: str | None) -> None:
        # HTTP clients resolve "." and ".." path segments before sending: /a/. is /a/.
        assume(token.strip(".") != "")
        data = {"note": note} if note is not None and method == "POST" else None
        response = bridge.run(
            lambda: http.request(method, f"/a/{quote(token, safe='')}", data=data)
        )
        assert response.status_code < 500, response.text
        assert response.status_code in PAGE_STATUSES | {405}, response.status_code

    await fuzz_on_loop(fuzz)
    assert await _status_of(http, commitment_id) == before


async def test_mutated_links_are_refused_and_change_nothing(
    http: httpx.AsyncClient, links: LinkKeyRing
) -> None:
    commitment_id = await create_commitment(http)
    before = await _status_of(http, commitment_id)

    @ROUTE_FUZZ
    @given(
        action=st.sampled_from(LinkAction),
        at=st.integers(min_value=0),
        replacement=st.sampled_from(TOKEN_ALPHABET),
    )
    def fuzz(bridge: LoopBridge, action: LinkAction, at: int, replacement: str) -> None:
        token = links.sign(
            ActionClaims(
                commitment_id=commitment_id,
                person=SAM,
                action=action,
                link_id=str(uuid.uuid4()),
                expires_at=NOW + timedelta(days=21),
            )
        )
        at %= len(token)
        mutated = token[:at] + replacement + token[at + 1 :]
        if mutated == token:
            return
        response = bridge.run(lambda: http.post(f"/a/{quote(mutated, safe='')}"))
        assert response.status_code == 400, (response.status_code, at)

    await fuzz_on_loop(fuzz)
    assert await _status_of(http, commitment_id) == before


async def test_valid_links_with_any_note_never_fail_the_server(
    http: httpx.AsyncClient, links: LinkKeyRing
) -> None:
    commitment_id = await create_commitment(http)

    @ROUTE_FUZZ
    @given(
        action=st.sampled_from(STUB_ACTIONS),
        person=st.sampled_from([SAM, "maya.chen@northwind.example", "someone@else.example"]),
        note=st.none() | st.text(max_size=2100),
        target=st.sampled_from([commitment_id, "no-such-commitment", "x" * 300]),
    )
    def fuzz(
        bridge: LoopBridge, action: LinkAction, person: str, note: str | None, target: str
    ) -> None:
        token = links.sign(
            ActionClaims(
                commitment_id=target,
                person=person,
                action=action,
                link_id=str(uuid.uuid4()),
                expires_at=NOW + timedelta(days=21),
            )
        )
        data = {"note": note} if note is not None else None
        response = bridge.run(lambda: http.post(f"/a/{token}", data=data))
        assert response.status_code < 500, response.text
        assert response.status_code in PAGE_STATUSES, response.status_code

    await fuzz_on_loop(fuzz)

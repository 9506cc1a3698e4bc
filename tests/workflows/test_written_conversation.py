"""No common working hours: the conversation in writing, answered in one form, agreed in one click.

On the time-skipping server against the sandbox: Priya in Kolkata and Sam in New York (working
11:00 to 19:00, so not even the edge of their days meets) get a conversation in writing; Sam
answers through the link in his message (what got in the way, what would help, a date);
Priya hears it in her own hours and agrees the date with one click; the agreed revision is in
the history with Sam's words.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import time, timedelta
from typing import Any

import httpx
import pytest_asyncio
from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.time_zone_base import TimeZoneBase
from msgraph.generated.models.working_hours import WorkingHours
from msgraph.graph_service_client import GraphServiceClient
from temporalio.testing import WorkflowEnvironment

from accord.settings import AccordSettings
from domain.action_links import LinkAction, LinkKeyRing
from domain.models import Person
from domain.working_time import PersonSchedule, is_reachable
from sandbox.server import SandboxServer
from tests.support.api import FakeClock, build_app
from tests.support.api_tokens import FakeEntra
from tests.support.lifecycle import LINK_KEY, PUBLIC_URL, Lifecycle, act, spec_for
from tests.support.mailboxes import from_agent, received_at
from tests.support.people import PRIYA, SAM
from tests.support.polling import when_time_has_passed
from workflows.commitment.contracts import ActorAction, CommitmentView, Release
from workflows.commitment.workflow import CommitmentWorkflow

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
PRIYA_PERSON = Person(email=PRIYA, display_name="Priya Raman")
_LINK = re.compile(r'href="' + re.escape(PUBLIC_URL) + r'/a/([^"]+)"')
KEYS = LinkKeyRing([LINK_KEY])
WEEK = timedelta(days=7)


@pytest_asyncio.fixture(loop_scope="session")
async def links_api(
    lifecycle: Lifecycle, task_queue: str
) -> AsyncIterator[tuple[httpx.AsyncClient, FakeClock]]:
    """The API the links in the lifecycle's messages point at, on the same server."""
    settings = AccordSettings(public_url=PUBLIC_URL, temporal_task_queue=task_queue)
    clock = FakeClock(lifecycle.now)
    app = build_app(settings, lifecycle.client, KEYS, clock, FakeEntra())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        yield http, clock


def _schedule(sandbox: SandboxServer, address: str) -> PersonSchedule:
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(address)["id"]
    return PersonSchedule.from_graph(sandbox.state.directory.mailbox_settings(user_id))


def _token(message: dict[str, Any], action: LinkAction, lifecycle: Lifecycle) -> str:
    for token in _LINK.findall(message["body"]["content"]):
        if KEYS.verify(token, lifecycle.now).action is action:
            return str(token)
    raise AssertionError(f"no {action} link in {message['subject']!r}")


async def _view(handle: Any) -> CommitmentView:
    view: CommitmentView = await handle.query(CommitmentWorkflow.view)
    return view


async def _has(handle: Any, kind: str) -> CommitmentView | None:
    view = await _view(handle)
    return view if any(entry.kind == kind for entry in view.history) else None


async def test_an_answer_in_writing_reaches_the_manager_who_agrees_in_one_click(
    temporal_env: WorkflowEnvironment,
    lifecycle: Lifecycle,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    links_api: tuple[httpx.AsyncClient, FakeClock],
) -> None:
    http, clock = links_api
    await graph.users.by_user_id(SAM).mailbox_settings.patch(
        MailboxSettings(
            working_hours=WorkingHours(
                days_of_week=[
                    DayOfWeek.Monday,
                    DayOfWeek.Tuesday,
                    DayOfWeek.Wednesday,
                    DayOfWeek.Thursday,
                    DayOfWeek.Friday,
                ],
                start_time=time(11),
                end_time=time(19),
                time_zone=TimeZoneBase(name="Eastern Standard Time"),
            )
        )
    )
    priya = _schedule(sandbox, PRIYA)
    due = lifecycle.now + timedelta(days=10)
    handle = await lifecycle.start(spec_for(SAM_PERSON, due, manager=PRIYA_PERSON))
    _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    _ = await act(handle, CommitmentWorkflow.request_conversation, ActorAction(actor=PRIYA))
    # Each hears in their own hours, whatever the weekday the test starts on.
    await when_time_has_passed(
        temporal_env, lambda: _has(handle, "sent:written_conversation"), within=WEEK
    )
    (written,) = [m for m in from_agent(sandbox, SAM) if "in writing" in m["subject"]]

    clock.now = await temporal_env.get_current_time()
    token = _token(written, LinkAction.WRITTEN_ANSWER, lifecycle)
    page = await http.get(f"/a/{token}")
    assert "What would help?" in page.text and "What got in the way?" in page.text
    proposed = (due + timedelta(days=7)).date()
    answered = await http.post(
        f"/a/{token}",
        data={
            "in_the_way": "Finance's numbers came late.",
            "would_help": "An hour with finance on Monday.",
            "proposed": proposed.isoformat(),
        },
    )
    assert answered.status_code == 200, answered.text
    view = await _view(handle)
    assert view.pending_revision is not None
    assert view.pending_revision.new_due.date() == proposed

    await when_time_has_passed(
        temporal_env, lambda: _has(handle, "sent:revision_proposed"), within=WEEK
    )
    (proposal,) = [m for m in from_agent(sandbox, PRIYA) if "suggests a change" in m["subject"]]
    assert "An hour with finance on Monday." in proposal["body"]["content"]
    assert is_reachable(received_at(proposal), priya)
    clock.now = await temporal_env.get_current_time()
    agreed = await http.post(f"/a/{_token(proposal, LinkAction.ACCEPT_REVISION, lifecycle)}")
    assert agreed.status_code == 200, agreed.text

    view = await _view(handle)
    assert any(entry.kind == "revision_agreed" for entry in view.history)
    (revision,) = view.revisions
    assert revision.new_due.date() == proposed
    assert "Finance's numbers came late." in revision.reason
    _ = await act(handle, CommitmentWorkflow.release, Release(actor=PRIYA))
    await handle.result()

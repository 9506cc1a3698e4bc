"""No silent drops: every mail a person of the organisation deliberately sends Accord is answered.

Real mail through Graph into the sandbox, real activities, the real thread workflow on the
time-skipping server, and the real API for the "Track this" form. Each test starts the
message's workflow as the webhook would (tests/test_intake_e2e.py runs the webhook itself).
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.users.item.messages.item.reply.reply_post_request_body import (
    ReplyPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from accord.settings import AccordSettings
from domain.action_links import LinkKeyRing
from sandbox.server import SandboxServer
from tests.support.api import FakeClock, build_app
from tests.support.api_tokens import FakeEntra
from tests.support.inbound_mail import deliver_from_internet
from tests.support.intake import (
    ASK,
    from_agent,
    in_agent_inbox,
    intake,
    intake_worker_on,
    thread_handle,
    view_in_status,
    view_of,
)
from tests.support.lifecycle import LINK_KEY
from tests.support.mailboxes import newest, send_as
from tests.support.people import AGENT, MANAGER, PRIYA, SAM
from tests.support.polling import eventually
from workflows.commitment.contracts import workflow_id_for
from workflows.intake.contracts import (
    DraftStatus,
    IntakeDecision,
    IntakeStatus,
    IntakeUpdates,
    IntakeView,
)

FYI = (
    "Hi Sam,\n\nFYI, no action needed: the vendor shortlist from last week is in the shared "
    "folder. The review meeting moved to Friday 3pm.\n\nThanks,\nMaya"
)
PLATFORM_TEAM = "platform-team@northwind.example"
FORECASTING = "forecasting@northwind.example"
FACILITIES = "facilities@northwind.example"
_TRACK_LINK = re.compile(r"https?://[^\s\"'<>]+/a/([A-Za-z0-9._-]+)")


@pytest_asyncio.fixture(loop_scope="session")
async def api(
    temporal: Client, task_queue: str, entra: FakeEntra
) -> AsyncIterator[httpx.AsyncClient]:
    """Accord's API on the same Temporal, signing links with the worker's key."""
    app = build_app(
        AccordSettings(public_url="http://accord.test", temporal_task_queue=task_queue),
        temporal,
        LinkKeyRing([LINK_KEY]),
        FakeClock(now=datetime.now(UTC)),
        entra,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://accord.test") as client:
        yield client


def _text(message: dict[str, Any]) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", message["body"]["content"]))


def _track_path(message: dict[str, Any]) -> str:
    found = _TRACK_LINK.search(html.unescape(message["body"]["content"]))
    assert found is not None, "no Track this link"
    return f"/a/{found.group(1)}"


async def _reply(
    graph: GraphServiceClient,
    person: str,
    message_id: str,
    *,
    to: list[str],
    cc: list[str],
    text: str,
) -> None:
    """``person`` replies to one of their messages, choosing the recipients (reply-all)."""
    await (
        graph.users.by_user_id(person)
        .messages.by_message_id(message_id)
        .reply.post(
            ReplyPostRequestBody(
                message=Message(
                    to_recipients=[Recipient(email_address=EmailAddress(address=a)) for a in to],
                    cc_recipients=[Recipient(email_address=EmailAddress(address=a)) for a in cc],
                ),
                comment=text,
            )
        )
    )


async def test_mail_asking_nothing_gets_what_accord_saw_and_track_this_opens_a_prefilled_form(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    api: httpx.AsyncClient,
) -> None:
    await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Vendor shortlist", body=FYI)
    email = newest(sandbox, AGENT)

    assert await intake(temporal, task_queue, in_agent_inbox(email["id"])) == "delivered"

    [answer] = await eventually(lambda: from_agent(sandbox, MANAGER))
    thread = thread_handle(temporal, email)
    assert (await view_of(thread)).status is IntakeStatus.NO_REQUEST
    # In the thread, at once: the sender wrote in their working hours and hears back in them.
    assert answer["conversationId"] == email["conversationId"]
    assert answer["subject"] == "RE: Vendor shortlist"
    sent = datetime.fromisoformat(answer["sentDateTime"].replace("Z", "+00:00"))
    written = datetime.fromisoformat(email["sentDateTime"].replace("Z", "+00:00"))
    assert sent - written < timedelta(minutes=1)
    text = _text(answer)
    assert "Track this" in text
    assert "Vendor shortlist" in text
    assert "Sam Okafor" in text
    assert "haven't set anything up" in text
    assert from_agent(sandbox, SAM) == []

    form = await api.get(_track_path(answer))
    assert form.status_code == 200, form.text
    page = html.unescape(form.text)
    assert 'value="sam.okafor@northwind.example"' in page
    assert ">Vendor shortlist</textarea>" in page
    action = re.search(r'action="([^"]+)"', form.text)
    assert action is not None
    target = f"/a/{html.unescape(action.group(1))}"
    fields = {
        "owner": SAM,
        "title": "Review the vendor shortlist",
        "success_criteria": "Comments shared with Maya",
        "due": (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
    }
    undated = await api.post(target, data={**fields, "due": "soon"})
    assert undated.status_code == 400
    outsider = await api.post(target, data={**fields, "owner": "ann@fabrikam.example"})
    assert outsider.status_code == 409
    assert "in your organisation" in html.unescape(outsider.text)
    saved = await api.post(target, data=fields)
    assert saved.status_code == 200, saved.text
    assert "tracking" in saved.text

    view = await eventually(lambda: view_in_status(thread, IntakeStatus.DONE), timeout=30)
    assert view is not None
    [proposal] = view.proposals
    assert proposal.status is DraftStatus.STARTED
    assert proposal.spec.owner.email == SAM
    assert proposal.spec.title == "Review the vendor shortlist"
    again = await api.get(_track_path(answer))
    assert again.status_code == 409
    await temporal.get_workflow_handle(workflow_id_for(proposal.commitment_id)).terminate("over")
    await thread.terminate("test over")


async def test_later_replies_in_an_answered_thread_are_silent_but_a_new_request_is_read(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Vendor shortlist", body=FYI)
    email = newest(sandbox, AGENT)
    await intake(temporal, task_queue, in_agent_inbox(email["id"]))
    await eventually(lambda: from_agent(sandbox, MANAGER))
    thread = thread_handle(temporal, email)

    # Sam answers everyone: a thank-you in a thread Accord has answered gets nothing back.
    await _reply(graph, SAM, newest(sandbox, SAM)["id"], to=[MANAGER], cc=[AGENT], text="Thanks!")
    thanks = newest(sandbox, AGENT)
    assert thanks["conversationId"] == email["conversationId"]
    assert await intake(temporal, task_queue, in_agent_inbox(thanks["id"])) == "delivered"
    assert (await view_of(thread)).status is IntakeStatus.NO_REQUEST
    assert len(from_agent(sandbox, MANAGER)) == 1
    assert from_agent(sandbox, SAM) == []

    # Maya then asks for something in the same thread: that is read, and confirmed to her.
    sams_thanks = newest(sandbox, MANAGER)
    await _reply(graph, MANAGER, sams_thanks["id"], to=[SAM], cc=[AGENT], text=ASK)
    request = newest(sandbox, AGENT)
    assert request["conversationId"] == email["conversationId"]
    await intake(temporal, task_queue, in_agent_inbox(request["id"]))

    view = await eventually(lambda: view_in_status(thread, IntakeStatus.CONFIRMING), timeout=30)
    assert view is not None
    assert [p.spec.owner.email for p in view.proposals] == [SAM]
    confirmation = (await eventually(lambda: from_agent(sandbox, MANAGER)[1:]))[0]
    assert confirmation["subject"].startswith("Please check:")
    await thread.terminate("test over")


async def test_bulk_auto_replies_loops_and_outsiders_stay_silent(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(AGENT)["id"]
    silent: dict[str, dict[str, Any]] = {}
    for name, header in {
        "bulk": {"name": "List-Unsubscribe", "value": "<https://news.example/u>"},
        "auto_reply": {"name": "Auto-Submitted", "value": "auto-replied"},
    }.items():
        await send_as(graph, PRIYA, to=[AGENT], cc=[], subject="Weekly news", body=FYI)
        message = newest(sandbox, AGENT)
        message["internetMessageHeaders"] = [*message["internetMessageHeaders"], header]
        sandbox.state.store.put("messages", user_id, message["id"], message)
        silent[name] = message
    await send_as(graph, AGENT, to=[AGENT], cc=[], subject="Loop", body=FYI)
    silent["own_mail"] = newest(sandbox, AGENT)
    await deliver_from_internet(
        sandbox, sender="partner@fabrikam.example", to=[AGENT], subject="Hello", body=FYI
    )
    silent["outside_tenant"] = newest(sandbox, AGENT)
    await deliver_from_internet(sandbox, sender=MANAGER, to=[AGENT], subject="Hi", body=FYI)
    silent["unauthenticated_sender"] = newest(sandbox, AGENT)

    outcomes = {
        name: await intake(temporal, task_queue, in_agent_inbox(message["id"]))
        for name, message in silent.items()
    }

    assert outcomes == {name: name for name in silent}
    for person in (MANAGER, PRIYA):
        assert from_agent(sandbox, person) == []
    assert [message["subject"] for message in from_agent(sandbox, AGENT)] == ["Loop"]


async def test_the_senders_new_text_is_read_from_unique_body(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    # Sam asked Maya for something; Maya answers, copying Accord, with nothing to track.
    await send_as(graph, SAM, to=[MANAGER], cc=[], subject="Q1 budget", body=ASK)
    await _reply(
        graph, MANAGER, newest(sandbox, MANAGER)["id"], to=[SAM], cc=[AGENT], text="Noted, thanks."
    )
    copy = newest(sandbox, AGENT)
    assert copy["uniqueBody"]["content"] == "Noted, thanks."
    # Her mail client quotes the history in a way no quote stripper knows; Exchange's
    # uniqueBody still holds only her new text.
    assert sandbox.state is not None
    copy["body"] = {"contentType": "text", "content": f"Noted, thanks.\n\n~~ earlier ~~\n{ASK}"}
    user_id = sandbox.state.directory.user(AGENT)["id"]
    sandbox.state.store.put("messages", user_id, copy["id"], copy)

    await intake(temporal, task_queue, in_agent_inbox(copy["id"]))

    [answer] = await eventually(lambda: from_agent(sandbox, MANAGER))
    assert "Track this" in _text(answer)
    assert not answer["subject"].startswith("Please check:")
    assert (await view_of(thread_handle(temporal, copy))).proposals == []
    await thread_handle(temporal, copy).terminate("test over")


async def test_groups_are_never_owners(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    # A list in Cc is kept informed (its members get the mail), and owns nothing.
    await send_as(graph, MANAGER, to=[SAM], cc=[PLATFORM_TEAM, AGENT], subject="Q1", body=ASK)
    cc_list = newest(sandbox, AGENT)
    assert newest(sandbox, PRIYA)["subject"] == "Q1"
    await intake(temporal, task_queue, in_agent_inbox(cc_list["id"]))
    view = await eventually(
        lambda: view_in_status(thread_handle(temporal, cc_list), IntakeStatus.CONFIRMING)
    )
    assert view is not None
    assert [p.spec.owner.email for p in view.proposals] == [SAM]

    # A list of several people in To: Accord asks who owns it.
    await send_as(graph, MANAGER, to=[PLATFORM_TEAM], cc=[AGENT], subject="Q1 team", body=ASK)
    to_list = newest(sandbox, AGENT)
    await intake(temporal, task_queue, in_agent_inbox(to_list["id"]))
    view = await eventually(
        lambda: view_in_status(thread_handle(temporal, to_list), IntakeStatus.WAITING_FOR_MANAGER)
    )
    assert view is not None
    assert view.proposals == []
    assert view.missing == ["owner"]
    question = (await eventually(lambda: from_agent(sandbox, MANAGER)[1:]))[0]
    assert "Platform team is a group" in _text(question)

    # A list that is one person's: expanded through the directory to that person.
    await send_as(graph, MANAGER, to=[FORECASTING], cc=[AGENT], subject="Q1 forecast", body=ASK)
    one = newest(sandbox, AGENT)
    await intake(temporal, task_queue, in_agent_inbox(one["id"]))
    view = await eventually(
        lambda: view_in_status(thread_handle(temporal, one), IntakeStatus.CONFIRMING)
    )
    assert view is not None
    assert [p.spec.owner.email for p in view.proposals] == [PRIYA]

    # A shared mailbox is a user in the directory, yet no one person's: Accord asks.
    await send_as(graph, MANAGER, to=[FACILITIES], cc=[AGENT], subject="Q1 desks", body=ASK)
    shared = newest(sandbox, AGENT)
    await intake(temporal, task_queue, in_agent_inbox(shared["id"]))
    view = await eventually(
        lambda: view_in_status(thread_handle(temporal, shared), IntakeStatus.WAITING_FOR_MANAGER)
    )
    assert view is not None
    assert view.proposals == []
    assert view.missing == ["owner"]
    [question] = await eventually(
        lambda: [m for m in from_agent(sandbox, MANAGER) if "Q1 desks" in m["subject"]]
    )
    assert f"{FACILITIES} is a shared mailbox" in _text(question)
    for message in (cc_list, to_list, one, shared):
        await thread_handle(temporal, message).terminate("test over")


async def test_a_due_date_too_soon_waits_for_the_managers_confirmation(
    temporal_env: WorkflowEnvironment,
    temporal: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    body = (
        "Hi Sam,\n\nCould you send me the incident summary in 1 hour?\n"
        "Done when: shared with the team.\n\nThanks,\nMaya"
    )
    # The mail is written at Temporal's time (the session's server may have skipped ahead).
    assert sandbox.state is not None
    sandbox.state.clock.set(await temporal_env.get_current_time())
    # A grace window of seconds, passed at the server's own pace: no time skipping needed.
    async with intake_worker_on(
        temporal, task_queue, sandbox, graph, grace_window=timedelta(seconds=2)
    ):
        await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Incident", body=body)
        email = newest(sandbox, AGENT)
        await intake(temporal, task_queue, in_agent_inbox(email["id"]))
        thread = thread_handle(temporal, email)
        [confirmation] = await eventually(lambda: from_agent(sandbox, MANAGER))
        assert "only once you confirm" in _text(confirmation)
        [proposal] = (await view_of(thread)).proposals
        assert proposal.needs_manager_confirmation
        assert proposal.grace_ends_at is not None
        grace_over = proposal.grace_ends_at + timedelta(seconds=2)

        async def after_grace() -> bool:
            return await temporal_env.get_current_time() > grace_over

        await eventually(after_grace, timeout=30)
        view = await view_of(thread)
        assert view.proposals[0].status is DraftStatus.PROPOSED
        assert view.status is IntakeStatus.CONFIRMING
        await thread.execute_update(
            IntakeUpdates.CONFIRM,
            IntakeDecision(actor=MANAGER, commitment_id=proposal.commitment_id, action_id="yes"),
            result_type=IntakeView,
        )
        done = await eventually(lambda: view_in_status(thread, IntakeStatus.DONE), timeout=30)
        assert done is not None
        assert done.proposals[0].status is DraftStatus.STARTED
        commitment = temporal.get_workflow_handle(workflow_id_for(proposal.commitment_id))
        await commitment.terminate("over")
        await thread.terminate("test over")

"""The manager's links in an intake confirmation: Confirm now, Correct (a form), Cancel.

The conversation's workflow is the real one; its activities are stand-ins (no Graph here),
so the pages and the workflow's decisions are tested together.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from playwright.async_api import Browser, async_playwright
from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.intake.contracts import CommitmentStartRequest, DraftsRequest, ResolvedDrafts
from activities.messaging.contracts import OutgoingMessage, SentMessage
from activities.sending.activities import SendRouting
from domain.action_links import ActionClaims, LinkAction, LinkKeyRing
from domain.intake.models import Draft, InboundEmail, Mailbox, Reading
from domain.models import CommitmentSpec, Person
from tests.support.api import NOW
from tests.support.browser import launch_chromium
from tests.support.link_browser import open_like_a_scanner, served
from tests.support.people import AGENT, MANAGER, SAM
from workflows.intake.contracts import (
    INTAKE_VIEW_QUERY,
    MESSAGE_SIGNAL,
    ChangeNotice,
    DraftStatus,
    InboundRead,
    IntakeInput,
    IntakeView,
    ThreadMessage,
    WatchMode,
    commitment_id_for,
    thread_workflow_id,
)
from workflows.intake.workflow import IntakeWorkflow

STARTED: list[CommitmentStartRequest] = []


@activity.defn(name="resolve_intake_drafts")
async def resolve_intake_drafts(request: DraftsRequest) -> ResolvedDrafts:
    draft = request.reading.drafts[0]
    return ResolvedDrafts(
        specs=[
            CommitmentSpec(
                title=draft.title,
                success_criteria=draft.success_criteria,
                owner=Person(email=draft.owner.address, display_name="Sam Okafor"),
                manager=Person(email=request.manager, display_name="Maya Chen"),
                due=draft.due,
            )
        ]
    )


@activity.defn(name="send_message")
async def send_message(message: OutgoingMessage) -> SentMessage:
    return SentMessage(
        idempotency_key=message.idempotency_key, recipient=MANAGER, already_sent=False
    )


@activity.defn(name="start_intake_commitment")
async def start_intake_commitment(request: CommitmentStartRequest) -> None:
    STARTED.append(request)


@pytest_asyncio.fixture
async def thread_worker(temporal: Client, task_queue: str) -> AsyncIterator[Worker]:
    # Its own queue: the API's stub worker already polls ``task_queue``.
    async with Worker(
        temporal,
        task_queue=f"{task_queue}-intake",
        workflows=[IntakeWorkflow],
        activities=[
            resolve_intake_drafts,
            send_message,
            start_intake_commitment,
            SendRouting(task_queue, [AGENT], enabled=False).send_queue,
        ],
    ) as worker:
        yield worker


@pytest_asyncio.fixture
async def due(temporal_env: WorkflowEnvironment) -> datetime:
    """A month after the session server's time: its clock runs ahead of ours by as much as the
    tests before this one skipped, and the workflow checks dates against it."""
    now = await temporal_env.get_current_time()
    return now.replace(microsecond=0) + timedelta(days=30)


async def proposed(
    temporal: Client, task_queue: str, due: datetime
) -> tuple[WorkflowHandle[Any, Any], str]:
    """A conversation proposing one commitment, waiting for Maya (grace: one day)."""
    key = uuid.uuid4().hex
    email = InboundEmail(
        message_id=f"m-{key}",
        conversation_id=f"c-{key}",
        subject="Q1 budget",
        sender=Mailbox(address=MANAGER, name="Maya Chen"),
        to=[Mailbox(address=SAM, name="Sam Okafor")],
        cc=[Mailbox(address=AGENT)],
        sent_at=datetime.now(UTC),
    )
    reading = Reading(
        drafts=[
            Draft(
                owner=Mailbox(address=SAM, name="Sam Okafor"),
                title="Draft the Q1 budget",
                success_criteria="A reviewed sheet shared with finance",
                due=due,
                due_text="by Friday",
            )
        ],
        owners=[Mailbox(address=SAM, name="Sam Okafor")],
    )
    handle = await temporal.start_workflow(
        IntakeWorkflow.run,
        IntakeInput(
            thread_key=key,
            mailbox=AGENT,
            mode=WatchMode.AGENT_INBOX,
            grace_window=timedelta(days=1),
            task_queue=task_queue,
        ),
        id=thread_workflow_id(key),
        task_queue=f"{task_queue}-intake",
        start_signal=MESSAGE_SIGNAL,
        start_signal_args=[
            ThreadMessage(
                notice=ChangeNotice(
                    mailbox=AGENT, mode=WatchMode.AGENT_INBOX, message_id=email.message_id
                ),
                read=InboundRead(email=email, reading=reading, manager_time_zone="Europe/London"),
            )
        ],
    )
    commitment_id = commitment_id_for(key, 0)
    for _ in range(200):
        if (await view(handle)).proposals:
            break
    return handle, commitment_id


async def view(handle: WorkflowHandle[Any, Any]) -> IntakeView:
    found: IntakeView = await handle.query(INTAKE_VIEW_QUERY, result_type=IntakeView)
    return found


def link(links: LinkKeyRing, commitment_id: str, action: LinkAction, person: str = MANAGER) -> str:
    token = links.sign(
        ActionClaims(
            commitment_id=commitment_id,
            person=person,
            action=action,
            link_id=f"{commitment_id}:intake:confirmation:{action}",
            expires_at=NOW + timedelta(days=21),
        )
    )
    return f"/a/{token}"


async def test_confirm_shows_first_then_starts_the_commitment_once(
    http: httpx.AsyncClient,
    temporal: Client,
    task_queue: str,
    thread_worker: Worker,
    links: LinkKeyRing,
    due: datetime,
) -> None:
    handle, commitment_id = await proposed(temporal, task_queue, due)
    url = link(links, commitment_id, LinkAction.CONFIRM_INTAKE)

    shown = await http.get(url)
    assert shown.status_code == 200
    assert "Confirm and share now" in shown.text
    assert "Draft the Q1 budget" in html.unescape(shown.text)
    # One button for the manager to press, and no script to press it for them.
    assert '<button type="submit">Confirm and share</button>' in shown.text
    assert "<script" not in shown.text
    assert (await view(handle)).proposals[0].status is DraftStatus.PROPOSED

    first = await http.post(url)
    again = await http.post(url)

    assert first.status_code == again.status_code == 200
    assert "confirmed" in first.text
    await _eventually_started(handle)
    assert [request.commitment_id for request in STARTED].count(commitment_id) == 1
    await handle.terminate("test over")


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


@pytest.mark.browser
async def test_a_browser_running_scripts_confirms_nothing_until_the_button_is_pressed(
    app: FastAPI,
    temporal: Client,
    task_queue: str,
    thread_worker: Worker,
    links: LinkKeyRing,
    browser: Browser,
    due: datetime,
) -> None:
    # A scanner that opens the manager's Confirm link in a real browser must not confirm it.
    handle, commitment_id = await proposed(temporal, task_queue, due)
    url = link(links, commitment_id, LinkAction.CONFIRM_INTAKE)

    async with served(app) as base:
        page = await open_like_a_scanner(browser, base + url)
        try:
            assert (await view(handle)).proposals[0].status is DraftStatus.PROPOSED
            assert commitment_id not in [request.commitment_id for request in STARTED]
            button = page.get_by_role("button")
            assert await button.count() == 1

            await button.click()
            await page.wait_for_load_state("networkidle")

            assert "Thanks — confirmed." in await page.inner_text("main")
        finally:
            await page.context.close()

    await _eventually_started(handle)
    assert [request.commitment_id for request in STARTED].count(commitment_id) == 1
    await handle.terminate("test over")


async def _eventually_started(handle: WorkflowHandle[Any, Any]) -> None:
    for _ in range(400):
        if (await view(handle)).proposals[0].status is DraftStatus.STARTED:
            return
    raise AssertionError("not started")


async def test_cancel_means_nothing_is_started(
    http: httpx.AsyncClient,
    temporal: Client,
    task_queue: str,
    thread_worker: Worker,
    links: LinkKeyRing,
    due: datetime,
) -> None:
    handle, commitment_id = await proposed(temporal, task_queue, due)

    response = await http.post(link(links, commitment_id, LinkAction.CANCEL_INTAKE))
    late_confirm = await http.post(link(links, commitment_id, LinkAction.CONFIRM_INTAKE))

    assert response.status_code == 200
    assert "nothing will be sent" in response.text
    assert late_confirm.status_code == 409
    assert "cancelled" in late_confirm.text
    assert (await view(handle)).proposals[0].status is DraftStatus.CANCELLED
    assert commitment_id not in [request.commitment_id for request in STARTED]
    await handle.terminate("test over")


async def test_correct_shows_a_form_and_starts_the_corrected_version(
    http: httpx.AsyncClient,
    temporal: Client,
    task_queue: str,
    thread_worker: Worker,
    links: LinkKeyRing,
    due: datetime,
) -> None:
    handle, commitment_id = await proposed(temporal, task_queue, due)
    url = link(links, commitment_id, LinkAction.CORRECT_INTAKE)

    form = await http.get(url)
    assert form.status_code == 200
    assert 'name="title"' in form.text
    assert "Europe/London" in form.text
    action = re.search(r'action="([^"]+)"', form.text)
    assert action is not None
    target = f"/a/{html.unescape(action.group(1))}"
    new_due = (due + timedelta(days=7)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M")

    saved = await http.post(
        target,
        data={"title": "Draft the Q2 budget", "success_criteria": "Shared", "due": new_due},
    )

    assert saved.status_code == 200, saved.text
    assert "corrected and confirmed" in saved.text
    await _eventually_started(handle)
    [started] = [request for request in STARTED if request.commitment_id == commitment_id]
    assert started.spec.title == "Draft the Q2 budget"
    assert started.spec.success_criteria == "Shared"
    await handle.terminate("test over")


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"title": "x", "success_criteria": "y", "due": "not a date"}, 400),
        ({"title": " ", "success_criteria": "y", "due": "2030-01-01T10:00"}, 400),
        ({"title": "x", "success_criteria": "y", "due": "2001-01-01T10:00"}, 409),
    ],
)
async def test_a_bad_correction_changes_nothing(
    http: httpx.AsyncClient,
    temporal: Client,
    task_queue: str,
    thread_worker: Worker,
    links: LinkKeyRing,
    fields: dict[str, str],
    status: int,
    due: datetime,
) -> None:
    handle, commitment_id = await proposed(temporal, task_queue, due)
    url = link(links, commitment_id, LinkAction.CORRECT_INTAKE)

    response = await http.post(f"{url}/correct", data=fields)

    assert response.status_code == status
    assert (await view(handle)).proposals[0].status is DraftStatus.PROPOSED
    await handle.terminate("test over")


async def test_only_the_manager_can_answer(
    http: httpx.AsyncClient,
    temporal: Client,
    task_queue: str,
    thread_worker: Worker,
    links: LinkKeyRing,
    due: datetime,
) -> None:
    handle, commitment_id = await proposed(temporal, task_queue, due)

    response = await http.post(link(links, commitment_id, LinkAction.CANCEL_INTAKE, person=SAM))

    assert response.status_code == 409
    assert "Only the manager" in html.unescape(response.text)
    assert (await view(handle)).proposals[0].status is DraftStatus.PROPOSED
    await handle.terminate("test over")


async def test_a_link_to_an_unknown_conversation_is_a_404(
    http: httpx.AsyncClient, links: LinkKeyRing
) -> None:
    missing = commitment_id_for(uuid.uuid4().hex, 0)

    assert (await http.get(link(links, missing, LinkAction.CONFIRM_INTAKE))).status_code == 404
    assert (await http.post(link(links, missing, LinkAction.CANCEL_INTAKE))).status_code == 404

"""Intake workflows with real activities against the sandbox, on the time-skipping server.

Mail is really sent through Graph (the SDK against the sandbox); each test then starts the
message's workflow as the webhook would (the webhook and subscriptions have their own tests,
and tests/test_intake_e2e.py runs the whole chain). Time skipping carries the grace window.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from msgraph.generated.models.message import Message
from msgraph.generated.users.item.messages.item.reply.reply_post_request_body import (
    ReplyPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.models import CommitmentStatus
from sandbox.server import SandboxServer
from tests.support.inbound_mail import deliver_from_internet
from tests.support.intake import (
    ASK,
    ASK_WITHOUT_DATE,
    INTAKE_GRACE,
    INTAKE_ID_KEY,
    copied_email,
    from_agent,
    in_agent_inbox,
    intake,
    thread_handle,
    view_in_status,
    view_of,
)
from tests.support.mailboxes import newest, send_as
from tests.support.people import AGENT, MANAGER, PRIYA, SAM
from tests.support.polling import eventually
from workflows.commitment.contracts import VIEW_QUERY, CommitmentView, workflow_id_for
from workflows.intake.contracts import (
    ChangeNotice,
    DraftStatus,
    IntakeDecision,
    IntakeStatus,
    IntakeUpdates,
    IntakeView,
    WatchMode,
    commitment_id_for,
    thread_key,
    thread_of_commitment,
    thread_workflow_id,
)

GRACE = INTAKE_GRACE


async def test_a_copied_request_is_confirmed_then_reaches_its_owner_after_the_grace_window(
    temporal_env: WorkflowEnvironment,
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    email = await copied_email(sandbox, graph)
    notice = in_agent_inbox(email["id"])

    assert await intake(temporal, task_queue, notice) == "delivered"
    thread = thread_handle(temporal, email)
    [confirmation] = await eventually(lambda: from_agent(sandbox, MANAGER))
    assert confirmation["subject"].startswith("Please check:")
    assert "Confirm now" in confirmation["body"]["content"]
    view = await view_of(thread)
    assert view.status is IntakeStatus.CONFIRMING
    [proposal] = view.proposals
    assert proposal.spec.owner.email == SAM
    assert proposal.spec.manager.email == MANAGER
    assert from_agent(sandbox, SAM) == []  # not before the grace window

    # A second delivery of the same message starts nothing new.
    assert await intake(temporal, task_queue, notice) == "delivered"
    assert (await view_of(thread)).messages_seen == 1

    await temporal_env.sleep(GRACE + timedelta(minutes=1))
    [expectation] = await eventually(lambda: from_agent(sandbox, SAM), timeout=30)
    assert "Q1 budget" in expectation["subject"]
    commitment = temporal.get_workflow_handle(workflow_id_for(proposal.commitment_id))
    commitment_view = await commitment.query(VIEW_QUERY, result_type=CommitmentView)
    assert commitment_view.status is CommitmentStatus.AWAITING_ACCEPTANCE
    assert (await view_of(thread)).proposals[0].status is DraftStatus.STARTED
    await commitment.terminate("test over")
    await thread.terminate("test over")


def test_conversation_keys_are_a_keyed_mac_stable_per_conversation() -> None:
    conversation = "AAQkADAwATMwMAItYjM3Zi1hNjQ4LTAwAi0wMAoAEADfake"
    # What anyone holding the email could compute before: a plain hash of its conversation.
    plain = hashlib.sha256(f"conversation\n{conversation}".encode()).hexdigest()[:32]

    key = thread_key(AGENT, conversation, "message-1", key=INTAKE_ID_KEY)

    assert key != plain
    assert commitment_id_for(key, 0) != f"mail-{plain}-0"
    # The same conversation, however it arrives, keeps its key (a re-delivery finds its thread).
    assert thread_key(MANAGER, conversation, "message-2", key=INTAKE_ID_KEY) == key
    assert thread_key(AGENT, conversation, "message-1", key=b"another deployment's key") != key
    assert thread_of_commitment(commitment_id_for(key, 2)) == (key, 2)


async def test_the_commitment_ids_of_an_email_cannot_be_computed_from_it(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    email = await copied_email(sandbox, graph)
    await intake(temporal, task_queue, in_agent_inbox(email["id"]))
    await eventually(lambda: from_agent(sandbox, MANAGER))
    plain = hashlib.sha256(f"conversation\n{email['conversationId']}".encode()).hexdigest()[:32]

    thread = thread_handle(temporal, email)
    [proposal] = (await view_of(thread)).proposals

    assert proposal.commitment_id != f"mail-{plain}-0"
    with pytest.raises(RPCError):
        await temporal.get_workflow_handle(thread_workflow_id(plain)).describe()
    await thread.terminate("test over")


async def test_a_cancelled_request_never_reaches_its_owner(
    temporal_env: WorkflowEnvironment,
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    email = await copied_email(sandbox, graph)
    notice = in_agent_inbox(email["id"])
    await intake(temporal, task_queue, notice)
    thread = thread_handle(temporal, email)
    await eventually(lambda: from_agent(sandbox, MANAGER))
    [proposal] = (await view_of(thread)).proposals
    decision = IntakeDecision(
        actor=MANAGER, commitment_id=proposal.commitment_id, action_id="link-1"
    )

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await thread.execute_update(
            IntakeUpdates.CANCEL,
            decision.model_copy(update={"actor": SAM, "action_id": "other"}),
            result_type=IntakeView,
        )
    assert "Only the manager" in str(refused.value.cause)
    view = await thread.execute_update(IntakeUpdates.CANCEL, decision, result_type=IntakeView)
    assert view.proposals[0].status is DraftStatus.CANCELLED
    await temporal_env.sleep(GRACE * 2)

    assert (await view_of(thread)).status is IntakeStatus.DONE
    assert from_agent(sandbox, SAM) == []
    with pytest.raises(RPCError):
        await temporal.get_workflow_handle(workflow_id_for(proposal.commitment_id)).describe()
    await thread.terminate("test over")


async def test_a_missing_date_is_asked_in_the_thread_and_the_answer_completes_it(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    email = await copied_email(sandbox, graph, body=ASK_WITHOUT_DATE)
    await intake(
        temporal,
        task_queue,
        in_agent_inbox(email["id"]),
    )
    thread = thread_handle(temporal, email)
    [question] = await eventually(lambda: from_agent(sandbox, MANAGER))
    assert question["conversationId"] == email["conversationId"]
    assert question["subject"] == "RE: Q1 budget"
    assert "reply to this email with the date" in question["body"]["content"]
    assert (await view_of(thread)).status is IntakeStatus.WAITING_FOR_MANAGER

    await (
        graph.users.by_user_id(MANAGER)
        .messages.by_message_id(question["id"])
        .reply.post(ReplyPostRequestBody(comment="Friday 3pm please"))
    )
    answer = newest(sandbox, AGENT)
    assert answer["conversationId"] == email["conversationId"]
    await intake(
        temporal,
        task_queue,
        in_agent_inbox(answer["id"]),
    )

    view = await eventually(lambda: view_in_status(thread, IntakeStatus.CONFIRMING), timeout=30)
    assert view is not None
    [proposal] = view.proposals
    assert proposal.spec.owner.email == SAM
    assert proposal.spec.due.astimezone(UTC).weekday() == 4  # a Friday
    confirmation = (await eventually(lambda: from_agent(sandbox, MANAGER)[1:]))[0]
    assert confirmation["subject"].startswith("Please check:")
    await thread.terminate("test over")


async def test_the_same_thread_never_starts_a_second_commitment(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    email = await copied_email(sandbox, graph)
    await intake(
        temporal,
        task_queue,
        in_agent_inbox(email["id"]),
    )
    await eventually(lambda: from_agent(sandbox, MANAGER))
    # Maya writes again in the same thread, Accord still in Cc.
    await send_as(
        graph,
        MANAGER,
        to=[SAM],
        cc=[AGENT],
        subject="RE: Q1 budget",
        body="Sam, could you also send the forecast by Monday? Done when: shared with finance.",
    )
    second = newest(sandbox, AGENT)
    # Exchange gives a reply-all the first email's conversation; sendMail cannot, so set it.
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(AGENT)["id"]
    second["conversationId"] = email["conversationId"]
    sandbox.state.store.put("messages", user_id, second["id"], second)

    outcome = await intake(
        temporal,
        task_queue,
        in_agent_inbox(second["id"]),
    )

    thread = thread_handle(temporal, email)
    assert outcome == "delivered"
    view = await view_of(thread)
    assert len(view.proposals) == 1
    assert len(from_agent(sandbox, MANAGER)) == 1
    await thread.terminate("test over")


async def test_bad_input_gets_a_defined_outcome_and_nothing_starts(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    # (A message too long to read is answered: see test_reading_budget.py.)
    # Accord's own mail coming back (a loop).
    await send_as(graph, AGENT, to=[AGENT], cc=[], subject="Loop", body=ASK)
    own = newest(sandbox, AGENT)
    # A newsletter-like mail with a list header, and an auto-reply.
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(AGENT)["id"]
    await send_as(graph, PRIYA, to=[AGENT], cc=[], subject="Weekly news", body=ASK)
    bulk = newest(sandbox, AGENT)
    bulk["internetMessageHeaders"] = [{"name": "List-Id", "value": "<news.northwind.example>"}]
    sandbox.state.store.put("messages", user_id, bulk["id"], bulk)
    await send_as(graph, SAM, to=[AGENT], cc=[], subject="Automatic reply: Q1", body=ASK)
    auto = newest(sandbox, AGENT)
    auto["internetMessageHeaders"] = [{"name": "Auto-Submitted", "value": "auto-replied"}]
    sandbox.state.store.put("messages", user_id, auto["id"], auto)
    # A spoofed sender from outside the tenant (Graph shows the from it was given).
    await send_as(graph, PRIYA, to=[AGENT], cc=[], subject="Urgent", body=ASK)
    spoofed = newest(sandbox, AGENT)
    spoofed["from"] = {"emailAddress": {"address": "ceo@evil.example", "name": "The CEO"}}
    sandbox.state.store.put("messages", user_id, spoofed["id"], spoofed)

    outcomes = {
        name: await intake(
            temporal,
            task_queue,
            in_agent_inbox(message["id"]),
        )
        for name, message in {
            "own": own,
            "bulk": bulk,
            "auto": auto,
            "spoofed": spoofed,
        }.items()
    }
    gone = await intake(
        temporal,
        task_queue,
        in_agent_inbox("no-such-message"),
    )

    assert outcomes == {
        "own": "own_mail",
        "bulk": "bulk",
        "auto": "auto_reply",
        "spoofed": "outside_tenant",
    }
    assert gone == "message_gone"
    assert from_agent(sandbox, MANAGER) == []
    assert from_agent(sandbox, SAM) == []


async def test_a_flagged_message_becomes_a_commitment_with_the_flags_due_date(
    temporal_env: WorkflowEnvironment,
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    await send_as(graph, MANAGER, to=[SAM], cc=[], subject="Q1 budget", body=ASK_WITHOUT_DATE)
    sent = newest(sandbox, MANAGER, "sentitems")
    due = (datetime.now(UTC) + timedelta(days=9)).replace(microsecond=0)
    patch = Message(categories=["Accord"])
    patch.flag = _flag(due)
    await graph.users.by_user_id(MANAGER).messages.by_message_id(sent["id"]).patch(patch)
    flagged = newest(sandbox, MANAGER, "sentitems")
    notice = ChangeNotice(
        mailbox=MANAGER,
        mode=WatchMode.FLAGS,
        message_id=flagged["id"],
        change_key=flagged["changeKey"],
    )

    assert await intake(temporal, task_queue, notice) == "delivered"

    [confirmation] = await eventually(lambda: from_agent(sandbox, MANAGER))
    assert confirmation["subject"].startswith("Please check:")
    thread = temporal.get_workflow_handle(
        thread_workflow_id(
            thread_key(MANAGER, flagged["conversationId"], flagged["id"], key=INTAKE_ID_KEY)
        )
    )
    [proposal] = (await view_of(thread)).proposals
    assert proposal.spec.due == due
    assert proposal.spec.owner.email == SAM
    # An update that is not a flag for intake (it was read) starts nothing.
    unflagged = ChangeNotice(
        mailbox=MANAGER,
        mode=WatchMode.FLAGS,
        message_id=newest(sandbox, MANAGER)["id"],
        change_key="other",
    )
    assert await intake(temporal, task_queue, unflagged) == "not_flagged_for_intake"
    # Confirm now: the owner hears at once, without waiting for the grace window.
    await thread.execute_update(
        IntakeUpdates.CONFIRM,
        IntakeDecision(actor=MANAGER, commitment_id=proposal.commitment_id, action_id="c1"),
        result_type=IntakeView,
    )
    await eventually(lambda: from_agent(sandbox, SAM), timeout=30)
    await thread.terminate("test over")
    await temporal.get_workflow_handle(workflow_id_for(proposal.commitment_id)).terminate("over")


def _flag(due: datetime) -> Any:
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.models.followup_flag import FollowupFlag
    from msgraph.generated.models.followup_flag_status import FollowupFlagStatus

    return FollowupFlag(
        flag_status=FollowupFlagStatus.Flagged,
        start_date_time=DateTimeTimeZone(
            date_time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"), time_zone="UTC"
        ),
        due_date_time=DateTimeTimeZone(
            date_time=due.strftime("%Y-%m-%dT%H:%M:%S"), time_zone="UTC"
        ),
    )


async def test_mail_that_only_claims_to_be_from_the_manager_starts_nothing(
    temporal: Client,
    intake_worker: Worker,
    task_queue: str,
    sandbox: SandboxServer,
) -> None:
    # From the internet with Maya's address: Exchange stamps AuthAs Anonymous, dmarc=fail
    # and compauth=fail, and no header the sender adds can say otherwise.
    _ = await deliver_from_internet(
        sandbox,
        sender=MANAGER,
        to=[SAM],
        cc=[AGENT],
        subject="Q1 budget",
        body=ASK,
        headers={"X-MS-Exchange-Organization-AuthAs": "Internal"},
    )
    spoofed = newest(sandbox, AGENT)
    assert spoofed["from"]["emailAddress"]["address"] == MANAGER

    outcome = await intake(temporal, task_queue, in_agent_inbox(spoofed["id"]))

    assert outcome == "unauthenticated_sender"
    assert from_agent(sandbox, MANAGER) == []
    assert from_agent(sandbox, SAM) == []

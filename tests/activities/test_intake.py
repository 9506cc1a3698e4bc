"""Intake activities against the sandbox: reading a message, and what is never read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.intake.activities import IntakeActivities, flag_due, inbound_email
from activities.intake.contracts import CommitmentStartRequest, InboundLookup
from domain.intake import read_email
from domain.intake.models import Ignored, InboundEmail, Reading, SenderContext
from domain.models import Person
from sandbox.server import SandboxServer
from tests.support.intake import ASK, INTAKE_ID_KEY
from tests.support.lifecycle import spec_for
from tests.support.mailboxes import mailbox, send_as
from tests.support.people import AGENT, MANAGER, SAM
from workflows.commitment.contracts import CommitmentInput, workflow_id_for
from workflows.intake.contracts import ChangeNotice, WatchMode


def activities(graph: GraphServiceClient, temporal: Client, **changes: Any) -> IntakeActivities:
    options: dict[str, Any] = {
        "agent_mailbox": AGENT,
        "tenant_domains": ["northwind.example"],
        "category": "Accord",
        "task_queue": "unused",
        "grace_window": timedelta(minutes=15),
        "id_key": INTAKE_ID_KEY,
        **changes,
    }
    return IntakeActivities(graph, temporal, **options)


async def copied(sandbox: SandboxServer, graph: GraphServiceClient) -> ChangeNotice:
    await send_as(graph, MANAGER, to=[SAM], cc=[AGENT], subject="Q1 budget", body=ASK)
    message = mailbox(sandbox, AGENT)[-1]
    return ChangeNotice(mailbox=AGENT, mode=WatchMode.AGENT_INBOX, message_id=message["id"])


async def test_a_message_is_read_with_its_senders_zone_and_without_its_body(
    sandbox: SandboxServer, graph: GraphServiceClient, temporal_env: WorkflowEnvironment
) -> None:
    notice = await copied(sandbox, graph)

    read = await ActivityEnvironment().run(
        activities(graph, temporal_env.client).read_inbound_message, InboundLookup(notice=notice)
    )

    assert read.skip_reason is None
    assert read.reading is not None and read.reading.is_complete
    assert read.email is not None and read.email.body == ""  # kept out of histories
    assert read.email.sender.address == MANAGER
    assert read.manager_time_zone != "UTC"  # Maya's mailbox settings were read
    assert read.thread_key


async def test_a_parser_failure_is_a_defined_skip_not_a_retry_loop(
    sandbox: SandboxServer, graph: GraphServiceClient, temporal_env: WorkflowEnvironment
) -> None:
    def broken(_email: InboundEmail, _context: SenderContext) -> Reading:
        raise RuntimeError("unexpected")

    notice = await copied(sandbox, graph)

    read = await ActivityEnvironment().run(
        activities(graph, temporal_env.client, reader=broken).read_inbound_message,
        InboundLookup(notice=notice),
    )

    assert read.skip_reason == "unreadable"


async def test_a_message_over_the_limit_is_not_parsed_but_answered(
    sandbox: SandboxServer, graph: GraphServiceClient, temporal_env: WorkflowEnvironment
) -> None:
    calls: list[InboundEmail] = []

    def counting(email: InboundEmail, context: SenderContext) -> Reading:
        calls.append(email)
        return read_email(email, context)

    notice = await copied(sandbox, graph)

    read = await ActivityEnvironment().run(
        activities(
            graph, temporal_env.client, reader=counting, max_body_chars=10
        ).read_inbound_message,
        InboundLookup(notice=notice),
    )

    # Never parsed, but answered: the thread hears that Accord could not read it.
    assert calls == []
    assert read.skip_reason is None
    assert read.read_in_time is False
    assert read.reading is not None
    assert read.reading.ignored is Ignored.NOT_A_REQUEST
    assert read.email is not None
    assert read.email.body == ""


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            {
                "flag": {
                    "flagStatus": "flagged",
                    "dueDateTime": {
                        "dateTime": "2026-12-01T17:00:00.0000000",
                        "timeZone": "Pacific Standard Time",
                    },
                },
                "categories": ["accord"],
            },
            datetime(2026, 12, 2, 1, tzinfo=UTC),
        ),
        (
            {
                "flag": {
                    "flagStatus": "flagged",
                    "dueDateTime": {"dateTime": "2026-12-01T17:00:00", "timeZone": "UTC"},
                },
                "categories": ["Other"],
            },
            None,
        ),
        (
            {
                "flag": {
                    "flagStatus": "complete",
                    "dueDateTime": {"dateTime": "2026-12-01T17:00:00", "timeZone": "UTC"},
                },
                "categories": ["Accord"],
            },
            None,
        ),
        ({"flag": {"flagStatus": "flagged"}, "categories": ["Accord"]}, None),
        (
            {
                "flag": {
                    "flagStatus": "flagged",
                    "dueDateTime": {"dateTime": "soon", "timeZone": "UTC"},
                },
                "categories": ["Accord"],
            },
            None,
        ),
    ],
    ids=["flagged", "other category", "complete", "no due date", "unreadable date"],
)
def test_only_a_flag_with_a_due_date_and_the_category_counts(
    message: dict[str, Any], expected: datetime | None
) -> None:
    assert flag_due(message, "Accord") == expected


def test_a_message_without_a_sender_cannot_be_read() -> None:
    assert inbound_email({"id": "m", "sentDateTime": "2026-11-22T10:00:00Z"}) is None


async def test_a_forward_to_accord_alone_finds_the_owner_among_the_senders_reports(
    sandbox: SandboxServer, graph: GraphServiceClient, temporal_env: WorkflowEnvironment
) -> None:
    # Issue 18: the reader can only name an owner it knows of; intake hands it the
    # sender's direct reports, with their names, and the sender's mailbox language.
    first_name = SAM.split(".")[0].capitalize()
    body = (
        f"{first_name}, could you take this one by Friday 3pm?\n\n"
        "---------- Forwarded message ---------\n"
        "From: Dana Customer <dana@contoso.example>\n"
        "Subject: Rollout\n\nCould you send us the rollout plan?"
    )
    await send_as(graph, MANAGER, to=[AGENT], cc=[], subject="FW: Rollout", body=body)
    message = mailbox(sandbox, AGENT)[-1]
    notice = ChangeNotice(mailbox=AGENT, mode=WatchMode.AGENT_INBOX, message_id=message["id"])

    read = await ActivityEnvironment().run(
        activities(graph, temporal_env.client).read_inbound_message, InboundLookup(notice=notice)
    )

    assert read.reading is not None
    assert [owner.address for owner in read.reading.owners] == [SAM]


async def test_a_commitment_from_mail_starts_with_the_run_length_it_was_given(
    graph: GraphServiceClient, temporal: Client, task_queue: str
) -> None:
    client = temporal
    intake = activities(graph, client, task_queue=task_queue, run_events=40)
    now = datetime.now(UTC)
    request = CommitmentStartRequest(
        commitment_id=f"mail-{task_queue}",
        spec=spec_for(Person(email=SAM, display_name="Sam Okafor"), now + timedelta(days=7)),
        created_at=now,
    )
    await ActivityEnvironment().run(intake.start_intake_commitment, request)
    handle = client.get_workflow_handle(workflow_id_for(request.commitment_id))
    history = await handle.fetch_history()
    await handle.terminate("the test is over")
    started = history.events[0].workflow_execution_started_event_attributes
    [start] = await client.data_converter.decode(started.input.payloads, [CommitmentInput])
    assert isinstance(start, CommitmentInput)
    assert start.run_events == 40

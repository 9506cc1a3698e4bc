"""Retiring a payload key early, on the session's dev server with real workers and a sandbox.

A commitment and a person's entity start under key A; the workers move to the ring [B, A];
``accord keys reencrypt`` makes both continue as new; the new runs' histories are readable
with B alone, nothing reaches anyone twice, and the commitment carries on to its end.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import os
import secrets
import sys
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from msgraph.graph_service_client import GraphServiceClient
from temporalio.api.common.v1 import Payload
from temporalio.client import (
    Client,
    ScheduleActionStartWorkflow,
    ScheduleHandle,
    WorkflowExecutionStatus,
    WorkflowHandle,
)
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from accord.cli.main import build_parser
from accord.keys.inventory import (
    Pacer,
    Run,
    key_ids_in,
    payloads_in,
    refresh_query,
    status_query,
)
from accord.keys.rotation import request_refresh, run_keys_command
from accord.settings import AccordSettings
from domain.digest import DigestTiming
from domain.models import CheckInAnswer, CommitmentStatus, Person
from domain.preferences import PersonRecord
from integrations.temporal.codec import EncryptionCodec, PayloadKeyRing, key_id_for
from integrations.temporal.converter import build_data_converter
from sandbox.extended_properties import PROPERTY
from sandbox.server import SandboxServer
from tests.support.lifecycle import act, lifecycle_worker, spec_for, work_round_the_clock
from tests.support.mailboxes import from_agent, mailbox
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from workflows.commitment.client import start_commitment
from workflows.commitment.contracts import (
    ActorAction,
    CheckInAnswerInput,
    CommitmentInput,
    workflow_id_for,
)
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.digest.client import digest_schedule
from workflows.digest.contracts import DigestTrigger
from workflows.person.contracts import PersonInput, person_workflow_id
from workflows.person.workflow import PersonWorkflow

KEY_A = secrets.token_bytes(32)
KEY_B = secrets.token_bytes(32)
SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")


def _client_with(env: WorkflowEnvironment, *keys: bytes) -> Client:
    config = env.client.config()
    config["data_converter"] = build_data_converter(EncryptionCodec(PayloadKeyRing(keys)))
    return Client(**config)


def _settings(*keys: bytes, task_queue: str = "accord-commitments") -> AccordSettings:
    encoded = [base64.b64encode(key).decode() for key in keys]
    return AccordSettings.model_validate(
        {"payload_keys": encoded, "temporal_task_queue": task_queue}
    )


async def _keys(client: Client, settings: AccordSettings, *argv: str) -> tuple[int, str]:
    args: argparse.Namespace = build_parser(settings).parse_args(["keys", *argv])
    out = io.StringIO()
    code = await run_keys_command(args, settings, client=client, out=out)
    return code, out.getvalue()


async def _keys_until(text: str, client: Client, settings: AccordSettings, *argv: str) -> str:
    async def answered() -> str | None:
        code, out = await _keys(client, settings, *argv)
        return out if code == 0 and text in out else None

    found = await eventually(answered)
    assert found is not None
    return found


@asynccontextmanager
async def _workers(
    client: Client, task_queue: str, sandbox: SandboxServer, graph: GraphServiceClient
) -> AsyncIterator[None]:
    async with (
        lifecycle_worker(client, task_queue, sandbox, graph),
        Worker(client, task_queue=f"{task_queue}-people", workflows=[PersonWorkflow]),
    ):
        yield


async def _closed(handle: WorkflowHandle[Any, Any]) -> WorkflowExecutionStatus | None:
    status = (await handle.describe()).status
    return status if status is not WorkflowExecutionStatus.RUNNING else None


async def _payloads_of(handle: WorkflowHandle[Any, Any]) -> list[Payload]:
    return [
        payload
        async for event in handle.fetch_history_events()
        for payload in payloads_in(event)
        if payload.metadata.get("encoding") == b"binary/encrypted"
    ]


async def _schedule_input(schedule: ScheduleHandle) -> list[Payload]:
    action = (await schedule.describe()).schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    return [arg for arg in action.args if isinstance(arg, Payload)]


async def _schedule_keys(schedule: ScheduleHandle) -> set[str]:
    return key_ids_in(await _schedule_input(schedule))


async def _decoded_with(key: bytes, payload: Payload) -> DigestTrigger:
    converter = build_data_converter(EncryptionCodec(PayloadKeyRing([key])))
    [trigger] = await converter.decode([payload], [DigestTrigger])
    assert isinstance(trigger, DigestTrigger)
    return trigger


def _sent_keys(sandbox: SandboxServer) -> list[str]:
    # Sent Items keeps the idempotency key as an extended property, as Exchange does.
    return [
        str(prop["value"])
        for message in mailbox(sandbox, AGENT, "sentitems")
        for prop in message.get(PROPERTY) or []
        if str(prop["id"]).endswith("Name AccordIdempotencyKey")
    ]


async def test_a_leaked_key_is_retired_early_without_a_message_sent_twice(
    dev_server: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    await work_round_the_clock(graph, SAM)
    await work_round_the_clock(graph, MANAGER)
    old_client = _client_with(dev_server, KEY_A)
    new_client = _client_with(dev_server, KEY_B, KEY_A)
    settings = _settings(KEY_B, KEY_A, task_queue=task_queue)
    only_ours = f"TaskQueue IN ('{task_queue}', '{task_queue}-people')"
    now = await dev_server.get_current_time()

    async with _workers(old_client, task_queue, sandbox, graph):
        # Started as the API starts it: with search attributes and the title in the memo.
        start = CommitmentInput(
            commitment_id=uuid.uuid4().hex[:12],
            spec=spec_for(SAM_PERSON, now + timedelta(days=10)),
            created_at=now,
        )
        await start_commitment(old_client, start, task_queue)
        handle = old_client.get_workflow_handle_for(
            CommitmentWorkflow.run, workflow_id_for(start.commitment_id)
        )
        first_run_id = (await handle.describe()).run_id
        person = await old_client.start_workflow(
            PersonWorkflow.run,
            PersonInput(record=PersonRecord(email=SAM)),
            id=f"{task_queue}:{person_workflow_id(SAM)}",
            task_queue=f"{task_queue}-people",
        )
        await eventually(lambda: from_agent(sandbox, SAM))

        async def expectation_recorded() -> bool:
            # The mail lands before the workflow records its sending: wait for the record, so
            # that the history's order below does not depend on the machine's load.
            view = await handle.query(CommitmentWorkflow.view)
            return any(entry.kind == "sent:expectation" for entry in view.history)

        await eventually(expectation_recorded)
        _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
        schedule = await old_client.create_schedule(
            f"{task_queue}-digest",
            digest_schedule(
                MANAGER,
                timing=DigestTiming(),
                time_zone="Europe/London",
                enabled=False,
                task_queue=task_queue,
            ),
        )
    assert await _schedule_keys(schedule) == {key_id_for(KEY_A)}
    assert key_ids_in([e async for e in handle.fetch_history_events()]) == {key_id_for(KEY_A)}

    async with _workers(new_client, task_queue, sandbox, graph):
        # Every worker now encrypts with B: the runs started before this need refreshing.
        ours = ["--before", datetime.now(UTC).isoformat(), "--query", only_ours]
        # Visibility catches up with new and continued runs within moments: poll it.
        await _keys_until(
            "total: would ask 2,", new_client, settings, "reencrypt", "--dry-run", *ours
        )
        code, report = await _keys(new_client, settings, "reencrypt", *ours)
        assert code == 0
        assert "CommitmentWorkflow: asked 1," in report and "PersonWorkflow: asked 1," in report
        assert "schedules: rewrote 1, already current 0, failed 0" in report
        assert await _schedule_keys(schedule) == {key_id_for(KEY_B)}
        [stored] = await _schedule_input(schedule)
        assert await _decoded_with(KEY_B, stored) == DigestTrigger(
            manager=MANAGER, time_zone="Europe/London"
        )

        old_runs = [
            new_client.get_workflow_handle(handle.id, run_id=first_run_id),
            new_client.get_workflow_handle(person.id, run_id=person.first_execution_run_id),
        ]
        for old_run in old_runs:
            status = await eventually(lambda run=old_run: _closed(run))  # type: ignore[misc]
            assert status is WorkflowExecutionStatus.CONTINUED_AS_NEW
        # A run that continued refuses the signal, so no newer run is asked through it.
        stale = [Run(r.id, r.run_id or "", "") for r in old_runs]
        refused = await request_refresh(new_client, stale, reason="test", pacer=Pacer(100))
        assert refused.moved_on.total() == 2 and refused.asked.total() == 0
        # Asked again: the runs that continued are not asked twice.
        code, again = await _keys(new_client, settings, "reencrypt", *ours)
        assert code == 0 and "total: asked 0," in again
        assert "schedules: rewrote 0, already current 1," in again

        latest = new_client.get_workflow_handle_for(CommitmentWorkflow.run, handle.id)
        latest_person = new_client.get_workflow_handle(person.id)
        only_b = EncryptionCodec(PayloadKeyRing([KEY_B]))
        for run in (latest, latest_person):
            payloads = await _payloads_of(run)
            assert payloads, "the new run's state is in its history"
            assert {p.metadata["encryption-key-id"].decode() for p in payloads} == {
                key_id_for(KEY_B)
            }
            assert len(await only_b.decode(payloads)) == len(payloads)

        status_report = await _keys_until(
            "histories read: 2, unreadable: 0", new_client, settings, "status", "--query", only_ours
        )
        assert f"{key_id_for(KEY_B)}: 2 histories (current key)" in status_report
        assert f"schedules read: 1\n  {key_id_for(KEY_B)}: 1 schedule (current key)" in (
            status_report
        )
        assert key_id_for(KEY_A) not in status_report.split("\n", 1)[1]
        # What is left: the runs that continued as new keep A until retention removes them.
        closed_report = await _keys_until(
            "histories read: 4,", new_client, settings, "status", "--closed", "--show",
            "--query", only_ours,
        )  # fmt: skip
        assert f"{key_id_for(KEY_A)}: 2 histories (older key, still held)" in closed_report
        assert f"CommitmentWorkflow {handle.id} {first_run_id}:" in closed_report
        await schedule.delete()

        assert await (await latest.describe()).memo() == {"title": "Draft the Q1 budget"}
        view = await latest.query(CommitmentWorkflow.view)
        assert view.status is CommitmentStatus.ACTIVE
        assert [entry.kind for entry in view.history][:3] == [
            "expectation_set",
            "sent:expectation",
            "accepted",
        ]
        view = await act(
            latest,
            CommitmentWorkflow.check_in,
            CheckInAnswerInput(actor=SAM, answer=CheckInAnswer.DONE, note="Shared."),
        )
        assert view.status is CommitmentStatus.DONE
        await latest.result()

    # The new run replays on a worker that holds B alone.
    replayer = Replayer(
        workflows=[CommitmentWorkflow],
        data_converter=build_data_converter(EncryptionCodec(PayloadKeyRing([KEY_B]))),
    )
    result = await replayer.replay_workflow(
        await latest.fetch_history(), raise_on_replay_failure=False
    )
    assert result.replay_failure is None
    sent = _sent_keys(sandbox)
    assert len(sent) == len(set(sent)) == 3, sent  # expectation, thanks, notice
    assert len(from_agent(sandbox, SAM)) == 2 and len(from_agent(sandbox, MANAGER)) == 1


@pytest.mark.processes
async def test_the_command_line_reaches_temporal_from_the_settings(
    dev_server: WorkflowEnvironment, task_queue: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "ACCORD_TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
        "ACCORD_PAYLOAD_KEYS": json.dumps([base64.b64encode(KEY_B).decode()]),
        "ACCORD_TEMPORAL_TASK_QUEUE": task_queue,
        "ACCORD_DATA_DIR": str(tmp_path / "accord"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "accord.cli.main", "keys", "reencrypt", "--dry-run",
        "--before", "2026-11-22T06:00:00Z", "--query", f"TaskQueue = '{task_queue}'",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert out.decode().splitlines()[-2:] == [
        "total: would ask 0, already moved on 0, failed 0",
        "schedules: would rewrite 0, already current 0, failed 0",
    ]


async def test_a_query_temporal_refuses_is_a_clear_exit_code(
    dev_server: WorkflowEnvironment,
) -> None:
    client = _client_with(dev_server, KEY_B)
    code, out = await _keys(
        client,
        _settings(KEY_B),
        "reencrypt",
        "--before",
        "2026-11-22T06:00:00Z",
        "--query",
        "NoSuchField = 1",
    )
    assert code == 2 and out == ""


def test_the_queries_name_the_runs_still_to_do() -> None:
    before = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
    query = refresh_query(before, "WorkflowId = 'x'")
    assert "ExecutionStatus = 'Running'" in query
    assert "StartTime < '2026-11-22T06:00:00.000000Z'" in query
    assert (
        "'CommitmentWorkflow', 'PersonWorkflow', 'MailboxWatchWorkflow', 'IntakeWorkflow', "
        "'DigestWorkflow'" in query
    )
    assert query.endswith("AND (WorkflowId = 'x')")
    assert "ExecutionStatus" not in status_query(closed=True)
    assert "'DigestTriggerWorkflow'" in status_query(closed=False)


@pytest.mark.parametrize(
    "argv",
    [
        ["reencrypt", "--before", "2026-11-22T06:00:00"],
        ["reencrypt", "--before", "tomorrow"],
        ["reencrypt"],
        ["reencrypt", "--before", "2026-11-22T06:00:00Z", "--rate", "0"],
        ["status", "--rate", "many"],
        ["reencrypt", "--before", "2026-11-22T06:00:00Z", "--reason", "x" * 201],
    ],
)
def test_bad_arguments_are_refused_before_anything_is_asked(argv: Sequence[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser(_settings(KEY_B)).parse_args(["keys", *argv])
    assert exit_info.value.code == 2


async def test_the_pacer_spaces_calls_evenly() -> None:
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        await pacer.wait()
    assert slept == [0.25, 0.25, 0.25, 0.25]
    now[0] += 10  # a pause does not build up a burst
    await pacer.wait()
    await pacer.wait()
    assert slept[-1] == 0.25

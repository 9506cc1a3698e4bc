"""Record the histories the replay tests check new workflow code against.

Run ``./dev python -m tests.support.histories NAME ...`` to record the named scenarios (or
every one, with no name) on a time-skipping server with real activities against a sandbox (the
few in :data:`ON_DEV_SERVER` on a dev server); it writes
``tests/workflows/histories/<scenario>.json``. Commit the files with the change.

Keep the histories already committed as they are: each was recorded by the workflow code of
its day, which is what proves that today's code, with its ``workflow.patched`` branches,
still replays what running workflows recorded. A change to the workflow adds a scenario that
takes its new branch, recorded once.

Payloads are encrypted with :data:`HISTORY_KEY`, a fixed key that protects nothing but test
data, so the replay test can decode them.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client, WorkflowHandle
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from accord.settings import COMMITMENT_RUN_EVENTS
from accord.wiring.workflow_runner import workflow_runner
from activities.agenda.activities import AgendaActivities
from activities.agenda.booking import OneOnOneBooking
from activities.agenda.views import TemporalViews
from activities.calendar.activities import CalendarActivities
from activities.digest.activities import DigestActivities
from activities.directory.activities import DirectoryActivities
from activities.messaging.activities import MessagingActivities
from activities.sending.activities import SendRouting
from domain.action_links import LinkKeyRing
from domain.models import CheckInAnswer, Person
from domain.reliability import iso_week_label, week_start
from domain.timezones import resolve_zone
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.temporal.codec import EncryptionCodec, PayloadKeyRing
from integrations.temporal.converter import build_data_converter
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.intake import (
    INTAKE_GRACE,
    copied_email,
    from_agent,
    in_agent_inbox,
    intake,
    intake_worker_on,
    thread_handle,
    view_of,
)
from tests.support.lifecycle import (
    LINK_KEY,
    PUBLIC_URL,
    SandboxClockInterceptor,
    act,
    asleep_past,
    both_round_the_clock,
    continued,
    first_run,
    lifecycle_worker,
    sandbox_messaging,
    spec_for,
    start_commitment,
    start_for_sam,
    work_round_the_clock,
)
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from tests.support.temporal import (
    add_search_attributes,
    local_dev_server,
    time_skipping_server,
)
from workflows.agenda.contracts import (
    BOOK_UPDATE,
    Booking,
    BookOneOnOne,
    OfferRun,
    offer_id_for,
)
from workflows.agenda.workflow import OneOnOneOfferWorkflow
from workflows.commitment.client import start_commitment as start_indexed
from workflows.commitment.contracts import (
    MIN_RUN_EVENTS,
    ActorAction,
    CheckInAnswerInput,
    CommitmentInput,
    CommitmentView,
    Complete,
    LetsTalk,
    MeetingChanged,
    ProposeRevision,
    Release,
    workflow_id_for,
)
from workflows.commitment.facts import digest_facts_query
from workflows.commitment.support import promise_support
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.digest.contracts import DigestResult, DigestRun
from workflows.digest.workflow import DigestWorkflow
from workflows.intake.contracts import IntakeDecision, IntakeUpdates, IntakeView
from workflows.patches import (
    ATTENTION_INDEX,
    DECLINES_BY_NOTIFICATION,
    DIGEST_SEND_QUEUES,
    INTAKE_SEND_QUEUES,
    ONE_ON_ONE_BOOKING,
    SHORT_RUNS_AFTER_A_WAKE,
    SUPPORT_ENDS_WITH_ITS_WORK,
)

HISTORIES = Path(__file__).parents[1] / "workflows" / "histories"
HISTORY_KEY = b"accord-replay-test-key-not-secret"[:32]
SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
MAYA = Person(email=MANAGER, display_name="Maya Chen")

Handle = WorkflowHandle[CommitmentWorkflow, CommitmentView]
Scenario = Callable[[WorkflowEnvironment, Client, str], Awaitable[Handle]]


def history_converter() -> DataConverter:
    """The data converter the committed histories were recorded with."""
    return build_data_converter(EncryptionCodec(PayloadKeyRing([HISTORY_KEY])))


async def _missed_then_revised(env: WorkflowEnvironment, client: Client, task_queue: str) -> Handle:
    """Expectation, acceptance, check-ins, a miss, the 1:1, a revision, done."""
    now = await env.get_current_time()
    handle = await start_commitment(
        client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=5)), now
    )
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await env.sleep(timedelta(days=2))
    await act(handle, CommitmentWorkflow.check_in, CheckInAnswerInput(actor=SAM, answer="at_risk"))
    await env.sleep(timedelta(days=7))
    view = await handle.query(CommitmentWorkflow.view)
    assert view.meeting is not None, "the conversation was not planned"
    await act(
        handle,
        CommitmentWorkflow.propose_revision,
        ProposeRevision(
            actor=SAM, new_due=view.meeting.slot.end + timedelta(days=7), reason="Late data."
        ),
    )
    await act(handle, CommitmentWorkflow.accept_revision, ActorAction(actor=MANAGER))
    await act(handle, CommitmentWorkflow.complete, Complete(actor=SAM, note="Shared with finance."))
    await handle.result()
    return handle


async def _talked_then_released(
    env: WorkflowEnvironment, client: Client, task_queue: str
) -> Handle:
    """Let's talk, a clarification 1:1, then the manager releases the owner."""
    now = await env.get_current_time()
    handle = await start_commitment(
        client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=10)), now
    )
    await env.sleep(timedelta(days=3))
    await act(handle, CommitmentWorkflow.lets_talk, LetsTalk(actor=SAM, question="Which figures?"))
    await env.sleep(timedelta(hours=3))
    await act(handle, CommitmentWorkflow.release, Release(actor=MANAGER, reason="Plans changed."))
    await handle.result()
    return handle


async def _revised_while_active(
    env: WorkflowEnvironment, client: Client, task_queue: str
) -> Handle:
    """The owner accepts, asks for more time; the manager agrees while it is active; released."""
    now = await env.get_current_time()
    due = now + timedelta(days=10)
    handle = await start_commitment(client, task_queue, spec_for(SAM_PERSON, due), now)
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await act(
        handle,
        CommitmentWorkflow.propose_revision,
        ProposeRevision(actor=SAM, new_due=due + timedelta(days=7), reason="Late data."),
    )
    await act(handle, CommitmentWorkflow.accept_revision, ActorAction(actor=MANAGER))
    await env.sleep(timedelta(days=2))
    await act(handle, CommitmentWorkflow.release, Release(actor=MANAGER, reason="Plans changed."))
    await handle.result()
    return handle


async def _support_promised_then_done(
    env: WorkflowEnvironment, client: Client, task_queue: str
) -> Handle:
    """The manager promises support; the owner finishes first, so the promise is let go.

    Recorded after the patches ``support-ends-with-its-work`` and ``attention-index``.
    """
    now = await env.get_current_time()
    # Started as the API starts it, with its search attributes, so that the attention the
    # lists group by is indexed too.
    commitment_id = "support-scenario"
    await start_indexed(
        client,
        CommitmentInput(
            commitment_id=commitment_id,
            spec=spec_for(SAM_PERSON, now + timedelta(days=10)),
            created_at=now,
            grace_period=timedelta(hours=4),
        ),
        task_queue,
    )
    started = await client.get_workflow_handle(workflow_id_for(commitment_id)).describe()
    # With its run id, so that waiting for its result reads this run's history.
    handle: Handle = client.get_workflow_handle_for(
        CommitmentWorkflow.run, workflow_id_for(commitment_id), run_id=started.run_id
    )
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await promise_support(
        client,
        commitment_id,
        actor=MANAGER,
        what="Time with finance on Tuesday.",
        due=now + timedelta(days=4),
        action_id="promise-1",
        now=now,
        task_queue=task_queue,
    )
    await env.sleep(timedelta(days=1))
    await act(handle, CommitmentWorkflow.complete, Complete(actor=SAM, note="Shared."))
    await handle.result()
    return handle


async def _conversation_changed_on_the_calendar(
    env: WorkflowEnvironment, client: Client, task_queue: str
) -> Handle:
    """Let's talk, the 1:1 is booked, the calendar watch says its event changed; released.

    Recorded after the patch ``declines-by-notification``.
    """
    now = await env.get_current_time()
    handle = await start_commitment(
        client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=14)), now
    )
    await act(handle, CommitmentWorkflow.lets_talk, LetsTalk(actor=SAM, question="Which figures?"))
    view = await handle.query(CommitmentWorkflow.view)
    # Booked inside both people's hours, within a few days; signalled before it starts.
    for _ in range(3 * 24 * 6):
        if view.meeting is not None:
            break
        await env.sleep(timedelta(minutes=10))
        view = await handle.query(CommitmentWorkflow.view)
    assert view.meeting is not None, "the conversation was not booked"
    await handle.signal(
        CommitmentWorkflow.meeting_changed, MeetingChanged(event_id=view.meeting.event_id)
    )
    await env.sleep(timedelta(hours=1))
    await act(handle, CommitmentWorkflow.release, Release(actor=MANAGER, reason="Plans changed."))
    await handle.result()
    return handle


async def _attention_indexed(env: WorkflowEnvironment, client: Client, task_queue: str) -> Handle:
    """Started as the API starts it; accepted, then an at-risk answer moves its attention.

    Recorded on the dev server (the time-skipping server gives workflows no custom search
    attributes, so nothing would be indexed), after the patch ``attention-index``. It stops
    there, still running: a history need not be complete to be replayed.
    """
    now = await env.get_current_time()
    commitment_id = "attention-scenario"
    await start_indexed(
        client,
        CommitmentInput(
            commitment_id=commitment_id,
            spec=spec_for(SAM_PERSON, now + timedelta(days=10)),
            created_at=now,
        ),
        task_queue,
    )
    handle: Handle = client.get_workflow_handle_for(
        CommitmentWorkflow.run, workflow_id_for(commitment_id)
    )
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await act(handle, CommitmentWorkflow.check_in, CheckInAnswerInput(actor=SAM, answer="at_risk"))
    return handle


ON_DEV_SERVER = frozenset(
    {
        "attention_indexed",
        "digest_sent_on_its_send_queue",
        "answered_until_a_new_run",
        "accepted_into_a_new_run",
    }
)
"""Scenarios that need the search attributes only the dev server gives workflows."""

SCENARIOS: dict[str, Scenario] = {
    "attention_indexed": _attention_indexed,
    "missed_then_revised": _missed_then_revised,
    "talked_then_released": _talked_then_released,
    "revised_while_active": _revised_while_active,
    "support_promised_then_done": _support_promised_then_done,
    "conversation_changed_on_the_calendar": _conversation_changed_on_the_calendar,
}


async def _intake_confirmed_then_cancelled(
    env: WorkflowEnvironment,
    client: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> WorkflowHandle[Any, Any]:
    """Maya copies Accord on an ask; Accord confirms it with her, and she cancels it.

    The intake thread's history, recorded after the patch ``intake-send-queues``.
    """
    email = await copied_email(sandbox, graph)
    await intake(client, task_queue, in_agent_inbox(email["id"]))
    thread = thread_handle(client, email)
    await eventually(lambda: from_agent(sandbox, MANAGER))
    [proposal] = (await view_of(thread)).proposals
    decision = IntakeDecision(
        actor=MANAGER, commitment_id=proposal.commitment_id, action_id="cancel-1"
    )
    await thread.execute_update(IntakeUpdates.CANCEL, decision, result_type=IntakeView)
    await env.sleep(INTAKE_GRACE * 2)
    return thread


IntakeScenario = Callable[
    [WorkflowEnvironment, Client, str, SandboxServer, GraphServiceClient],
    Awaitable[WorkflowHandle[Any, Any]],
]
INTAKE_SCENARIOS: dict[str, IntakeScenario] = {
    "intake_confirmed_then_cancelled": _intake_confirmed_then_cancelled,
}
"""Intake threads' histories (replayed with the intake workflows)."""


@asynccontextmanager
async def _offer_workers(
    client: Client, task_queue: str, sandbox: SandboxServer, graph: GraphServiceClient
) -> AsyncIterator[None]:
    """The 1:1 offer with real activities; its mail goes out only on Maya's send queue."""
    assert sandbox.state is not None
    clock = sandbox.state.clock.now
    messaging = sandbox_messaging(graph, sandbox)
    agenda = AgendaActivities(
        client, graph, messaging, TemporalViews(client), people=None, task_queue=task_queue
    )
    routing = SendRouting(task_queue, [AGENT], enabled=True)
    [send_queue] = routing.queues().values()
    clocked = [SandboxClockInterceptor(sandbox)]
    offer = Worker(
        client,
        task_queue=task_queue,
        workflows=[OneOnOneOfferWorkflow],
        activities=[
            DirectoryActivities(graph).get_person_schedule,
            CalendarActivities(graph, clock=clock).find_meeting_slot,
            OneOnOneBooking(graph).book_one_on_one,
            routing.send_queue,
        ],
        workflow_runner=workflow_runner(),
        interceptors=clocked,
    )
    sends = Worker(
        client,
        task_queue=send_queue,
        activities=[agenda.send_one_on_one_offer],
        interceptors=clocked,
    )
    async with offer, sends:
        yield


async def _one_on_one_offered_then_booked(
    env: WorkflowEnvironment,
    client: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> WorkflowHandle[Any, Any]:
    """Maya is offered a regular 1:1 with Sam and books the weekly series in one click.

    The offer's history, recorded after the patch ``one-on-one-booking`` (and, for its mail
    on Maya's send queue, ``per-mailbox-send-queues``).
    """
    del env, sandbox  # the offer needs no time to pass: both work round the clock
    for person in (MANAGER, SAM):
        await work_round_the_clock(graph, person)
    quarter = "2026-Q4"
    handle = await client.start_workflow(
        OneOnOneOfferWorkflow.run,
        OfferRun(manager=MAYA, report=SAM_PERSON, quarter=quarter),
        id=offer_id_for(MANAGER, SAM, quarter),
        task_queue=task_queue,
    )
    await eventually(lambda: _offer_open(handle))
    # By name: the typed method's result is the handler's coroutine to mypy.
    booked = await handle.execute_update(
        BOOK_UPDATE, BookOneOnOne(actor=MANAGER, action_id="book-1"), result_type=Booking
    )
    assert booked.event_id is not None, "the series was not booked"
    await handle.result()
    return handle


async def _offer_open(handle: WorkflowHandle[OneOnOneOfferWorkflow, Any]) -> bool:
    return (await handle.query(OneOnOneOfferWorkflow.offer)).open


@asynccontextmanager
async def _digest_workers(
    client: Client, task_queue: str, sandbox: SandboxServer, graph: GraphServiceClient
) -> AsyncIterator[None]:
    """The digest with real activities, its mail sent only on Maya's send queue.

    Beside it, on a queue of their own, the commitments whose views it reads.
    """
    messaging = MessagingActivities(
        graph, sender_mailbox=AGENT, links=LinkKeyRing([LINK_KEY]), public_url=PUBLIC_URL
    )
    digest = DigestActivities(client, graph, messaging)
    routing = SendRouting(task_queue, [AGENT], enabled=True)
    [send_queue] = routing.queues().values()
    digests = Worker(
        client,
        task_queue=task_queue,
        workflows=[DigestWorkflow],
        activities=[
            DirectoryActivities(graph).get_person_schedule,
            digest.gather_digest,
            routing.send_queue,
        ],
        workflow_runner=workflow_runner(),
    )
    sends = Worker(client, task_queue=send_queue, activities=[digest.send_digest])
    async with lifecycle_worker(client, _team_queue(task_queue), sandbox, graph), digests, sends:
        yield


def _team_queue(task_queue: str) -> str:
    return f"{task_queue}-team"


async def _answered_until_a_new_run(
    env: WorkflowEnvironment,
    client: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> WorkflowHandle[Any, Any]:
    """Sam answers check-ins until the run passes its length and continues as new; released.

    The first run's history, recorded on the dev server (the time-skipping server does not
    continue a run as new atomically), with ``run_events`` at the production default (50
    when the committed history was recorded, before decision 48's guard; 30 since).
    """
    del sandbox  # the runs say what happened
    now = await both_round_the_clock(env, graph)
    handle = await start_for_sam(
        client, task_queue, now, due_in=timedelta(days=30), run_events=COMMITMENT_RUN_EVENTS
    )
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    for number in range(24):
        answer = CheckInAnswerInput(actor=SAM, answer=CheckInAnswer.ON_TRACK, note=f"Step {number}")
        await act(handle, CommitmentWorkflow.check_in, answer)
    return await _released_once_continued(client, handle)


async def _accepted_into_a_new_run(
    env: WorkflowEnvironment,
    client: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> WorkflowHandle[Any, Any]:
    """A fresh commitment at the least run length waits for Sam past it; his acceptance wakes
    it, and it continues as new; released.

    The first run's history, recorded on the dev server: asleep past its length with nothing
    having happened to it, the run did not hand over (decision 48).
    """
    del sandbox  # the runs say what happened
    now = await both_round_the_clock(env, graph)
    handle = await start_for_sam(
        client, task_queue, now, due_in=timedelta(days=30), run_events=MIN_RUN_EVENTS
    )
    await eventually(lambda: asleep_past(handle, MIN_RUN_EVENTS))
    await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    return await _released_once_continued(client, handle)


async def _released_once_continued(
    client: Client, handle: WorkflowHandle[Any, Any]
) -> WorkflowHandle[Any, Any]:
    """Wait until the first run continued as new, release the commitment; the first run."""
    first = first_run(client, handle)
    await eventually(lambda: continued(first))
    latest = client.get_workflow_handle_for(CommitmentWorkflow.run, handle.id)
    await act(latest, CommitmentWorkflow.release, Release(actor=MANAGER, reason="Plans changed."))
    await latest.result()
    return first


async def _digest_sent_on_its_send_queue(
    env: WorkflowEnvironment,
    client: Client,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> WorkflowHandle[Any, Any]:
    """Maya's weekly digest tells her Sam's work is at risk; it goes out on her send queue.

    The digest's history, recorded on the dev server (the digest finds the team's
    commitments through visibility, which the time-skipping server does not index), after
    the patch ``digest-send-queues``.
    """
    del sandbox  # the digest's outcome says whether it was sent
    await work_round_the_clock(graph, MANAGER)
    now = await env.get_current_time()
    commitment_id = "digest-scenario"
    await start_indexed(
        client,
        CommitmentInput(
            commitment_id=commitment_id,
            spec=spec_for(SAM_PERSON, now + timedelta(days=10)),
            created_at=now,
        ),
        _team_queue(task_queue),
    )
    commitment: Handle = client.get_workflow_handle_for(
        CommitmentWorkflow.run, workflow_id_for(commitment_id)
    )
    await act(commitment, CommitmentWorkflow.accept, ActorAction(actor=SAM))
    await act(
        commitment, CommitmentWorkflow.check_in, CheckInAnswerInput(actor=SAM, answer="at_risk")
    )
    team = digest_facts_query(since=now - timedelta(days=1), manager=MANAGER)
    await eventually(lambda: _listed(client, team))
    week = iso_week_label(week_start(now, resolve_zone("UTC")))
    handle = await client.start_workflow(
        DigestWorkflow.run,
        DigestRun(manager=MANAGER, time_zone="UTC", week=week),
        # Not digest_id_for's id, which names the manager: the dev server writes the id into
        # the history, and the committed histories carry no address in plain text.
        id="digest-scenario",
        task_queue=task_queue,
    )
    outcome = await handle.result()
    assert outcome.result is DigestResult.SENT, outcome
    return handle


async def _listed(client: Client, query: str) -> bool:
    return any([execution async for execution in client.list_workflows(query)])


SandboxScenario = Callable[
    [WorkflowEnvironment, Client, str, SandboxServer, GraphServiceClient],
    Awaitable[WorkflowHandle[Any, Any]],
]
Workers = Callable[
    [Client, str, SandboxServer, GraphServiceClient], AbstractAsyncContextManager[object]
]
OTHER_SCENARIOS: dict[str, tuple[Workers, SandboxScenario]] = {
    "one_on_one_offered_then_booked": (_offer_workers, _one_on_one_offered_then_booked),
    "digest_sent_on_its_send_queue": (_digest_workers, _digest_sent_on_its_send_queue),
    "answered_until_a_new_run": (lifecycle_worker, _answered_until_a_new_run),
    "accepted_into_a_new_run": (lifecycle_worker, _accepted_into_a_new_run),
}
"""Other workflows' histories, each scenario with the workers it runs on (replayed with the
offer of a 1:1 and the digest workflows)."""

ALL_SCENARIOS = [*SCENARIOS, *INTAKE_SCENARIOS, *OTHER_SCENARIOS]

BRANCH_TAKEN: dict[str, str] = {
    "attention_indexed": ATTENTION_INDEX,
    "conversation_changed_on_the_calendar": DECLINES_BY_NOTIFICATION,
    "digest_sent_on_its_send_queue": DIGEST_SEND_QUEUES,
    "intake_confirmed_then_cancelled": INTAKE_SEND_QUEUES,
    "one_on_one_offered_then_booked": ONE_ON_ONE_BOOKING,
    "accepted_into_a_new_run": SHORT_RUNS_AFTER_A_WAKE,
    "support_promised_then_done": SUPPORT_ENDS_WITH_ITS_WORK,
}
"""The patch whose new branch each scenario was recorded to take (its commands are in the
history, so the replay test shows that the old path there would not replay)."""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def record(names: list[str]) -> None:
    """Run the named scenarios (all of them when none is named) and write their histories."""
    unknown = sorted(set(names) - set(ALL_SCENARIOS))
    if unknown:
        raise SystemExit(f"no such scenario: {', '.join(unknown)}")
    converter = history_converter()
    wanted = [name for name in ALL_SCENARIOS if not names or name in names]
    async with time_skipping_server(converter) as env:
        await add_search_attributes(env.client)
        for name in wanted:
            if name not in ON_DEV_SERVER:
                await _record_one(env, name)
    if any(name in ON_DEV_SERVER for name in wanted):
        async with local_dev_server(converter) as env:
            for name in wanted:
                if name in ON_DEV_SERVER:
                    await _record_one(env, name)


async def _record_one(env: WorkflowEnvironment, name: str) -> None:
    with tempfile.TemporaryDirectory() as data, SandboxServer(Path(data)) as sandbox:
        assert sandbox.state is not None
        async with SandboxClientCredential(
            sandbox.url, sandbox.state.tenant.tenant_id, DEMO_CLIENT_ID, "recording"
        ) as credential:
            graph = build_graph_client(GraphConnection(sandbox.graph_url, credential))
            queue = f"record-{name}"
            handle: WorkflowHandle[Any, Any]
            if name in INTAKE_SCENARIOS:
                async with intake_worker_on(env.client, queue, sandbox, graph):
                    handle = await INTAKE_SCENARIOS[name](env, env.client, queue, sandbox, graph)
                    history = await handle.fetch_history()
            elif name in OTHER_SCENARIOS:
                workers, scenario = OTHER_SCENARIOS[name]
                async with workers(env.client, queue, sandbox, graph):
                    handle = await scenario(env, env.client, queue, sandbox, graph)
                    history = await handle.fetch_history()
            else:
                async with lifecycle_worker(env.client, queue, sandbox, graph):
                    handle = await SCENARIOS[name](env, env.client, queue)
                history = await handle.fetch_history()
    _write(HISTORIES / f"{name}.json", history.to_json())


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1:]))

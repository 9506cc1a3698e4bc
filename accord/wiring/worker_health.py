"""The worker's probe endpoint: ``/livez`` and ``/readyz`` for Kubernetes.

* **Live** while the event loop answers: the probe is served by the loop that runs the worker,
  so a loop blocked by runaway code stops answering and the pod is restarted.
* **Ready** while the worker runs, is not stopping, and Temporal itself reports that this
  worker polled its task queue recently (``DescribeTaskQueue`` lists each poller with its
  identity and last poll). That one cheap call proves both that the client reaches Temporal
  and that the worker really polls; a worker whose polls fail, or a Temporal that does not
  answer, turns unready. The answer is cached for a few seconds so that probes from several
  places cost one call.

The server is a few lines of asyncio rather than a web framework: it answers two GETs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import structlog
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError

log = structlog.get_logger("accord.worker.health")

_CALL_TIMEOUT = timedelta(seconds=3)
_REQUEST_READ_TIMEOUT = 5.0
_MAX_REQUEST_LINE = 2048


class ProbeSetupError(Exception):
    """The probe endpoint cannot listen as configured; the message names the setting."""


class WorkerPhase(StrEnum):
    """Where the worker is in its life."""

    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"


@dataclass(frozen=True)
class Readiness:
    """A readiness answer and why."""

    ready: bool
    reason: str


class WorkerHealth:
    """Tracks the worker's phase and asks Temporal whether the worker is polling.

    Args:
        client: the worker's Temporal client (its identity is the pollers' identity).
        task_queue: the queue the worker polls.
        max_poll_age: how recent the worker's last poll must be for it to count as polling.
        cache_for: how long an answer from Temporal is reused.
        clock: monotonic seconds, for the cache.
    """

    def __init__(
        self,
        client: Client,
        task_queue: str,
        *,
        max_poll_age: timedelta,
        cache_for: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._task_queue = task_queue
        self._max_poll_age = max_poll_age
        self._cache_for = cache_for
        self._clock = clock
        self._cached: tuple[float, Readiness] | None = None
        self._lock = asyncio.Lock()
        self.phase = WorkerPhase.STARTING

    async def readiness(self) -> Readiness:
        """Tell whether the worker should count as ready, asking Temporal at most every few s.

        Returns:
            Ready, or not with the reason (starting, stopping, not polling, unreachable).
        """
        if self.phase is not WorkerPhase.RUNNING:
            return Readiness(False, self.phase.value)
        async with self._lock:
            now = self._clock()
            if self._cached is not None and now - self._cached[0] < self._cache_for:
                return self._cached[1]
            answer = await self._ask_temporal()
            self._cached = (self._clock(), answer)
            return answer

    async def _ask_temporal(self) -> Readiness:
        request = DescribeTaskQueueRequest(
            namespace=self._client.namespace,
            task_queue=TaskQueue(name=self._task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
        try:
            described = await self._client.workflow_service.describe_task_queue(
                request, timeout=_CALL_TIMEOUT
            )
        except (RPCError, RuntimeError) as exc:
            log.warning("readiness_temporal_unreachable", reason=str(exc))
            return Readiness(False, "temporal_unreachable")
        now = datetime.now(UTC)
        for poller in described.pollers:
            if poller.identity != self._client.identity:
                continue
            last_poll = poller.last_access_time.ToDatetime(tzinfo=UTC)
            if now - last_poll <= self._max_poll_age:
                return Readiness(True, "polling")
        return Readiness(False, "not_polling")


@contextlib.asynccontextmanager
async def serve_probes(health: WorkerHealth, host: str, port: int) -> AsyncIterator[None]:
    """Serve ``/livez`` and ``/readyz`` on ``host:port`` for the duration of the block.

    Args:
        health: what the answers come from.
        host: the interface to listen on (``0.0.0.0`` in a pod).
        port: the port.

    Yields:
        Nothing; the server closes on exit.

    Raises:
        ProbeSetupError: when the port cannot be bound (in use, or a host not of this machine).
    """

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, body = await _answer(health, reader)
            payload = json.dumps(body).encode()
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
        except (ConnectionError, TimeoutError):
            pass  # the prober went away; the next probe will ask again
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    try:
        server = await asyncio.start_server(handle, host, port)
    except OSError as exc:
        raise ProbeSetupError(
            f"ACCORD_WORKER_HEALTH_PORT: cannot listen on {host}:{port}: {exc.strerror}"
        ) from None
    log.info("worker_probes_listening", host=host, port=port)
    try:
        yield
    finally:
        server.close()
        await server.wait_closed()


async def _answer(health: WorkerHealth, reader: asyncio.StreamReader) -> tuple[str, dict[str, str]]:
    line = await asyncio.wait_for(reader.readline(), timeout=_REQUEST_READ_TIMEOUT)
    parts = line[:_MAX_REQUEST_LINE].decode("latin-1").split()
    if len(parts) != 3:
        return "400 Bad Request", {"status": "bad_request"}
    method, target, _version = parts
    path = target.split("?", 1)[0]
    if path not in ("/livez", "/readyz"):
        return "404 Not Found", {"status": "not_found"}
    if method != "GET":
        return "405 Method Not Allowed", {"status": "method_not_allowed"}
    if path == "/livez":
        return "200 OK", {"status": "live", "phase": health.phase.value}
    readiness = await health.readiness()
    status = "200 OK" if readiness.ready else "503 Service Unavailable"
    return status, {
        "status": "ready" if readiness.ready else "not_ready",
        "reason": readiness.reason,
    }

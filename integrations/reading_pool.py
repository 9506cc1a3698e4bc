"""Reading untrusted text in worker processes, each reading within a time budget.

A pattern that runs long on hostile text holds the GIL (``re`` never lets go of it while it
matches), so a thread does not keep the event loop serving, and no thread can be stopped. A
process can: :class:`ReadingPool` keeps a few worker processes and gives each reading at most
its budget; past it the caller gets :class:`ReadingTooSlowError` at once, the worker is killed,
and a fresh one takes its place (docs/decisions.md, decision 40).

The pool is made by a composition root (the API's and the worker's), never at import, and
starts its processes on first use. :class:`ThreadReading` has the same interface on a thread,
for tests and tools: the caller still gets its answer at the budget, but the work runs on.
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
import multiprocessing.connection
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, Protocol, TypeVar, cast

import structlog

log = structlog.get_logger("accord.reading")

T = TypeVar("T")

DEFAULT_BUDGET = timedelta(seconds=5)
"""A reading's time budget: a 150,000-character hostile body reads in well under a second."""
DEFAULT_PROCESSES = 2
"""Worker processes: readings are short, and a deployment has few cores."""
# A worker not gone this long after being killed is left to the operating system.
_JOIN_SECONDS = 2.0
# How long a reading may wait for a free worker beyond its budget (a replacement starting).
_START_SECONDS = 5.0


class ReadingTooSlowError(Exception):
    """A reading ran past its time budget; it was stopped and gave no answer."""


class ReadingFailedError(Exception):
    """The reading raised; ``kind`` is the exception's type name (no content)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"the reading raised {kind}")
        self.kind = kind


class BoundedReading(Protocol):
    """Runs a reading within a time budget."""

    async def run(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Return ``function(*args, **kwargs)``, computed within the budget.

        Raises:
            ReadingTooSlowError: past the budget.
            ReadingFailedError: when ``function`` raised.
        """
        ...


def _serve(connection: multiprocessing.connection.Connection, preload: Sequence[str]) -> None:
    """A worker process: import what readings need, then answer calls until the pipe closes."""
    for module in preload:
        importlib.import_module(module)
    try:
        connection.send(("ready", None))
        while True:
            function, args, kwargs = connection.recv()
            try:
                answer = ("ok", function(*args, **kwargs))
            except Exception as exc:  # reported by type: the message may quote what was read
                answer = ("error", type(exc).__name__)
            connection.send(answer)
    except (EOFError, OSError):
        # The pool closed its end (it stopped waiting, or is closing): nothing left to do.
        return


class _Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, context: Any, preload: Sequence[str]) -> None:
        self.connection, child = multiprocessing.Pipe()
        self.process = context.Process(target=_serve, args=(child, tuple(preload)), daemon=True)
        self.process.start()
        child.close()

    async def call(
        self, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        self.connection.send((function, args, kwargs))
        return await asyncio.to_thread(self.connection.recv)

    def kill(self) -> None:
        self.process.kill()
        self.connection.close()

    async def stop(self) -> None:
        self.kill()
        await asyncio.to_thread(self.process.join, _JOIN_SECONDS)


class ReadingPool:
    """A few worker processes; each reading gets one of them for at most ``budget``.

    Args:
        budget: how long one reading may take.
        processes: how many readings run at once (more wait their turn, unbudgeted).
        preload: modules each worker imports when it starts, so the first reading is quick.
        start_method: how workers start; ``forkserver`` never forks the threads of the
            process that asks (Temporal's and the server's).
    """

    def __init__(
        self,
        *,
        budget: timedelta = DEFAULT_BUDGET,
        processes: int = DEFAULT_PROCESSES,
        preload: Sequence[str] = (),
        start_method: str = "forkserver",
    ) -> None:
        if processes < 1:
            raise ValueError("a reading pool needs at least one process")
        self.budget = budget
        self._size = processes
        self._preload = tuple(preload)
        self._context = multiprocessing.get_context(start_method)
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: set[_Worker] = set()
        self._starting: set[asyncio.Task[None]] = set()
        self._startup: asyncio.Future[None] | None = None

    async def start(self) -> None:
        """Start the worker processes now rather than at the first reading (about 2 s)."""
        if self._startup is None:
            self._idle = asyncio.Queue()
            self._startup = asyncio.ensure_future(self._start_all())
        # Shielded: a caller that goes away while the processes start leaves them starting.
        await asyncio.shield(self._startup)

    async def _start_all(self) -> None:
        for _ in range(self._size):
            await self._add()

    async def _take(self) -> _Worker:
        await self.start()
        assert self._idle is not None  # noqa: S101 - start made it
        try:
            # Bounded too: a reading that cannot start in time (every worker busy or being
            # replaced) is answered like one that ran out of time, never left waiting.
            return await asyncio.wait_for(
                self._idle.get(), self.budget.total_seconds() + _START_SECONDS
            )
        except TimeoutError:
            log.warning("reading_pool_busy")
            raise ReadingTooSlowError from None

    async def _add(self) -> None:
        assert self._idle is not None  # noqa: S101 - made by _take before any worker
        worker = await asyncio.to_thread(_Worker, self._context, self._preload)
        self._workers.add(worker)
        # Its first answer says it has imported what readings need: a budget counts reading.
        try:
            ready = await asyncio.to_thread(worker.connection.recv)
        except (EOFError, OSError):
            ready = None
        if ready != ("ready", None):
            self._workers.discard(worker)
            await worker.stop()
            raise ReadingFailedError("WorkerDidNotStart")
        self._idle.put_nowait(worker)

    async def run(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Return ``function(*args, **kwargs)`` from a worker process, within the budget.

        Args:
            function: a module-level function (it is pickled to the worker by name).
            *args: its arguments, picklable.
            **kwargs: its keyword arguments, picklable.

        Returns:
            What it returned.

        Raises:
            ReadingTooSlowError: past the budget: the worker is killed and replaced.
            ReadingFailedError: when ``function`` raised.
        """
        worker = await self._take()
        try:
            status, value = await asyncio.wait_for(
                worker.call(function, args, kwargs), self.budget.total_seconds()
            )
        except TimeoutError:
            self._replace(worker)
            log.warning("reading_over_budget", budget_seconds=self.budget.total_seconds())
            raise ReadingTooSlowError from None
        except (EOFError, OSError) as exc:
            # The worker died (out of memory, killed from outside): a fresh one takes its place.
            self._replace(worker)
            raise ReadingFailedError(type(exc).__name__) from None
        except BaseException:
            # Cancelled (the caller went away) or never sent: the worker may still be reading,
            # so it is replaced rather than handed to the next reading.
            self._replace(worker)
            raise
        assert self._idle is not None  # noqa: S101 - _take made it
        self._idle.put_nowait(worker)
        if status == "error":
            raise ReadingFailedError(str(value))
        return cast(T, value)

    def _replace(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        worker.kill()
        # The caller hears now; the old process is reaped and a fresh one starts meanwhile.
        task = asyncio.create_task(self._restart(worker))
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def _restart(self, worker: _Worker) -> None:
        await asyncio.to_thread(worker.process.join, _JOIN_SECONDS)
        try:
            await self._add()
        except ReadingFailedError:
            # One process fewer until the next replacement; readings still time out cleanly.
            log.error("reading_worker_not_restarted")

    async def close(self) -> None:
        """Stop every worker process."""
        starting = [*self._starting, *([self._startup] if self._startup else [])]
        for task in starting:
            task.cancel()
        await asyncio.gather(*starting, return_exceptions=True)
        self._startup = None
        workers, self._workers, self._idle = list(self._workers), set(), None
        await asyncio.gather(*(worker.stop() for worker in workers))


class ThreadReading:
    """:class:`BoundedReading` on a thread: the answer comes at the budget, the work runs on.

    For tests and tools only; a deployment reads in a :class:`ReadingPool`.

    Args:
        budget: how long a caller waits for one reading.
    """

    def __init__(self, budget: timedelta = DEFAULT_BUDGET) -> None:
        self.budget = budget

    async def run(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """See :meth:`ReadingPool.run`."""
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(function, *args, **kwargs), self.budget.total_seconds()
            )
        except TimeoutError:
            raise ReadingTooSlowError from None
        except Exception as exc:
            raise ReadingFailedError(type(exc).__name__) from None

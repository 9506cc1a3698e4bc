"""Child processes for ``accord up``: start, wait until ready, stop in reverse order.

Each child gets its own process group, so a Ctrl-C in the terminal reaches only
``accord up``, which then stops the children one by one (newest first): the API stops taking
requests before the worker stops, and the worker stops before Temporal and the sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

import structlog

log = structlog.get_logger("sandbox.launcher.up")

Probe = Callable[[], Awaitable[bool]]
_PROBE_INTERVAL_SECONDS = 0.25


class ChildFailedError(Exception):
    """A child process exited or never became ready; the message says which and why."""


class StartupInterruptedError(Exception):
    """A stop was requested while children were still starting."""


@dataclass
class Child:
    """A running child process and how long it may take to stop."""

    name: str
    process: asyncio.subprocess.Process
    stop_timeout: float

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self.process.pid


@dataclass
class Supervisor:
    """Starts children, waits for them to be ready, and stops them newest first."""

    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    children: list[Child] = field(default_factory=list)

    async def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        output: IO[bytes] | None = None,
        stop_timeout: float = 10.0,
    ) -> Child:
        """Start a child process.

        Args:
            name: what to call it in logs.
            argv: the program and its arguments.
            env: its whole environment.
            output: where its stdout and stderr go (default: this process's).
            stop_timeout: how long it may take to stop before it is killed.

        Returns:
            The child.
        """
        process = await asyncio.create_subprocess_exec(
            *argv,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            # Its own process group: the terminal's Ctrl-C must not reach it directly.
            process_group=0,
        )
        child = Child(name, process, stop_timeout)
        self.children.append(child)
        log.debug("child_started", child=name, pid=process.pid)
        return child

    async def wait_ready(self, child: Child, probe: Probe, within: float) -> None:
        """Poll ``probe`` until it is true.

        Args:
            child: the child being waited for.
            probe: returns True once the child serves; exceptions count as not yet.
            within: seconds before giving up.

        Raises:
            ChildFailedError: when the child exits first or the time runs out.
            StartupInterruptedError: when a stop is requested meanwhile.
        """
        deadline = time.monotonic() + within
        while True:
            if self.stop_requested.is_set():
                raise StartupInterruptedError
            if child.process.returncode is not None:
                raise ChildFailedError(
                    f"{child.name} exited with code {child.process.returncode} while starting"
                )
            with contextlib.suppress(Exception):
                if await probe():
                    log.debug("child_ready", child=child.name, pid=child.pid)
                    return
            if time.monotonic() > deadline:
                raise ChildFailedError(f"{child.name} was not ready within {within:.0f} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop_requested.wait(), _PROBE_INTERVAL_SECONDS)

    async def watch(self) -> Child | None:
        """Wait until a stop is requested or a child exits.

        Returns:
            The child that exited, or None when a stop was requested.
        """
        stop = asyncio.create_task(self.stop_requested.wait())
        exits = {asyncio.create_task(child.process.wait()): child for child in self.children}
        done, _ = await asyncio.wait({stop, *exits}, return_when=asyncio.FIRST_COMPLETED)
        for task in (stop, *exits):
            task.cancel()
        if stop in done:
            return None
        return next(exits[task] for task in done)

    async def stop_all(self) -> None:
        """Stop every child, newest first: SIGTERM, wait, then SIGKILL after its timeout."""
        for child in reversed(self.children):
            await _stop(child)
        self.children.clear()

    def request_stop(self) -> None:
        """Ask the supervisor to stop (safe to call from a signal handler)."""
        self.stop_requested.set()


async def _stop(child: Child) -> None:
    process = child.process
    if process.returncode is not None:
        log.info("child_had_exited", child=child.name, code=process.returncode)
        return
    log.info("child_stopping", child=child.name, pid=child.pid)
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), child.stop_timeout)
    except TimeoutError:
        log.warning("child_killed", child=child.name, pid=child.pid, after=child.stop_timeout)
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
    log.info("child_stopped", child=child.name, code=process.returncode)


def port_is_free(host: str, port: int) -> bool:
    """Return whether ``host:port`` can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The same option servers set, so a port in TIME_WAIT after a restart counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def child_environment(overrides: Mapping[str, str]) -> dict[str, str]:
    """Return this process's environment with ``overrides`` applied."""
    return {**os.environ, **overrides}

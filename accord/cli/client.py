"""What the commands that call Accord's API from a terminal share (login, commitments).

Results go to stdout and progress and problems to stderr, so ``--json`` output can be piped;
a :class:`CliError` ends the command with exit code 1 and its message.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import httpx

TIMEOUT = httpx.Timeout(30.0)
"""How long one request to the API or the sign-in service may take."""


class CliError(Exception):
    """Something the person at the terminal needs to know; the command exits with 1."""


@dataclass
class Io:
    """Where a command writes, what it reads from the environment, and how it reaches HTTP."""

    out: IO[str] = field(default_factory=lambda: sys.stdout)
    err: IO[str] = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    transport: httpx.AsyncBaseTransport | None = None
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


def json_object(response: httpx.Response) -> dict[str, Any]:
    """Return the response's JSON object, or an empty one when it has none."""
    try:
        body = response.json()
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


def run_guarded(main: Awaitable[int], io: Io) -> int:
    """Run a command's coroutine; a :class:`CliError` is written to ``io.err`` as exit code 1.

    Args:
        main: the command's coroutine.
        io: where the error goes.

    Returns:
        The exit code.
    """

    async def guarded() -> int:
        try:
            return await main
        except CliError as exc:
            io.err.write(f"{exc}\n")
            return 1

    return asyncio.run(guarded())

"""What the ``accord`` command modules share: how they register, and how a long job runs.

Each command module (accord/cli/<command>.py) has ``register(commands, settings)``, which
adds its sub-command with a ``handler(args, settings) -> exit code``; accord/cli/main.py
only assembles them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, Protocol, TypeAlias

import structlog

from accord.settings import AccordSettings

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""The sub-parsers of the ``accord`` parser, which each command module adds to."""
Handler: TypeAlias = Callable[[argparse.Namespace, AccordSettings], int]
"""Runs a parsed command; returns the process's exit code."""


class Command(Protocol):
    """A command module (mypy checks each module of accord/cli/main.py's list against it)."""

    def register(self, commands: Commands, settings: AccordSettings) -> None:
        """Add the command's parser, with ``handler`` (a :data:`Handler`) as its default."""
        ...


def run_async(
    name: str,
    main: Coroutine[Any, Any, int | None],
    setup_errors: tuple[type[Exception], ...] = (),
) -> int:
    """Run a long-running command's coroutine, turning setup problems into exit codes.

    Args:
        name: the command, for the log.
        main: the command's coroutine.
        setup_errors: the command's own "configured wrongly" errors, besides the shared ones.

    Returns:
        The coroutine's exit code (``None`` counts as 0); 2 when the setup is wrong, 1 when
        Temporal cannot be reached, 130 after an early Ctrl-C.
    """
    # Imported here: these modules pull in Temporal and Graph, which `accord sandbox` and
    # `--help` do without.
    from accord.keys.secrets import KeyFileError
    from accord.wiring.connections import GraphSetupError
    from accord.wiring.worker_health import ProbeSetupError
    from integrations.telemetry.runtime import MetricsSetupError
    from integrations.temporal.client import TemporalSetupError

    wrong_setup: tuple[type[Exception], ...] = (
        KeyFileError,
        TemporalSetupError,
        GraphSetupError,
        ProbeSetupError,
        MetricsSetupError,
        *setup_errors,
    )
    try:
        code = asyncio.run(main)
    except wrong_setup as exc:
        report_problem(name, "setup_invalid", str(exc))
        return 2
    except RuntimeError as exc:
        # The Temporal SDK reports an unreachable server as a RuntimeError.
        report_problem(name, "failed", str(exc))
        return 1
    except KeyboardInterrupt:
        # A Ctrl-C that came before the command's own signal handlers were in place.
        return 130
    return code or 0


def development_only(command: str, instead: str) -> int:
    """Explain that a development command needs a clone, where the sandbox is installed.

    Args:
        command: the command that was run, e.g. ``up``.
        instead: what to run in a clone, e.g. ``./dev up``.

    Returns:
        The exit code, 2.
    """
    report_problem(
        command,
        "development_command",
        f"accord {command} is a development command: run {instead} from a clone",
    )
    return 2


def report_problem(command: str, event: str, reason: str) -> None:
    """Say why a command cannot go on: a plain sentence on a terminal, a JSON log line off one.

    A person at a terminal reads the reason itself; a log collector (stderr not a terminal)
    gets the structured event, as every other log line.

    Args:
        command: the command, e.g. ``worker`` (empty: before any command runs).
        event: the log event off a terminal, e.g. ``setup_invalid``.
        reason: the sentence.
    """
    if sys.stderr.isatty():
        sys.stderr.write(f"{' '.join(('accord', command)).strip()}: {reason}\n")
        return
    structlog.get_logger(".".join(("accord", command)).strip(".")).error(event, reason=reason)


def exit_without_finalizing(code: int) -> NoReturn:
    """Leave the process once its streams are flushed, skipping interpreter finalization.

    Temporal core's native threads can still touch the GIL while the interpreter finalizes,
    which aborts the process (seen as exit -6 after a clean end), so a command that held a
    Temporal client leaves this way.

    Args:
        code: the process exit code.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

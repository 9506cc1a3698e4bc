"""``accord worker``: run the Temporal worker (worker.py is its composition root)."""

from __future__ import annotations

import argparse

from accord.cli.running import Commands, exit_without_finalizing, run_async
from accord.settings import AccordSettings


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``worker`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for defaults shown in the help.
    """
    commands.add_parser(
        "worker", help="Run the Temporal worker: commitment workflows and their activities."
    ).set_defaults(handler=_handle)


def _handle(_args: argparse.Namespace, settings: AccordSettings) -> int:
    from worker import run_worker  # heavy imports: only this command needs them

    # The worker has shut down and drained by the time this returns.
    exit_without_finalizing(run_async("worker", run_worker(settings)))

"""``accord worker``: run the Temporal worker (worker.py is its composition root)."""

from __future__ import annotations

import argparse
import os
import sys

from accord.cli.running import Commands, run_async
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

    code = run_async("worker", run_worker(settings))
    # The worker has shut down and drained by now. Temporal core's native threads can still
    # touch the GIL while the interpreter finalizes, which aborts the process (seen as exit
    # -6 after a clean SIGTERM), so leave without finalizing once the streams are flushed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

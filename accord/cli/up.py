"""``accord up``: run everything locally (a development command; ``./dev up`` runs it).

The launcher is part of the sandbox, which production installs do not ship, so it is
loaded by name when the command runs.
"""

from __future__ import annotations

import argparse

from accord.cli.running import Commands, development_only, run_async
from accord.settings import AccordSettings
from accord.wiring.sandbox import SandboxMissingError, load_sandbox


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``up`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for defaults shown in the help.
    """
    commands.add_parser(
        "up",
        help="Run everything locally: Temporal's dev server, the sandbox, the worker and the "
        "API (state under ACCORD_DATA_DIR; Ctrl-C stops it all). Development only.",
    ).set_defaults(handler=_handle)


def _handle(_args: argparse.Namespace, settings: AccordSettings) -> int:
    try:
        launcher = load_sandbox("launcher.up")
    except SandboxMissingError:
        return development_only("up", "./dev up")
    return run_async("up", launcher.run_up(settings), setup_errors=(launcher.UpError,))

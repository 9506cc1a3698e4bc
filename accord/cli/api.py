"""``accord api``: serve Accord's HTTP API (accord/wiring/api.py is its composition root)."""

from __future__ import annotations

import argparse

from accord.cli.running import Commands, run_async
from accord.settings import AccordSettings


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``api`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for defaults shown in the help.
    """
    commands.add_parser(
        "api", help=f"Serve Accord's HTTP API on {settings.api_host}:{settings.api_port}."
    ).set_defaults(handler=_handle)


def _handle(_args: argparse.Namespace, settings: AccordSettings) -> int:
    from accord.wiring.api import run_api  # heavy imports: only this command needs them

    return run_async("api", run_api(settings))

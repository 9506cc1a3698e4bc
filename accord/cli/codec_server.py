"""``accord codec-server``: serve Temporal's remote codec protocol with Accord's payload keys."""

from __future__ import annotations

import argparse

from accord.cli.running import Commands, run_async
from accord.settings import AccordSettings


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``codec-server`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for defaults shown in the help.
    """
    commands.add_parser(
        "codec-server",
        help="Serve Temporal's remote codec protocol, so that operators see decrypted payloads "
        f"in the Temporal UI or CLI ({settings.codec_server_host}:{settings.codec_server_port}).",
    ).set_defaults(handler=_handle)


def _handle(_args: argparse.Namespace, settings: AccordSettings) -> int:
    from accord.wiring.codec_server import run_codec_server  # heavy imports: only this command

    return run_async("codec-server", run_codec_server(settings))

"""The ``accord`` command line: one entry point with a sub-command per job.

Each command is a module of this package with ``register(commands, settings)``
(accord/cli/running.py); this module only loads the settings and assembles them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from accord.cli import (
    addin_manifest,
    api,
    codec_server,
    commitments,
    doctor,
    keys,
    login,
    sandbox,
    setup_tenant,
    teams_package,
    up,
    worker,
)
from accord.cli.running import Command, Handler, report_problem
from accord.cli.settings_help import COMMANDS as COMMAND_SETTINGS
from accord.cli.settings_help import settings_epilog
from accord.logs import configure_logging
from accord.settings import AccordSettings, SettingsError, load_settings

COMMANDS: tuple[Command, ...] = (
    sandbox,
    worker,
    api,
    up,
    codec_server,
    addin_manifest,
    teams_package,
    login,
    commitments,
    keys,
    doctor,
    setup_tenant,
)
"""The command modules, in the order ``accord --help`` lists them."""


def installed_version() -> str:
    """Return Accord's version from the installed package's metadata."""
    try:
        return version("accord")
    except PackageNotFoundError:
        # Run from a tree that was never installed (not even editable).
        return "unknown (not installed)"


def build_parser(settings: AccordSettings) -> argparse.ArgumentParser:
    """Build the argument parser, with defaults taken from the settings."""
    parser = argparse.ArgumentParser(
        prog="accord", description="Accord: compassionate accountability for Microsoft 365 teams."
    )
    parser.add_argument("--version", action="version", version=f"accord {installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands, settings)
    # Each command's help ends with the settings it reads, from one table (settings_help).
    for name, subparser in commands.choices.items():
        if name in COMMAND_SETTINGS:
            subparser.epilog = settings_epilog(name)
            subparser.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``accord`` command line.

    Args:
        argv: the arguments (default: the process's).

    Returns:
        The process exit code.
    """
    try:
        settings = load_settings()
    except SettingsError as exc:
        configure_logging()
        report_problem("", "settings_invalid", str(exc))
        return 2
    configure_logging(settings.log_level, settings.log_format)
    args = build_parser(settings).parse_args(argv)
    handler: Handler = args.handler
    return handler(args, settings)


if __name__ == "__main__":
    sys.exit(main())

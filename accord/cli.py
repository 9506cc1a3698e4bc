"""The ``accord`` command line: one entry point with a sub-command per job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import structlog

from accord.logs import configure_logging
from accord.settings import AccordSettings, SettingsError, load_settings


def _sandbox(args: argparse.Namespace, settings: AccordSettings) -> int:
    from sandbox.server import serve  # noqa: PLC0415 - only this command needs the server
    from sandbox.tenant import TenantError  # noqa: PLC0415 - as above

    data_dir: Path = args.data or settings.data_dir / "sandbox"
    log = structlog.get_logger("accord.sandbox")
    log.info("sandbox_starting", url=f"http://{args.host}:{args.port}", data_dir=str(data_dir))
    try:
        serve(args.host, args.port, args.tenant, data_dir)
    except TenantError as exc:
        log.error("tenant_file_invalid", reason=str(exc))
        return 2
    return 0


def build_parser(settings: AccordSettings) -> argparse.ArgumentParser:
    """Build the argument parser, with defaults taken from the settings."""
    parser = argparse.ArgumentParser(
        prog="accord", description="Accord: compassionate accountability for Microsoft 365 teams."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    sandbox = commands.add_parser(
        "sandbox", help="Serve the local Microsoft 365 (Graph) sandbox and its web page."
    )
    sandbox.add_argument("--host", default=settings.sandbox_host)
    sandbox.add_argument("--port", type=int, default=settings.sandbox_port)
    sandbox.add_argument("--tenant", type=Path, help="A JSON or YAML tenant file to seed from.")
    sandbox.add_argument("--data", type=Path, help="Where the sandbox keeps its state.")
    sandbox.set_defaults(handler=_sandbox)
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
        structlog.get_logger("accord").error("settings_invalid", reason=str(exc))
        return 2
    configure_logging(settings.log_level, settings.log_format)
    args = build_parser(settings).parse_args(argv)
    code: int = args.handler(args, settings)
    return code


if __name__ == "__main__":
    sys.exit(main())

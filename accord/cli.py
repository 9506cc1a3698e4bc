"""The ``accord`` command line: one entry point with a sub-command per job."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

import structlog

from accord.addin_command import add_manifest_arguments, write_manifest
from accord.commitments_cli import add_commands as add_commitment_commands
from accord.keys_cli import add_commands as add_key_commands
from accord.logs import configure_logging
from accord.settings import AccordSettings, SettingsError, load_settings
from accord.teams_package import add_package_arguments, write_package


def _sandbox(args: argparse.Namespace, settings: AccordSettings) -> int:
    # Imported here: only this command needs the server.
    from sandbox.server import serve
    from sandbox.tenant import TenantError

    data_dir: Path = args.data or settings.data_dir / "sandbox"
    log = structlog.get_logger("accord.sandbox")
    log.info("sandbox_starting", url=f"http://{args.host}:{args.port}", data_dir=str(data_dir))
    try:
        serve(args.host, args.port, args.tenant, data_dir)
    except TenantError as exc:
        log.error("tenant_file_invalid", reason=str(exc))
        return 2
    return 0


def _run(name: str, main: Coroutine[Any, Any, int | None]) -> int:
    # Imported here: these modules pull in Temporal and Graph, which `accord sandbox` and
    # `--help` do without.
    from accord.connections import GraphSetupError
    from accord.keys import KeyFileError
    from accord.up import UpError
    from accord.worker_health import ProbeSetupError
    from integrations.telemetry.runtime import MetricsSetupError
    from integrations.temporal.client import TemporalSetupError

    log = structlog.get_logger(f"accord.{name}")
    try:
        code = asyncio.run(main)
    except (
        KeyFileError,
        TemporalSetupError,
        GraphSetupError,
        UpError,
        ProbeSetupError,
        MetricsSetupError,
    ) as exc:
        log.error("setup_invalid", reason=str(exc))
        return 2
    except RuntimeError as exc:
        # The Temporal SDK reports an unreachable server as a RuntimeError.
        log.error("failed", reason=str(exc))
        return 1
    except KeyboardInterrupt:
        # A Ctrl-C that came before the command's own signal handlers were in place.
        return 130
    return code or 0


def _worker(_args: argparse.Namespace, settings: AccordSettings) -> int:
    from worker import run_worker  # heavy imports: only this command needs them

    code = _run("worker", run_worker(settings))
    # The worker has shut down and drained by now. Temporal core's native threads can still
    # touch the GIL while the interpreter finalizes, which aborts the process (seen as exit
    # -6 after a clean SIGTERM), so leave without finalizing once the streams are flushed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _api(_args: argparse.Namespace, settings: AccordSettings) -> int:
    from accord.serve_api import run_api  # heavy imports: only this command needs them

    return _run("api", run_api(settings))


def _up(_args: argparse.Namespace, settings: AccordSettings) -> int:
    from accord.up import run_up  # heavy imports: only this command needs them

    return _run("up", run_up(settings))


def _codec_server(_args: argparse.Namespace, settings: AccordSettings) -> int:
    from accord.codec_server import run_codec_server  # heavy imports: only this command

    return _run("codec-server", run_codec_server(settings))


def _keys(args: argparse.Namespace, settings: AccordSettings) -> int:
    from accord.key_rotation import run_keys_command  # heavy imports: only this command

    return _run("keys", run_keys_command(args, settings))


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
    commands.add_parser(
        "worker", help="Run the Temporal worker: commitment workflows and their activities."
    ).set_defaults(handler=_worker)
    commands.add_parser(
        "api", help=f"Serve Accord's HTTP API on {settings.api_host}:{settings.api_port}."
    ).set_defaults(handler=_api)
    commands.add_parser(
        "up",
        help="Run everything locally: Temporal's dev server, the sandbox, the worker and the "
        "API (state under ACCORD_DATA_DIR; Ctrl-C stops it all).",
    ).set_defaults(handler=_up)
    commands.add_parser(
        "codec-server",
        help="Serve Temporal's remote codec protocol, so that operators see decrypted payloads "
        f"in the Temporal UI or CLI ({settings.codec_server_host}:{settings.codec_server_port}).",
    ).set_defaults(handler=_codec_server)
    addin_manifest = commands.add_parser(
        "addin-manifest",
        help="Write the Outlook add-in's manifest for Accord's https address (docs/addin.md).",
    )
    add_manifest_arguments(addin_manifest, settings)
    addin_manifest.set_defaults(handler=write_manifest)
    teams_package = commands.add_parser(
        "teams-package",
        help="Build the Teams app package (manifest and icons, as a zip) for upload "
        "(docs/teams.md).",
    )
    add_package_arguments(teams_package, settings)
    teams_package.set_defaults(handler=write_package)
    add_commitment_commands(commands, settings)
    add_key_commands(commands, settings, _keys)
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

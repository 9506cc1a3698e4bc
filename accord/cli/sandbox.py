"""``accord sandbox``: serve the local Microsoft 365 sandbox (a development command).

The sandbox is a development tool that production installs do not ship, so it is loaded
by name when the command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import structlog

from accord.cli.running import Commands, development_only
from accord.settings import AccordSettings
from accord.wiring.sandbox import SandboxMissingError, load_sandbox


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``sandbox`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for the defaults.
    """
    parser = commands.add_parser(
        "sandbox", help="Serve the local Microsoft 365 (Graph) sandbox and its web page."
    )
    parser.add_argument("--host", default=settings.sandbox_host)
    parser.add_argument("--port", type=int, default=settings.sandbox_port)
    parser.add_argument("--tenant", type=Path, help="A JSON or YAML tenant file to seed from.")
    parser.add_argument("--data", type=Path, help="Where the sandbox keeps its state.")
    parser.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace, settings: AccordSettings) -> int:
    try:
        server, tenant = load_sandbox("server"), load_sandbox("tenant")
    except SandboxMissingError:
        return development_only("sandbox", "./dev accord sandbox")
    data_dir: Path = args.data or settings.data_dir / "sandbox"
    log = structlog.get_logger("accord.sandbox")
    log.info("sandbox_starting", url=f"http://{args.host}:{args.port}", data_dir=str(data_dir))
    try:
        server.serve(args.host, args.port, args.tenant, data_dir)
    except tenant.TenantError as exc:
        log.error("tenant_file_invalid", reason=str(exc))
        return 2
    return 0

"""``accord sandbox``: serve the local Microsoft 365 sandbox (a development command).

The sandbox is a development tool that production installs do not ship, so it is loaded
by name when the command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import structlog

from accord.cli.running import Commands, development_only, report_problem
from accord.settings import AccordSettings
from accord.wiring.sandbox import SandboxMissingError, load_sandbox

# The names `accord sandbox --misconfigure` takes; kept here because the sandbox itself is
# loaded only when the command runs (sandbox/misconfiguration.py has the same list, and
# tests/accord/test_doctor.py checks that they agree).
MISCONFIGURATIONS = ("missing-role", "no-access-policy", "unreachable-webhook")


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
    parser.add_argument(
        "--misconfigure",
        action="append",
        default=[],
        choices=MISCONFIGURATIONS,
        help="Start the tenant misconfigured, for trying accord doctor (repeatable): "
        "missing-role (the app lacks Mail.Send), no-access-policy (every mailbox open to "
        "the app), unreachable-webhook (Graph cannot reach the notification URL).",
    )
    parser.add_argument(
        "--access-policy",
        action="append",
        metavar="MAILBOX",
        help="Scope the application access policy to these mailboxes (repeatable); others "
        "are refused as Exchange refuses them. Default: as the sandbox was last started.",
    )
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
        server.serve(
            args.host,
            args.port,
            args.tenant,
            data_dir,
            misconfigurations=args.misconfigure,
            access_policy=args.access_policy,
        )
    except tenant.TenantError as exc:
        report_problem("sandbox", "tenant_file_invalid", str(exc))
        return 2
    return 0

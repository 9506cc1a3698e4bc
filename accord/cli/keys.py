"""``accord keys reencrypt|status``: its arguments (the work is in accord/keys/rotation.py).

Kept apart from the work so that ``accord --help`` does not import Temporal.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from accord.cli.running import Commands, exit_without_finalizing, run_async
from accord.settings import AccordSettings

DEFAULT_RATE = 20.0
"""Signals (or history reads) a second: enough for 100,000 workflows in under 90 minutes."""
MAX_RATE = 1000.0
MAX_REASON = 200


def aware_datetime(text: str) -> datetime:
    """Parse an ISO 8601 time with an offset (``Z`` too), for ``--before``.

    Args:
        text: what was typed.

    Returns:
        The time.

    Raises:
        argparse.ArgumentTypeError: when it is not such a time.
    """
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    if when.tzinfo is None:
        raise argparse.ArgumentTypeError("the time needs an offset, e.g. 2026-11-22T06:00:00Z")
    return when


def reason_text(text: str) -> str:
    """Parse ``--reason``: a short note, recorded with each request (1 to 200 characters)."""
    reason = text.strip()
    if not 0 < len(reason) <= MAX_REASON:
        raise argparse.ArgumentTypeError(f"the reason is 1 to {MAX_REASON} characters")
    return reason


def positive_rate(text: str) -> float:
    """Parse ``--rate``: a positive number of calls a second."""
    try:
        rate = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < rate <= MAX_RATE:
        raise argparse.ArgumentTypeError(f"the rate is above 0 and at most {MAX_RATE:g} a second")
    return rate


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``keys reencrypt`` and ``keys status`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for defaults shown in the help.
    """
    group: argparse.ArgumentParser = commands.add_parser(
        "keys",
        help="Retire a payload key early: make running workflows write their histories afresh "
        "with the newest key, and see which histories still hold older keys "
        "(docs/security.md).",
    )
    group.set_defaults(handler=_handle)
    actions = group.add_subparsers(dest="keys_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--query",
        help="Narrow the workflows further with a Temporal visibility filter, e.g. "
        "\"WorkflowId STARTS_WITH 'commitment-'\".",
    )
    common.add_argument(
        "--rate",
        type=positive_rate,
        default=DEFAULT_RATE,
        help=f"At most this many calls to Temporal a second (default {DEFAULT_RATE:g}).",
    )

    reencrypt = actions.add_parser(
        "reencrypt",
        parents=[common],
        help="Ask every running commitment, person, mailbox watch, intake thread and digest "
        "workflow of "
        f"{settings.temporal_namespace!r} started before --before to continue as new, so "
        "that its history is written afresh with the newest key. Roll out the new key first.",
    )
    reencrypt.add_argument(
        "--before",
        type=aware_datetime,
        required=True,
        help="Only runs started before this time (ISO 8601 with an offset): when the new key "
        "went first in every worker. Runs that continued as new start later, so running the "
        "command again with the same time asks only those still to do.",
    )
    reencrypt.add_argument(
        "--dry-run", action="store_true", help="Count what would be asked; ask nothing."
    )
    reencrypt.add_argument(
        "--reason",
        type=reason_text,
        default="payload key rotation",
        help="Recorded with each request (at most 200 characters).",
    )

    status = actions.add_parser(
        "status",
        parents=[common],
        help="Read the histories of Accord's running workflows (with --closed, also those "
        "closed and still kept) and count which payload keys they hold.",
    )
    status.add_argument(
        "--closed",
        action="store_true",
        help="Also closed runs the namespace still keeps (its retention period).",
    )
    status.add_argument(
        "--show",
        action="store_true",
        help="List the runs that hold a key other than the current one.",
    )


def _handle(args: argparse.Namespace, settings: AccordSettings) -> int:
    exit_without_finalizing(run_async("keys", _run(args, settings)))


async def _run(args: argparse.Namespace, settings: AccordSettings) -> int:
    # Imported here: Temporal's client is heavy, and only this command needs it.
    from accord.keys.rotation import run_keys_command
    from accord.wiring.temporal import connect

    return await run_keys_command(args, settings, client=await connect(settings))

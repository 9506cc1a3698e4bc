"""``accord doctor``: check a configured deployment end to end (the checks: accord/doctor/)."""

from __future__ import annotations

import argparse
import sys
from typing import IO

from accord.cli.running import Commands, exit_without_finalizing, run_async
from accord.settings import AccordSettings


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``doctor`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for defaults shown in the help.
    """
    parser = commands.add_parser(
        "doctor",
        help="Check a configured deployment end to end: Graph's token and permissions, the "
        "access policy, the sending mailboxes, the notification URL and a subscription, the "
        "bot, Temporal and the keys; each failure says what to fix. Exit status 0 only when "
        "every check passes.",
    )
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    parser.add_argument(
        "--outside-mailbox",
        metavar="ADDRESS",
        help="A mailbox the application access policy should refuse (someone who does not "
        "use Accord); default: the first other user of the directory.",
    )
    parser.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace, settings: AccordSettings) -> int:
    code = run_async(
        "doctor",
        doctor(settings, outside_mailbox=args.outside_mailbox, as_json=args.json),
    )
    exit_without_finalizing(code)


async def doctor(
    settings: AccordSettings,
    *,
    outside_mailbox: str | None = None,
    as_json: bool = False,
    out: IO[str] | None = None,
) -> int:
    """Run every check and print the report.

    Args:
        settings: Accord's settings.
        outside_mailbox: a mailbox the access policy should refuse (``--outside-mailbox``).
        as_json: print JSON rather than sentences.
        out: where the report goes (default: stdout).

    Returns:
        The exit status: 0 when every check passed, else 1.
    """
    # Imported here: the checks pull in Temporal and Graph, which `accord --help` does without.
    from rich.console import Console

    from accord.doctor.results import all_passed
    from accord.doctor.results import as_json as json_report
    from accord.doctor.results import as_text as text_report
    from accord.doctor.run import run_doctor

    console = Console(stderr=True)
    if console.is_terminal:
        with console.status("Checking Graph, Teams, Temporal and the keys…"):
            results = await run_doctor(settings, outside_mailbox=outside_mailbox)
    else:
        results = await run_doctor(settings, outside_mailbox=outside_mailbox)
    (out or sys.stdout).write(json_report(results) + "\n" if as_json else text_report(results))
    return 0 if all_passed(results) else 1

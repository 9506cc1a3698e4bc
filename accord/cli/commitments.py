"""``accord commitments list|show|create|release``: the API from a terminal.

The commands speak to Accord's HTTP API like any other client, with a bearer token from
``ACCORD_API_TOKEN`` or from ``accord login`` (accord/cli/login.py). Results are readable
tables on stdout, or JSON with ``--json``; progress and problems go to stderr, so ``--json``
output can be piped.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from accord.cli.client import TIMEOUT, CliError, Io, json_object, run_guarded
from accord.cli.login import TOKEN_ENV, access_token
from accord.cli.running import Commands
from accord.settings import AccordSettings

_TITLE_WIDTH = 40


# --- the API ------------------------------------------------------------------------------


class Api:
    """Accord's API, as the signed-in person."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Make one request and return its JSON object.

        Raises:
            CliError: when the API cannot be reached or answers with a problem.
        """
        try:
            response = await self._http.request(
                method, path, params=params, json=body, headers=headers
            )
        except httpx.HTTPError as exc:
            raise CliError(f"Cannot reach Accord's API at {self._http.base_url}: {exc}") from None
        answer = json_object(response)
        if response.is_success:
            return answer
        raise CliError(_problem_text(response.status_code, answer))


def _problem_text(status: int, problem: Mapping[str, Any]) -> str:
    if status == 401:
        return (
            f"Not signed in, or the sign-in has expired: run `accord login` (or set {TOKEN_ENV})."
        )
    lines = [str(problem.get("title") or f"HTTP {status}")]
    if problem.get("detail"):
        lines[0] += f": {problem['detail']}"
    for error in problem.get("errors") or []:
        lines.append(f"  {error.get('field')}: {error.get('message')}")
    return "\n".join(lines)


# --- output ---------------------------------------------------------------------------------


def _when(value: str | None) -> str:
    if not value:
        return "-"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    # The reader's own zone: a table is for a person at this terminal.
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()


def _shorten(text: str | None, width: int) -> str:
    text = " ".join((text or "-").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Format rows as a plain-text table with aligned columns.

    Args:
        headers: the column titles.
        rows: the cells, one sequence per row.

    Returns:
        The table, one line per row, without a trailing newline.
    """
    widths = [len(title) for title in headers]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = [headers, ["-" * width for width in widths], *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _summary_rows(items: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [
        [
            str(item["commitment_id"]),
            _shorten(item.get("title"), _TITLE_WIDTH),
            str(item["status"]),
            str(item["owner"]),
            str(item["manager"]),
            _when(item.get("due")),
        ]
        for item in items
    ]


def describe(commitment: Mapping[str, Any]) -> str:
    """Format one commitment (as the API shows it) for reading.

    Args:
        commitment: the API's ``CommitmentPublic`` JSON.

    Returns:
        The text: the expectation, where it stands, then its revisions, check-ins and history.
    """
    owner, manager = commitment["owner"], commitment["manager"]
    fields = [
        ("Commitment", str(commitment["commitment_id"])),
        ("Title", str(commitment["title"])),
        ("Status", str(commitment["status"])),
        ("Owner", f"{owner['display_name']} <{owner['email']}>"),
        ("Manager", f"{manager['display_name']} <{manager['email']}>"),
        ("Due", _when(commitment.get("due"))),
        ("Success", str(commitment["success_criteria"])),
    ]
    if commitment.get("description"):
        fields.append(("Description", str(commitment["description"])))
    if commitment.get("support"):
        fields.append(("Support", str(commitment["support"])))
    if commitment.get("completed_at"):
        fields.append(("Completed", _when(commitment["completed_at"])))
    width = max(len(name) for name, _ in fields)
    parts = ["\n".join(f"{name.ljust(width)}  {value}" for name, value in fields)]
    if commitment.get("pending_revision"):
        proposal = commitment["pending_revision"]
        parts.append(
            f"Proposed by the {proposal['proposed_by']}: due {_when(proposal['new_due'])}"
            + (f", reason: {proposal['reason']}" if proposal.get("reason") else "")
        )
    if commitment.get("revisions"):
        rows = [
            [_when(r["at"]), _when(r["old_due"]), _when(r["new_due"]), str(r["proposed_by"]),
             _shorten(r.get("reason"), _TITLE_WIDTH)]
            for r in commitment["revisions"]
        ]  # fmt: skip
        parts.append(
            "Revisions\n" + table(["WHEN", "OLD DUE", "NEW DUE", "PROPOSED BY", "REASON"], rows)
        )
    if commitment.get("check_ins"):
        rows = [
            [_when(c["at"]), str(c["answer"]), _shorten(c.get("note"), _TITLE_WIDTH)]
            for c in commitment["check_ins"]
        ]
        parts.append("Check-ins\n" + table(["WHEN", "ANSWER", "NOTE"], rows))
    if commitment.get("history"):
        rows = [
            [_when(h["at"]), str(h["actor"]), str(h["kind"]), _shorten(h.get("detail"), 50)]
            for h in commitment["history"]
        ]
        parts.append("History\n" + table(["WHEN", "WHO", "WHAT", "DETAIL"], rows))
    return "\n\n".join(parts)


def _print(io: Io, value: Any, *, as_json: bool, text: Callable[[Any], str]) -> None:
    io.out.write(json.dumps(value, indent=2, ensure_ascii=False) if as_json else text(value))
    io.out.write("\n")


# --- commands ------------------------------------------------------------------------------


async def _list(api: Api, args: argparse.Namespace, io: Io) -> None:
    params: dict[str, str | int] = {"page_size": args.page_size}
    for name in ("owner", "manager", "status", "due_after", "due_before"):
        if getattr(args, name) is not None:
            params[name] = getattr(args, name)
    items: list[dict[str, Any]] = []
    pages = 0
    while True:
        page = await api.call("GET", "/commitments", params=params)
        items += page.get("items", [])
        pages += 1
        token = page.get("next_page_token")
        if not args.all or not token:
            break
        io.err.write(f"Fetched {len(items)} commitments ({pages} pages); fetching more…\n")
        io.err.flush()
        params["page_token"] = token
    if args.json:
        _print(io, {"items": items, "next_page_token": None if args.all else token}, as_json=True,
               text=str)  # fmt: skip
        return
    if not items:
        io.out.write("No commitments match.\n")
        return
    headers = ["ID", "TITLE", "STATUS", "OWNER", "MANAGER", "DUE"]
    io.out.write(table(headers, _summary_rows(items)) + "\n")
    if token and not args.all:
        io.err.write("More match: use --all, or narrow the filters.\n")


async def _show(api: Api, args: argparse.Namespace, io: Io) -> None:
    commitment = await api.call("GET", f"/commitments/{args.commitment_id}")
    _print(io, commitment, as_json=args.json, text=describe)


async def _create(api: Api, args: argparse.Namespace, io: Io) -> None:
    body: dict[str, Any] = {
        "title": args.title,
        "success_criteria": args.success_criteria,
        "owner": args.owner,
        "due": args.due,
    }
    for name in ("description", "cadence", "support", "manager"):
        if getattr(args, name) is not None:
            body[name] = getattr(args, name)
    headers = {"Idempotency-Key": args.idempotency_key} if args.idempotency_key else None
    io.err.write("Setting the expectation…\n")
    commitment = await api.call("POST", "/commitments", body=body, headers=headers)
    _print(io, commitment, as_json=args.json, text=describe)


async def _release(api: Api, args: argparse.Namespace, io: Io) -> None:
    body = {"reason": args.reason} if args.reason else {}
    commitment = await api.call("POST", f"/commitments/{args.commitment_id}/release", body=body)
    _print(io, commitment, as_json=args.json, text=describe)


_ACTIONS: dict[str, Callable[[Api, argparse.Namespace, Io], Awaitable[None]]] = {
    "list": _list,
    "show": _show,
    "create": _create,
    "release": _release,
}


async def commitments(settings: AccordSettings, args: argparse.Namespace, io: Io) -> int:
    """Run one ``accord commitments`` command.

    Args:
        settings: Accord's settings (``public_url`` is the default API address).
        args: the parsed arguments.
        io: streams, environment and HTTP transport.

    Returns:
        The exit code.

    Raises:
        CliError: when the command cannot be done; the message says why.
    """
    token = access_token(settings, io)
    base_url = (args.api or settings.public_url).rstrip("/")
    async with httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        timeout=TIMEOUT,
        transport=io.transport,
    ) as http:
        await _ACTIONS[args.action](Api(http), args, io)
    return 0


def _handle(args: argparse.Namespace, settings: AccordSettings) -> int:
    io = Io()
    return run_guarded(commitments(settings, args, io), io)


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``commitments list|show|create|release`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for defaults.
    """
    group = commands.add_parser(
        "commitments", help="List, show, create and release commitments through the API."
    )
    group.set_defaults(handler=_handle)
    actions = group.add_subparsers(dest="action", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--api", help=f"The API's address (default: {settings.public_url}).")
    common.add_argument("--json", action="store_true", help="Print JSON instead of text.")

    listing = actions.add_parser("list", parents=[common], help="Commitments you may see.")
    listing.add_argument("--owner", help="Only this owner's (email).")
    listing.add_argument("--manager", help="Only this manager's (email).")
    listing.add_argument("--status", help="Only in this state, e.g. active, missed, done.")
    listing.add_argument("--due-after", help="Due at or after (ISO 8601 with an offset).")
    listing.add_argument("--due-before", help="Due before (ISO 8601 with an offset).")
    listing.add_argument("--page-size", type=int, default=50, help="Rows per request (1-100).")
    listing.add_argument("--all", action="store_true", help="Fetch every page, not only the first.")

    show = actions.add_parser("show", parents=[common], help="One commitment and its history.")
    show.add_argument("commitment_id")

    create = actions.add_parser("create", parents=[common], help="Set an expectation.")
    create.add_argument("--owner", required=True, help="The report's email address.")
    create.add_argument("--title", required=True)
    create.add_argument("--success-criteria", required=True, help="What done looks like.")
    create.add_argument("--due", required=True, help="ISO 8601 with an offset.")
    create.add_argument("--description")
    create.add_argument("--cadence", help="Check-in cadence, e.g. P7D.")
    create.add_argument("--support", help="What help you offer.")
    create.add_argument("--manager", help="Admins only: set it on another manager's behalf.")
    create.add_argument(
        "--idempotency-key", help="Makes a retried create safe; Accord makes the id itself."
    )

    release = actions.add_parser("release", parents=[common], help="Release the owner.")
    release.add_argument("commitment_id")
    release.add_argument("--reason", help="Said kindly to the owner.")

"""``accord login`` and ``accord sandbox-token``: an access token for Accord's API.

``accord login`` signs in with the OAuth 2.0 device-code flow against the configured authority
(Entra ID, or the sandbox, which implements the same flow) and keeps the token under the
data directory; ``ACCORD_API_TOKEN`` takes its place where set. ``accord sandbox-token``
prints a token for a person of the local sandbox.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx

from accord.cli.client import TIMEOUT, CliError, Io, json_object, run_guarded
from accord.cli.running import Commands
from accord.settings import AccordSettings

TOKEN_ENV = "ACCORD_API_TOKEN"  # noqa: S105 - the variable's name, not a token
TOKEN_FILE = "cli-token.json"  # noqa: S105 - a file name, not a token
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# Tokens about to expire are not used: a long listing should not fail half-way.
_EXPIRY_MARGIN_SECONDS = 60


# --- the token --------------------------------------------------------------------------


def token_path(settings: AccordSettings) -> Path:
    """Return where ``accord login`` keeps the access token."""
    return settings.data_dir / TOKEN_FILE


def _saved_token(settings: AccordSettings) -> str | None:
    try:
        saved = json.loads(token_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    token, expires_at = saved.get("access_token"), saved.get("expires_at")
    if not isinstance(token, str) or not isinstance(expires_at, int | float):
        return None
    return token if expires_at - _EXPIRY_MARGIN_SECONDS > time.time() else None


def _save_token(settings: AccordSettings, token: str, expires_in: int) -> Path:
    path = token_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created private from the start: the token is a credential.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({"access_token": token, "expires_at": int(time.time()) + expires_in}, file)
    return path


def access_token(settings: AccordSettings, io: Io) -> str:
    """Return the token to call the API with: ``ACCORD_API_TOKEN``, else the saved login.

    Raises:
        CliError: when there is neither.
    """
    token = io.environ.get(TOKEN_ENV, "").strip() or _saved_token(settings)
    if not token:
        raise CliError(f"Not signed in: run `accord login`, or set {TOKEN_ENV}.")
    return token


# --- login ---------------------------------------------------------------------------------


def _sign_in_target(settings: AccordSettings) -> tuple[str, str]:
    # Imported here: it pulls in Graph's SDK, which the other commands do without.
    from accord.wiring.auth import authority_of
    from accord.wiring.connections import sandbox_ids

    authority, _tenant = authority_of(settings)
    client_id = settings.auth_cli_client_id
    if client_id is None:
        if settings.graph_base_url is not None:
            raise CliError("Set ACCORD_AUTH_CLI_CLIENT_ID: the app `accord login` signs in as.")
        client_id = sandbox_ids(settings)[1]
    return authority, client_id


async def login(settings: AccordSettings, io: Io) -> int:
    """Sign in with the device-code flow and keep the token under the data directory.

    Args:
        settings: Accord's settings (``auth_*``, ``data_dir``).
        io: streams, environment and HTTP transport.

    Returns:
        The exit code.

    Raises:
        CliError: when sign-in fails or is declined.
    """
    authority, client_id = _sign_in_target(settings)
    scope = f"{settings.auth_audience}/.default"
    async with httpx.AsyncClient(timeout=TIMEOUT, transport=io.transport) as http:
        started = await _oauth(
            http, f"{authority}/oauth2/v2.0/devicecode", {"client_id": client_id, "scope": scope}
        )
        io.err.write(str(started.get("message", "")) + "\n")
        io.err.flush()
        deadline = time.monotonic() + float(started.get("expires_in", 900))
        interval = float(started.get("interval", 5))
        poll = {
            "grant_type": DEVICE_CODE_GRANT,
            "client_id": client_id,
            "device_code": str(started["device_code"]),
        }
        while time.monotonic() < deadline:
            await io.sleep(interval)
            response = await http.post(f"{authority}/oauth2/v2.0/token", data=poll)
            body = json_object(response)
            error = body.get("error")
            if error == "authorization_pending":
                continue
            if error == "slow_down":
                interval += 5
                continue
            if error is not None or "access_token" not in body:
                raise CliError(f"Sign-in failed: {body.get('error_description') or error}")
            path = _save_token(settings, str(body["access_token"]), int(body["expires_in"]))
            io.err.write(f"Signed in. The token is kept in {path} until it expires.\n")
            return 0
    raise CliError("Sign-in timed out: nobody entered the code in time.")


async def sandbox_token(settings: AccordSettings, upn: str, io: Io) -> int:
    """Print an access token for ``upn`` from the local sandbox (its password grant).

    For the walkthrough and scripts against ``accord up``; a real tenant signs people in with
    ``accord login`` only.

    Args:
        settings: Accord's settings.
        upn: the sandbox user to sign in as.
        io: streams, environment and HTTP transport.

    Returns:
        The exit code.

    Raises:
        CliError: when a real tenant is configured or the sandbox refuses.
    """
    if settings.graph_base_url is not None:
        raise CliError("sandbox-token works with the local sandbox only; use `accord login`.")
    authority, client_id = _sign_in_target(settings)
    async with httpx.AsyncClient(timeout=TIMEOUT, transport=io.transport) as http:
        body = await _oauth(
            http,
            f"{authority}/oauth2/v2.0/token",
            {
                "grant_type": "password",
                "client_id": client_id,
                "username": upn,
                "password": "sandbox",  # the sandbox requires one and keeps none
                "scope": f"{settings.auth_audience}/.default",
            },
        )
    io.out.write(f"{body['access_token']}\n")
    return 0


async def _oauth(http: httpx.AsyncClient, url: str, form: dict[str, str]) -> dict[str, Any]:
    try:
        response = await http.post(url, data=form)
    except httpx.HTTPError as exc:
        raise CliError(f"Cannot reach the sign-in service at {url}: {exc}") from None
    body = json_object(response)
    if response.status_code != 200:
        raise CliError(f"Sign-in failed: {body.get('error_description') or response.status_code}")
    return body


def _handle_login(_args: argparse.Namespace, settings: AccordSettings) -> int:
    io = Io()
    return run_guarded(login(settings, io), io)


def _handle_sandbox_token(args: argparse.Namespace, settings: AccordSettings) -> int:
    io = Io()
    return run_guarded(sandbox_token(settings, args.upn, io), io)


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``login`` and ``sandbox-token`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for defaults.
    """
    commands.add_parser(
        "login",
        help="Sign in to Accord's API (device code; the token is kept under ACCORD_DATA_DIR).",
    ).set_defaults(handler=_handle_login)
    token = commands.add_parser(
        "sandbox-token",
        help="Print an API token for a person of the local sandbox (for curl and scripts).",
    )
    token.add_argument("upn", help="e.g. maya.chen@northwind.example")
    token.set_defaults(handler=_handle_sandbox_token)

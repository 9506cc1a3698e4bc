"""``accord login`` and ``accord sandbox-token``: an access token for Accord's API.

``accord login`` signs in with MSAL's device flow (``PublicClientApplication``) against the
configured authority (Entra ID, or the sandbox, which serves the same endpoints) and keeps
MSAL's token cache in the user's configuration directory (:func:`cache_path`, readable by the
user alone), so later commands get a token silently, refreshed while the sign-in lasts;
``ACCORD_API_TOKEN`` takes its place where set. ``accord sandbox-token`` prints a token for a
person of the local sandbox.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import msal
import requests

from accord.cli.client import TIMEOUT, CliError, Io, json_object, run_guarded
from accord.cli.running import Commands
from accord.settings import AccordSettings
from integrations.entra.local_http import https_alias, local_http_session

TOKEN_ENV = "ACCORD_API_TOKEN"  # noqa: S105 - the variable's name, not a token
CACHE_FILE = "msal-token-cache.json"
_PENDING = frozenset({"authorization_pending", "slow_down"})


# --- the token cache ----------------------------------------------------------------------


def cache_path(environ: Mapping[str, str]) -> Path:
    """Return where ``accord login`` keeps MSAL's token cache: the user's config directory.

    ``$XDG_CONFIG_HOME/accord``, else ``%APPDATA%/accord`` (Windows), else
    ``~/.config/accord``.
    """
    base = environ.get("XDG_CONFIG_HOME") or environ.get("APPDATA")
    root = Path(base) if base else Path(environ.get("HOME") or Path.home()) / ".config"
    return root / "accord" / CACHE_FILE


def _load_cache(path: Path) -> msal.SerializableTokenCache:
    cache = msal.SerializableTokenCache()
    # No sign-in yet, or an unreadable cache: the person signs in again.
    with contextlib.suppress(OSError, ValueError):
        cache.deserialize(path.read_text(encoding="utf-8"))
    return cache


def _save_cache(path: Path, cache: msal.SerializableTokenCache) -> None:
    if not cache.has_state_changed:
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Created private from the start: it holds refresh tokens.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(cache.serialize())
    os.chmod(path, 0o600)


# --- the sign-in ---------------------------------------------------------------------------


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


def _scopes(settings: AccordSettings) -> list[str]:
    return [f"{settings.auth_audience}/.default"]


def _application(
    settings: AccordSettings, cache: msal.SerializableTokenCache
) -> msal.PublicClientApplication:
    authority, client_id = _sign_in_target(settings)
    # MSAL insists on https; the sandbox's plain-HTTP endpoint is reached under that name.
    local = urlsplit(authority).scheme == "http"
    origin = f"{urlsplit(authority).scheme}://{urlsplit(authority).netloc}"
    try:
        return msal.PublicClientApplication(
            client_id,
            authority=https_alias(authority),
            token_cache=cache,
            http_client=local_http_session(origin) if local else requests.Session(),
            instance_discovery=False if local else None,
        )
    except (ValueError, requests.RequestException) as exc:
        raise CliError(f"Cannot reach the sign-in service at {authority}: {exc}") from None


def _cached_token(settings: AccordSettings, environ: Mapping[str, str]) -> str | None:
    path = cache_path(environ)
    if not path.exists():
        return None
    cache = _load_cache(path)
    application = _application(settings, cache)
    accounts = application.get_accounts()
    if not accounts:
        return None
    # From the cache while the access token lasts, else refreshed with the refresh token.
    result = application.acquire_token_silent(_scopes(settings), account=accounts[0])
    _save_cache(path, cache)
    token = (result or {}).get("access_token")
    return str(token) if token else None


def access_token(settings: AccordSettings, io: Io) -> str:
    """Return the token to call the API with: ``ACCORD_API_TOKEN``, else the signed-in one.

    Raises:
        CliError: when there is neither.
    """
    token = io.environ.get(TOKEN_ENV, "").strip() or _cached_token(settings, io.environ)
    if not token:
        raise CliError(f"Not signed in: run `accord login`, or set {TOKEN_ENV}.")
    return token


async def login(settings: AccordSettings, io: Io) -> int:
    """Sign in with MSAL's device flow and keep its token cache in the config directory.

    Args:
        settings: Accord's settings (``auth_*``).
        io: streams, environment, and the wait between polls.

    Returns:
        The exit code.

    Raises:
        CliError: when sign-in fails or is declined.
    """
    path = cache_path(io.environ)
    cache = _load_cache(path)
    application = await asyncio.to_thread(_application, settings, cache)
    flow: dict[str, Any] = await asyncio.to_thread(
        application.initiate_device_flow, scopes=_scopes(settings)
    )
    if "user_code" not in flow:
        raise CliError(f"Sign-in failed: {flow.get('error_description') or flow.get('error')}")
    io.err.write(str(flow.get("message", "")) + "\n")
    io.err.flush()
    interval = float(flow.get("interval", 5))
    while time.time() < float(flow["expires_at"]):
        await io.sleep(interval)
        # One poll per call (MSAL stops polling when the flow has expired), so the wait
        # between polls stays here, where Ctrl-C and tests reach it.
        result: dict[str, Any] = await asyncio.to_thread(
            application.acquire_token_by_device_flow, {**flow, "expires_at": 0}
        )
        error = result.get("error")
        if error == "slow_down":
            interval += 5
        if error in _PENDING:
            continue
        if "access_token" not in result:
            raise CliError(f"Sign-in failed: {result.get('error_description') or error}")
        _save_cache(path, cache)
        io.err.write(f"Signed in. MSAL's token cache is kept in {path}.\n")
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
        help="Sign in to Accord's API (MSAL's device flow; its token cache is kept in "
        "$XDG_CONFIG_HOME/accord, readable by you alone). Reads ACCORD_AUTH_AUTHORITY, "
        "ACCORD_AUTH_TENANT_ID, ACCORD_AUTH_CLI_CLIENT_ID and ACCORD_AUTH_AUDIENCE.",
    ).set_defaults(handler=_handle_login)
    token = commands.add_parser(
        "sandbox-token",
        help="Print an API token for a person of the local sandbox (for curl and scripts).",
    )
    token.add_argument("upn", help="e.g. maya.chen@northwind.example")
    token.set_defaults(handler=_handle_sandbox_token)

"""``accord login``: MSAL's device flow against the sandbox, and its token cache on disk."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path

import httpx
import pytest

from accord.cli.client import CliError, Io
from accord.cli.login import access_token, cache_path, login
from accord.settings import AccordSettings
from accord.wiring.auth import validator_from_settings
from sandbox.server import SandboxServer
from tests.support.people import SAM


def _terminal(sandbox: SandboxServer, config: Path, err: io.StringIO) -> Io:
    async def approve_while_waiting(_seconds: float) -> None:
        # The person opens the page, enters the code the CLI printed and picks who they are.
        code = re.search(r"enter the code (\w+)", err.getvalue())
        assert code is not None
        async with httpx.AsyncClient(base_url=sandbox.url) as browser:
            await browser.post("/devicelogin", data={"user_code": code.group(1), "upn": SAM})

    return Io(err=err, environ={"XDG_CONFIG_HOME": str(config)}, sleep=approve_while_waiting)


async def test_login_with_msals_device_flow_keeps_a_private_token_cache(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    settings = AccordSettings(sandbox_host=sandbox.host, sandbox_port=sandbox.port)
    err = io.StringIO()
    terminal = _terminal(sandbox, tmp_path / "config", err)

    assert await login(settings, terminal) == 0

    assert "/devicelogin" in err.getvalue()
    assert "Signed in." in err.getvalue()
    cache = cache_path(terminal.environ)
    assert cache == tmp_path / "config" / "accord" / "msal-token-cache.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    # A later command gets the token from MSAL's cache, silently.
    token = access_token(settings, Io(environ=terminal.environ))
    principal = await validator_from_settings(settings).validate(token)
    assert principal.email == SAM


def test_without_a_sign_in_the_cli_says_how_to_sign_in(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    settings = AccordSettings(sandbox_host=sandbox.host, sandbox_port=sandbox.port)
    with pytest.raises(CliError, match="run `accord login`"):
        access_token(settings, Io(environ={"XDG_CONFIG_HOME": str(tmp_path)}))
    assert access_token(settings, Io(environ={"ACCORD_API_TOKEN": "given"})) == "given"


def test_the_cache_lives_in_the_users_config_directory(tmp_path: Path) -> None:
    assert cache_path({"HOME": str(tmp_path)}) == (
        tmp_path / ".config" / "accord" / "msal-token-cache.json"
    )

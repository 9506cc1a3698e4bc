"""``accord up``: child processes started, stopped in order, and commitments carried on."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import signal
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from accord.settings import AccordSettings
from integrations.graph.credentials import SandboxClientCredential
from sandbox.launcher.processes import ChildFailedError, Supervisor, child_environment, port_is_free
from sandbox.launcher.up import UpError, dev_server_command, plan_for, run_up
from sandbox.server import free_port
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from tests.support.sandbox import round_the_clock_tenant

REPO = Path(__file__).resolve().parents[1]

# A child that starts, says so, and then ignores SIGTERM: only SIGKILL stops it.
STUBBORN = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "open(sys.argv[1], 'w').write('ready')\n"
    "time.sleep(60)\n"
)
# A child that says when it is ready, and records the order in which it was asked to stop.
POLITE = (
    "import signal, sys, time\n"
    "def stop(*_):\n"
    "    open(sys.argv[1], 'a').write(sys.argv[2] + '\\n'); sys.exit(0)\n"
    "signal.signal(signal.SIGTERM, stop)\n"
    "open(sys.argv[3], 'a').write(sys.argv[2] + '\\n')\n"
    "time.sleep(60)\n"
)


# --- Planning --------------------------------------------------------------------------------


def test_the_dev_server_keeps_its_database_under_data_dir_and_knows_the_search_attributes(
    tmp_path: Path,
) -> None:
    settings = AccordSettings(temporal_dev_port=17233, temporal_ui_port=18233)

    command = dev_server_command(settings, tmp_path)

    assert command[0] == str(Path(sys.executable).parent / "temporal")
    assert command[1:3] == ["server", "start-dev"]
    joined = " ".join(command)
    assert f"--db-filename {tmp_path / 'temporal.db'}" in joined
    assert "--ip 127.0.0.1 --port 17233 --ui-port 18233" in joined
    assert "--namespace default" in joined
    for attribute in (
        "AccordOwner=Keyword",
        "AccordStatus=Keyword",
        "AccordDue=Datetime",
        "AccordAttention=Keyword",
    ):
        assert f"--search-attribute {attribute}" in joined


def test_a_configured_temporal_or_tenant_is_used_instead_of_starting_one() -> None:
    embedded = plan_for(AccordSettings())
    external = plan_for(
        AccordSettings(
            temporal_address="temporal.internal:7233", graph_base_url="https://graph/v1.0"
        )
    )

    assert embedded.start_temporal
    assert embedded.start_sandbox
    assert not external.start_temporal
    assert not external.start_sandbox
    assert external.temporal_address == "temporal.internal:7233"
    assert external.temporal_ui_url is None


async def test_a_taken_port_is_named_before_anything_starts(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        settings = AccordSettings(data_dir=tmp_path, api_port=port)

        with pytest.raises(UpError, match=f"{port} \\(ACCORD_API_PORT\\)"):
            await run_up(settings)


# --- The supervisor --------------------------------------------------------------------------


@pytest.mark.processes
async def test_children_stop_newest_first(tmp_path: Path) -> None:
    order, ready = tmp_path / "order.txt", tmp_path / "ready.txt"
    names = ["temporal", "sandbox", "worker", "api"]
    supervisor = Supervisor()
    for name in names:
        await supervisor.start(
            name,
            [sys.executable, "-c", POLITE, str(order), name, str(ready)],
            env=child_environment({}),
        )
    await eventually(lambda: ready.exists() and len(ready.read_text().split()) == len(names))

    await supervisor.stop_all()

    assert order.read_text().split() == list(reversed(names))
    assert supervisor.children == []


@pytest.mark.processes
async def test_a_child_that_ignores_sigterm_is_killed_after_its_timeout(tmp_path: Path) -> None:
    ready = tmp_path / "ready.txt"
    supervisor = Supervisor()
    child = await supervisor.start(
        "stubborn",
        [sys.executable, "-c", STUBBORN, str(ready)],
        env=child_environment({}),
        stop_timeout=0.5,
    )
    await eventually(ready.exists)
    started = time.monotonic()

    await supervisor.stop_all()

    assert child.process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 5


@pytest.mark.processes
async def test_a_child_that_exits_while_starting_is_reported() -> None:
    supervisor = Supervisor()
    child = await supervisor.start(
        "broken", [sys.executable, "-c", "raise SystemExit(3)"], env=child_environment({})
    )

    async def never() -> bool:
        return False

    with pytest.raises(ChildFailedError, match="broken exited with code 3"):
        await supervisor.wait_ready(child, never, within=30)
    await supervisor.stop_all()


# --- The real thing --------------------------------------------------------------------------


class _Up:
    """An `accord up` process with its own ports and data directory."""

    def __init__(self, tmp_path: Path) -> None:
        tenant = round_the_clock_tenant()
        self.tenant_id = tenant.tenant_id
        tenant_file = tmp_path / "tenant.json"
        tenant_file.write_text(tenant.model_dump_json(), encoding="utf-8")
        self.ports = {name: free_port() for name in ("temporal", "ui", "sandbox", "api")}
        self.env = {
            **os.environ,
            "ACCORD_DATA_DIR": str(tmp_path / "data"),
            "ACCORD_TEMPORAL_DEV_PORT": str(self.ports["temporal"]),
            "ACCORD_TEMPORAL_UI_PORT": str(self.ports["ui"]),
            "ACCORD_SANDBOX_PORT": str(self.ports["sandbox"]),
            "ACCORD_API_PORT": str(self.ports["api"]),
            "ACCORD_SANDBOX_TENANT_FILE": str(tenant_file),
            "ACCORD_LOG_FORMAT": "json",
        }
        for name in ("ACCORD_TEMPORAL_ADDRESS", "ACCORD_GRAPH_BASE_URL", "ACCORD_PUBLIC_URL"):
            self.env.pop(name, None)
        self.log_file = tmp_path / "up.log"
        self.process: asyncio.subprocess.Process | None = None
        self.banner = ""

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}"

    @property
    def sandbox(self) -> str:
        return f"http://127.0.0.1:{self.ports['sandbox']}"

    async def start(self) -> None:
        with self.log_file.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "accord.cli.main",
                "up",
                cwd=REPO,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
        assert self.process.stdout is not None
        lines: list[str] = []
        while "Press Ctrl-C to stop." not in lines:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout=120)
            if not line:
                raise AssertionError("accord up ended before it was up:\n" + self.logs())
            lines.append(line.decode().strip())
        self.banner = "\n".join(lines)

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        return await asyncio.wait_for(self.process.wait(), timeout=60)

    def logs(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    async def sign_in(self, upn: str) -> dict[str, str]:
        """The API's Authorization header for ``upn``, from the sandbox's password grant."""
        async with httpx.AsyncClient(base_url=self.sandbox, timeout=10) as identity:
            response = await identity.post(
                f"/{self.tenant_id}/oauth2/v2.0/token",
                data={
                    "grant_type": "password",
                    "client_id": DEMO_CLIENT_ID,
                    "username": upn,
                    "password": "sandbox",  # the sandbox keeps no passwords
                    "scope": "api://accord/.default",
                },
            )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


TITLE = "Draft the Q1 budget"


async def _create_commitment(http: httpx.AsyncClient) -> str:
    created = await http.post(
        "/commitments",
        json={
            "title": TITLE,
            "success_criteria": "A reviewed spreadsheet shared with finance.",
            "owner": SAM,
            "manager": MANAGER,
            "due": (datetime.now(UTC) + timedelta(days=14)).isoformat(),
        },
    )
    assert created.status_code == 201, created.text
    commitment_id: str = created.json()["commitment_id"]
    return commitment_id


async def _history_kinds(http: httpx.AsyncClient, commitment_id: str) -> list[str]:
    response = await http.get(f"/commitments/{commitment_id}")
    return [entry["kind"] for entry in response.json()["history"]]


@pytest.mark.e2e
async def test_accord_up_serves_everything_stops_cleanly_and_carries_on_after_a_restart(
    tmp_path: Path,
) -> None:
    up = _Up(tmp_path)
    try:
        await up.start()
        assert f"http://127.0.0.1:{up.ports['sandbox']}/" in up.banner
        assert f"{up.api}/docs" in up.banner
        assert f"http://127.0.0.1:{up.ports['ui']}/" in up.banner
        as_maya = await up.sign_in(MANAGER)
        async with httpx.AsyncClient(base_url=up.api, timeout=30, headers=as_maya) as http:
            assert (await http.get("/docs")).status_code == 200
            assert (await http.get(f"http://127.0.0.1:{up.ports['sandbox']}/")).status_code == 200
            assert (await http.get(f"http://127.0.0.1:{up.ports['ui']}/")).status_code == 200
            commitment_id = await _create_commitment(http)

            async def expectation_sent() -> bool:
                return "sent:expectation" in await _history_kinds(http, commitment_id)

            await eventually(expectation_sent, timeout=60)

        assert await up.stop() == 0
        for port in up.ports.values():
            assert port_is_free("127.0.0.1", port)

        await up.start()
        async with httpx.AsyncClient(base_url=up.api, timeout=30, headers=as_maya) as http:
            after_restart = await http.get(f"/commitments/{commitment_id}")
            assert after_restart.status_code == 200
            assert after_restart.json()["status"] == "awaiting_acceptance"
            accepted = await http.post(
                f"/commitments/{commitment_id}/accept", headers=await up.sign_in(SAM)
            )
            assert accepted.status_code == 200, accepted.text
            assert accepted.json()["status"] == "active"
        assert await up.stop() == 0
    except BaseException as failure:
        failure.add_note("accord up log:\n" + up.logs())
        raise
    finally:
        if up.process is not None and up.process.returncode is None:
            await up.stop()
    stopped = [event["child"] for event in _events(up.logs()) if event["event"] == "child_stopped"]
    assert stopped == ["api", "worker", "sandbox", "temporal"] * 2


def _events(logs: str) -> list[dict[str, str]]:
    events = []
    for line in logs.splitlines():
        with contextlib.suppress(ValueError):
            events.append(json.loads(line))
    return events


class _Links(HTMLParser):
    """The links of an HTML body, as (label, href) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._label = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._label.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._label).strip(), self._href))
            self._href = None


def _link_labelled(body: str, label: str) -> str:
    parser = _Links()
    parser.feed(body)
    hrefs = [href for text, href in parser.links if text == label]
    assert len(hrefs) == 1, parser.links
    return hrefs[0]


async def _mail_from_accord(up: _Up, person: str) -> list[dict[str, Any]]:
    """The messages from Accord in a person's inbox, read over the sandbox's Graph API."""
    async with (
        SandboxClientCredential(
            up.sandbox, up.tenant_id, DEMO_CLIENT_ID, "test-only-client-secret"
        ) as credential,
        httpx.AsyncClient(base_url=f"{up.sandbox}/v1.0", timeout=10) as graph,
    ):
        token = await credential.get_token()
        response = await graph.get(
            f"/users/{person}/mailFolders/inbox/messages",
            params={"$select": "subject,from,body", "$top": "50"},
            headers={"Authorization": f"Bearer {token.token}"},
        )
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()["value"]
    return [message for message in messages if message["from"]["emailAddress"]["address"] == AGENT]


@pytest.mark.e2e
async def test_an_owner_accepts_through_the_link_in_the_expectation_email(
    tmp_path: Path,
) -> None:
    up = _Up(tmp_path)
    try:
        await up.start()
        as_maya = await up.sign_in(MANAGER)
        async with httpx.AsyncClient(base_url=up.api, timeout=30, headers=as_maya) as http:
            commitment_id = await _create_commitment(http)

            async def expectation_body() -> str:
                for message in await _mail_from_accord(up, SAM):
                    if TITLE in message["subject"] and message["body"]["contentType"] == "html":
                        return str(message["body"]["content"])
                return ""  # not yet

            # Sam is reachable at any hour in this tenant, so it is sent at once.
            body = await eventually(expectation_body, timeout=60)
            accept = _link_labelled(body, "Accept")
            assert accept.startswith(f"{up.api}/a/")
            claims = jwt.decode(accept.rsplit("/", 1)[1], options={"verify_signature": False})
            assert (claims["cid"], claims["sub"], claims["act"]) == (commitment_id, SAM, "accept")

            async def status() -> str:
                response = await http.get(f"/commitments/{commitment_id}")
                assert response.status_code == 200, response.text
                value: str = response.json()["status"]
                return value

            # Opening the link, as a mail scanner would, only asks for confirmation.
            confirm = await http.get(accept)
            assert confirm.status_code == 200, confirm.text
            assert '<form id="act" method="post">' in confirm.text
            assert TITLE in confirm.text
            assert await status() == "awaiting_acceptance"

            applied = await http.post(accept)
            assert applied.status_code == 200, applied.text
            assert "you've accepted it" in html.unescape(applied.text)
            assert await status() == "active"

            # A second click (or a reload) is the same update again: applied once.
            again = await http.post(accept)
            assert again.status_code == 200, again.text
            assert "you've accepted it" in html.unescape(again.text)
            assert await status() == "active"
            assert (await _history_kinds(http, commitment_id)).count("accepted") == 1
        assert await up.stop() == 0
        # Four processes logged the whole story; none of it names a person or holds the link.
        assert "northwind" not in up.logs()
        assert accept.rsplit("/", 1)[1] not in up.logs()
    except BaseException as failure:
        failure.add_note("accord up log:\n" + up.logs())
        raise
    finally:
        if up.process is not None and up.process.returncode is None:
            await up.stop()

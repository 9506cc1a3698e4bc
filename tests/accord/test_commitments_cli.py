"""``accord login`` and ``accord commitments``: the API from a terminal, tables or JSON."""

from __future__ import annotations

import io
import json
import re
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from accord.cli.client import CliError, Io
from accord.cli.commitments import commitments, table
from accord.cli.login import sandbox_token
from accord.cli.main import build_parser
from accord.settings import AccordSettings
from accord.wiring.api import build_app
from accord.wiring.auth import validator_from_settings
from domain.action_links import LinkKeyRing
from sandbox.server import SandboxServer
from tests.support.api import NOW, FakeClock, FakeDirectory
from tests.support.api_tokens import FakeEntra
from tests.support.people import MANAGER, SAM
from tests.support.polling import eventually
from tests.support.stub_workflow import StubCommitmentWorkflow, end_stubs

API = "https://accord.test"


@pytest.fixture(scope="module")
def entra() -> FakeEntra:
    return FakeEntra()


@pytest.fixture
async def app(
    dev_server: WorkflowEnvironment, task_queue: str, entra: FakeEntra
) -> AsyncIterator[FastAPI]:
    async with Worker(
        dev_server.client,
        task_queue=task_queue,
        workflows=[StubCommitmentWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        directory = FakeDirectory()
        yield build_app(
            settings=AccordSettings(public_url=API, temporal_task_queue=task_queue),
            temporal=dev_server.client,
            links=LinkKeyRing([secrets.token_bytes(32)]),
            directory=directory,
            clock=FakeClock(),
            org=directory,
            validator=entra.validator(),
        )
        await end_stubs(dev_server.client, task_queue)


class Terminal:
    """Runs `accord commitments ...` in-process against the app, capturing its output."""

    def __init__(self, app: FastAPI, settings: AccordSettings, token: str | None) -> None:
        self.app, self.settings, self.token = app, settings, token
        self.out = self.err = ""

    async def run(self, *argv: str) -> int:
        args = build_parser(self.settings).parse_args(["commitments", *argv])
        out, err = io.StringIO(), io.StringIO()
        terminal = Io(
            out=out,
            err=err,
            environ={"ACCORD_API_TOKEN": self.token} if self.token else {},
            transport=httpx.ASGITransport(app=self.app),
        )
        try:
            code = await commitments(self.settings, args, terminal)
        except CliError as exc:
            err.write(str(exc))
            code = 1
        self.out, self.err = out.getvalue(), err.getvalue()
        return code


@pytest.fixture
def settings(tmp_path: Path) -> AccordSettings:
    return AccordSettings(public_url=API, data_dir=tmp_path / "data")


@pytest.fixture
def maya(app: FastAPI, settings: AccordSettings, entra: FakeEntra) -> Terminal:
    return Terminal(app, settings, entra.token(MANAGER))


def _due(window_minutes: int) -> str:
    return (NOW + timedelta(days=900, minutes=window_minutes)).isoformat()


async def test_create_show_list_and_release(maya: Terminal) -> None:
    window = secrets.randbelow(10**6) * 10
    code = await maya.run(
        "create",
        "--owner", SAM,
        "--title", "Draft the Q1 budget",
        "--success-criteria", "A reviewed sheet shared with finance",
        "--due", _due(window),
        "--support", "I can review drafts on Fridays.",
        "--json",
    )  # fmt: skip
    assert code == 0, maya.err
    created = json.loads(maya.out)
    commitment_id = created["commitment_id"]
    assert created["manager"]["email"] == MANAGER
    assert "Setting the expectation" in maya.err

    assert await maya.run("show", commitment_id) == 0
    assert re.search(r"^Title\s+Draft the Q1 budget$", maya.out, re.M)
    assert re.search(r"^Status\s+awaiting_acceptance$", maya.out, re.M)
    assert "Sam Okafor <sam.okafor@northwind.example>" in maya.out

    after, before = _due(window - 1), _due(window + 1)
    listing = ("list", "--due-after", after, "--due-before", before)

    async def listed() -> bool:
        return await maya.run(*listing) == 0 and commitment_id in maya.out

    await eventually(listed)
    header, rule, row = maya.out.splitlines()
    assert header.split() == ["ID", "TITLE", "STATUS", "OWNER", "MANAGER", "DUE"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert row.startswith(commitment_id)
    assert "Draft the Q1 budget" in row
    assert await maya.run(*listing, "--json") == 0
    assert [item["commitment_id"] for item in json.loads(maya.out)["items"]] == [commitment_id]

    assert await maya.run("release", commitment_id, "--reason", "Priorities changed.") == 0
    assert re.search(r"^Status\s+released$", maya.out, re.M)


async def test_list_all_pages_shows_progress(maya: Terminal) -> None:
    window = secrets.randbelow(10**6) * 10
    for minute in range(3):
        created = await maya.run(
            "create", "--owner", SAM, "--title", f"Step {minute}",
            "--success-criteria", "Done", "--due", _due(window + minute),
        )  # fmt: skip
        assert created == 0, maya.err
    listing = ("list", "--due-after", _due(window), "--due-before", _due(window + 5))

    async def all_listed() -> bool:
        await maya.run(*listing, "--json")
        return len(json.loads(maya.out)["items"]) == 3

    await eventually(all_listed)

    assert await maya.run(*listing, "--page-size", "1") == 0
    assert len(maya.out.splitlines()) == 3  # header, rule, one row
    assert "More match" in maya.err
    assert await maya.run(*listing, "--page-size", "1", "--all") == 0
    assert len(maya.out.splitlines()) == 5
    assert "Fetched 2 commitments (2 pages)" in maya.err


async def test_problems_are_explained_on_stderr(maya: Terminal) -> None:
    code = await maya.run(
        "create", "--owner", "nobody@northwind.example", "--title", "X",
        "--success-criteria", "Y", "--due", "2020-01-01T00:00:00+00:00",
    )  # fmt: skip

    assert code == 1
    assert maya.out == ""
    assert "The request is not valid" in maya.err
    assert "owner: is not a person in the directory" in maya.err
    assert "due: must be in the future" in maya.err
    assert await maya.run("show", "no-such-commitment") == 1
    assert "No such commitment" in maya.err


async def test_without_a_token_the_cli_says_how_to_sign_in(
    app: FastAPI, settings: AccordSettings, entra: FakeEntra
) -> None:
    anonymous = Terminal(app, settings, None)
    expired = Terminal(app, settings, entra.token(MANAGER, exp=1))

    assert await anonymous.run("list") == 1
    assert "run `accord login`, or set ACCORD_API_TOKEN" in anonymous.err
    assert await expired.run("list") == 1
    assert "the sign-in has expired" in expired.err


def test_tables_align_their_columns() -> None:
    text = table(["ID", "STATUS"], [["a-long-id", "done"], ["b", "active"]])

    assert text.splitlines() == [
        "ID         STATUS",
        "---------  ------",
        "a-long-id  done",
        "b          active",
    ]


async def test_sandbox_token_prints_a_token_for_a_sandbox_person(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    settings = AccordSettings(sandbox_host=sandbox.host, sandbox_port=sandbox.port)
    out = io.StringIO()

    assert await sandbox_token(settings, MANAGER, Io(out=out, environ={})) == 0

    principal = await validator_from_settings(settings).validate(out.getvalue().strip())
    assert principal.email == MANAGER
    with pytest.raises(CliError, match="local sandbox only"):
        await sandbox_token(
            AccordSettings(graph_base_url="https://graph.microsoft.com/v1.0"), MANAGER, Io()
        )

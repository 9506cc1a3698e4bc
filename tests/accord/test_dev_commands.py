"""Without the sandbox (a production install), the development commands say what to run instead.

The sandbox is loaded by name only where it is used (accord/wiring/sandbox.py); here it is
made unimportable, as in an installed wheel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from accord.cli.main import build_parser
from accord.settings import AccordSettings
from accord.wiring.connections import GraphSetupError, sandbox_ids
from accord.wiring.sandbox import SandboxMissingError, load_sandbox

SANDBOX_MODULES = ("sandbox", "sandbox.launcher", "sandbox.launcher.up", "sandbox.server")


@pytest.fixture
def no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes an import fail with ModuleNotFoundError, as a missing one does.
    for name in (*SANDBOX_MODULES, "sandbox.tenant"):
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.usefixtures("no_sandbox")
@pytest.mark.parametrize(
    ("command", "instead"), [("up", "./dev up"), ("sandbox", "./dev accord sandbox")]
)
def test_a_development_command_exits_2_and_says_to_use_a_clone(
    tmp_path: Path, command: str, instead: str
) -> None:
    settings = AccordSettings(data_dir=tmp_path)
    args = build_parser(settings).parse_args([command])

    with capture_logs() as logs:
        code = args.handler(args, settings)

    assert code == 2
    [entry] = [entry for entry in logs if entry["event"] == "development_command"]
    assert entry["reason"] == (
        f"accord {command} is a development command: run {instead} from a clone"
    )


@pytest.mark.usefixtures("no_sandbox")
def test_graph_without_a_tenant_asks_for_one_when_the_sandbox_is_missing(tmp_path: Path) -> None:
    with pytest.raises(SandboxMissingError):
        load_sandbox("tenant")
    with pytest.raises(GraphSetupError, match="ACCORD_GRAPH_BASE_URL is not set"):
        sandbox_ids(AccordSettings(data_dir=tmp_path))
    # Both ids given: nothing is needed from the sandbox.
    assert sandbox_ids(
        AccordSettings(data_dir=tmp_path, graph_tenant_id="t-1", graph_client_id="c-1")
    ) == ("t-1", "c-1")


def test_a_module_the_sandbox_needs_is_not_mistaken_for_the_sandbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    monkeypatch.delitem(sys.modules, "sandbox.tenant", raising=False)

    with pytest.raises(ModuleNotFoundError) as raised:
        load_sandbox("tenant")

    assert raised.value.name == "yaml"

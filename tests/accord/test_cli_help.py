"""The command line: `--version`, the settings each command's help names, plain errors."""

from __future__ import annotations

import argparse
import io
import sys
from importlib.metadata import version

import pytest

from accord.cli import main as cli
from accord.cli.running import report_problem
from accord.cli.settings_help import COMMANDS, GROUPS, command_variables, group_fields
from accord.settings import AccordSettings


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser(AccordSettings())
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices)


def test_version_comes_from_the_installed_package(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.build_parser(AccordSettings()).parse_args(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"accord {version('accord')}"


def test_every_command_has_a_row_of_settings_and_every_row_a_command() -> None:
    assert set(_subcommands()) == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_commands_help_names_every_setting_it_reads(command: str) -> None:
    help_text = " ".join(_subcommands()[command].format_help().split())

    variables = command_variables(command)

    assert variables
    missing = [variable for variable in variables if variable not in help_text]
    assert missing == [], f"accord {command} --help does not name {missing}"


def test_every_setting_belongs_to_a_group_and_every_group_to_a_command() -> None:
    grouped = {field for group in GROUPS for field in group_fields(group)}
    used = {group for groups in COMMANDS.values() for group in groups}

    assert set(AccordSettings.model_fields) - grouped == set()
    assert [group for group in GROUPS if not group_fields(group)] == []
    assert set(GROUPS) - used == set()


def test_the_worker_and_api_name_their_own_settings_and_not_each_others() -> None:
    worker, api = command_variables("worker"), command_variables("api")

    assert "ACCORD_WORKER_MAX_CACHED_WORKFLOWS" in worker
    assert "ACCORD_WORKER_MAX_CACHED_WORKFLOWS" not in api
    assert "ACCORD_AUTH_AUDIENCE" in api
    assert "ACCORD_TEMPORAL_ADDRESS" in worker and "ACCORD_TEMPORAL_ADDRESS" in api


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_an_invalid_setting_is_a_plain_sentence_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("ACCORD_API_PORT", "eighty")

    code = cli.main(["api"])

    assert code == 2
    said = terminal.getvalue()
    assert said.startswith("accord: invalid settings: ACCORD_API_PORT: ")
    assert "{" not in said


def test_off_a_terminal_a_problem_is_a_log_event_not_a_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = _Pipe()
    monkeypatch.setattr(sys, "stderr", pipe)

    report_problem("worker", "setup_invalid", "ACCORD_TEMPORAL_TLS_KEY must be set too")

    # The event goes wherever logging was configured in this process (stderr as it is at
    # each write, or structlog's default stdout): a log event, never the bare sentence.
    written = pipe.getvalue() + capsys.readouterr().out
    assert "setup_invalid" in written
    assert "accord worker: ACCORD_TEMPORAL_TLS_KEY" not in written

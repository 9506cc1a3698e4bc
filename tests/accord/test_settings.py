"""Settings from the environment: both list forms for keys, and errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field, ValidationError

import accord.settings
from accord.settings import (
    COMMITMENT_RUN_EVENTS,
    LEAST_COMMITMENT_RUN_EVENTS,
    AccordSettings,
    SettingsError,
    load_settings,
)
from tests.support.lifecycle import commitment_input
from workflows.commitment.contracts import MIN_RUN_EVENTS, CommitmentInput

FIRST = "first-secret-of-at-least-thirty-two-bytes"
SECOND = "second-secret-of-at-least-thirty-two-bytes"
KEY_VARIABLES = [
    ("ACCORD_LINK_KEYS", "link_keys"),
    ("ACCORD_PAYLOAD_KEYS", "payload_keys"),
]


def _secrets(settings: AccordSettings, field: str) -> list[str]:
    return [secret.get_secret_value() for secret in getattr(settings, field)]


@pytest.mark.parametrize(("variable", "field"), KEY_VARIABLES)
@pytest.mark.parametrize(
    "value",
    [
        f'["{FIRST}", "{SECOND}"]',
        f'  [ "{FIRST}" ,"{SECOND}" ]  ',
        f"{FIRST},{SECOND}",
        f" {FIRST} , {SECOND} ",
    ],
    ids=["json", "json-with-spaces", "commas", "commas-with-spaces"],
)
def test_key_lists_are_read_as_json_or_comma_separated(
    monkeypatch: pytest.MonkeyPatch, variable: str, field: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    assert _secrets(load_settings(), field) == [FIRST, SECOND]


@pytest.mark.parametrize(("variable", "field"), KEY_VARIABLES)
def test_a_single_key_needs_no_brackets(
    monkeypatch: pytest.MonkeyPatch, variable: str, field: str
) -> None:
    monkeypatch.setenv(variable, FIRST)

    assert _secrets(load_settings(), field) == [FIRST]


def test_unset_key_lists_are_empty_so_local_keys_are_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable, _ in KEY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)

    settings = load_settings()

    assert settings.link_keys == []
    assert settings.payload_keys == []


def test_key_lists_given_in_code_are_taken_as_they_are() -> None:
    settings = AccordSettings(link_keys=[FIRST, SECOND])

    assert _secrets(settings, "link_keys") == [FIRST, SECOND]


@pytest.mark.parametrize(("variable", "field"), KEY_VARIABLES)
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (f'["{FIRST}", ', "not a valid JSON list"),
        ("[1, 2]", "not a JSON list of strings"),
        (f"{FIRST},,{SECOND}", "an entry between commas is empty"),
        ("   ", "empty"),
    ],
    ids=["broken-json", "json-numbers", "empty-entry", "blank"],
)
def test_a_bad_key_list_is_reported_by_variable_without_its_value(
    monkeypatch: pytest.MonkeyPatch, variable: str, field: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SettingsError, match=f"{variable}: {problem}") as raised:
        load_settings()

    assert FIRST not in str(raised.value)
    assert raised.value.__cause__ is None


def test_pydantic_settings_own_decoding_error_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A structured field without NoDecode still goes through pydantic-settings' JSON decoding,
    # whose failure is its own SettingsError rather than a validation error.
    class WithJsonField(AccordSettings):
        extra_hosts: list[str] = Field(default_factory=list)

    monkeypatch.setattr(accord.settings, "AccordSettings", WithJsonField)
    monkeypatch.setenv("ACCORD_EXTRA_HOSTS", "a.example,b.example")

    with pytest.raises(SettingsError, match="ACCORD_EXTRA_HOSTS: cannot be read"):
        load_settings()


def test_other_invalid_values_name_their_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_API_PORT", "eighty")

    with pytest.raises(SettingsError, match="ACCORD_API_PORT: "):
        load_settings()


def test_secrets_are_read_from_files_named_like_their_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # How Kubernetes mounts a Secret: one file per key, often with a trailing newline.
    (tmp_path / "ACCORD_GRAPH_CLIENT_SECRET").write_text("from-a-file\n", encoding="utf-8")
    (tmp_path / "ACCORD_LINK_KEYS").write_text(f"{FIRST},{SECOND}\n", encoding="utf-8")
    (tmp_path / "ACCORD_PAYLOAD_KEYS").write_text(f'["{FIRST}"]', encoding="utf-8")
    monkeypatch.setenv("ACCORD_SECRETS_DIR", str(tmp_path))
    for variable in ("ACCORD_GRAPH_CLIENT_SECRET", "ACCORD_LINK_KEYS", "ACCORD_PAYLOAD_KEYS"):
        monkeypatch.delenv(variable, raising=False)

    settings = load_settings()

    assert settings.graph_client_secret is not None
    assert settings.graph_client_secret.get_secret_value() == "from-a-file"
    assert _secrets(settings, "link_keys") == [FIRST, SECOND]
    assert _secrets(settings, "payload_keys") == [FIRST]
    monkeypatch.setenv("ACCORD_GRAPH_CLIENT_SECRET", "from-the-environment")
    overridden = load_settings().graph_client_secret
    assert overridden is not None
    assert overridden.get_secret_value() == "from-the-environment"


def test_a_missing_secrets_directory_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ACCORD_SECRETS_DIR", str(tmp_path / "nowhere"))

    with pytest.raises(SettingsError, match="ACCORD_SECRETS_DIR"):
        load_settings()


@pytest.mark.parametrize(("value", "expected"), [("45", 45), ("off", None), ("", None)])
def test_the_run_length_is_a_count_or_off(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int | None
) -> None:
    monkeypatch.setenv("ACCORD_COMMITMENT_RUN_EVENTS", value)

    assert load_settings().commitment_run_events == expected


def test_a_run_length_below_the_least_is_reported_by_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACCORD_COMMITMENT_RUN_EVENTS", str(MIN_RUN_EVENTS - 1))

    with pytest.raises(SettingsError, match="ACCORD_COMMITMENT_RUN_EVENTS"):
        load_settings()


def test_the_least_run_length_a_setting_allows_is_one_a_commitment_accepts() -> None:
    # Otherwise a start would be refused by CommitmentInput after the settings had passed.
    fields = commitment_input("run-length").model_dump()
    least = CommitmentInput.model_validate({**fields, "run_events": LEAST_COMMITMENT_RUN_EVENTS})
    assert least.run_events == LEAST_COMMITMENT_RUN_EVENTS == MIN_RUN_EVENTS
    assert COMMITMENT_RUN_EVENTS >= MIN_RUN_EVENTS
    with pytest.raises(ValidationError):
        CommitmentInput.model_validate({**fields, "run_events": MIN_RUN_EVENTS - 1})

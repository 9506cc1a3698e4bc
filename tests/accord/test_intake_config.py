"""Intake's settings and wiring: opted-in managers, the clientState, the watches' URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.settings import AccordSettings, SettingsError, load_settings
from accord.wiring.intake import client_states, watch_configs
from api.graph_webhooks import client_state_matches
from domain.action_links import LinkKeyRing
from workflows.intake.contracts import WatchMode

KEYS = LinkKeyRing([b"a" * 32, b"b" * 32])


@pytest.mark.parametrize(
    "raw",
    [
        "Maya.Chen@northwind.example, omar@northwind.example",
        '["maya.chen@northwind.example", "OMAR@northwind.example"]',
    ],
)
def test_flag_managers_read_from_the_environment_either_way(
    raw: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_INTAKE_FLAG_MANAGERS", raw)

    settings = load_settings()

    assert settings.intake_flag_managers[0] == "maya.chen@northwind.example"
    assert settings.intake_flag_managers[1].startswith("omar@")


def test_a_malformed_list_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_INTAKE_FLAG_MANAGERS", "[not json")

    with pytest.raises(SettingsError, match="ACCORD_INTAKE_FLAG_MANAGERS"):
        load_settings()


def test_the_client_state_is_derived_from_the_link_keys_unless_set(tmp_path: Path) -> None:
    derived = client_states(AccordSettings(data_dir=tmp_path), KEYS)
    configured = client_states(
        AccordSettings(data_dir=tmp_path, webhook_client_state="s3cret"), KEYS
    )

    assert len(derived) == 2 and all(len(state) == 64 for state in derived)
    assert derived == client_states(AccordSettings(data_dir=tmp_path), KEYS)  # stable
    assert configured == ["s3cret"]
    assert client_state_matches(derived[1], derived)  # an older key's subscriptions still count
    assert not client_state_matches("s3cret", derived)
    assert not client_state_matches(None, derived)


def test_one_watch_for_the_agent_and_one_per_opted_in_manager(tmp_path: Path) -> None:
    settings = AccordSettings(
        data_dir=tmp_path,
        public_url="https://accord.example/",
        intake_flag_managers=["maya.chen@northwind.example"],
    )

    agent, maya = watch_configs(settings, KEYS)

    assert (agent.mode, agent.folders) == (WatchMode.AGENT_INBOX, ["inbox"])
    assert agent.notification_url == (
        "https://accord.example/graph/notifications?mailbox=accord%40northwind.example"
        "&mode=agent_inbox"
    )
    assert agent.lifecycle_url.startswith("https://accord.example/graph/lifecycle?")
    assert (maya.mode, maya.folders, maya.category) == (WatchMode.FLAGS, ["sentitems"], "Accord")
    assert agent.client_state == client_states(settings, KEYS)[0]
    assert watch_configs(settings.model_copy(update={"intake_enabled": False}), KEYS) == []

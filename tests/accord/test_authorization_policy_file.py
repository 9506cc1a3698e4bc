"""The project-lead policy file (``ACCORD_AUTH_POLICY_FILE``) is read at start, or refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.settings import AccordSettings
from accord.wiring.policy import authorization_policy
from domain.authorization import AuthorizationPolicy, ProjectLeadGrant


def test_without_a_file_nobody_is_widened() -> None:
    assert authorization_policy(AccordSettings()) == AuthorizationPolicy()


def test_a_policy_file_names_groups_and_the_people_they_may_ask(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(
        json.dumps({"project_leads": [{"group": "G-1", "people": ["Sam@Northwind.example"]}]})
    )

    policy = authorization_policy(AccordSettings(auth_policy_file=path))

    assert policy.project_leads == (
        ProjectLeadGrant(group_id="g-1", people=frozenset({"sam@northwind.example"})),
    )


@pytest.mark.parametrize("content", ["not json", '{"project_leads": [{"group": "g"}]}'])
def test_an_unusable_policy_file_stops_the_start(tmp_path: Path, content: str) -> None:
    path = tmp_path / "policy.json"
    path.write_text(content)

    with pytest.raises(ValueError, match="auth_policy_file is not a usable policy"):
        authorization_policy(AccordSettings(auth_policy_file=path))


def test_a_missing_policy_file_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="auth_policy_file is not a usable policy"):
        authorization_policy(AccordSettings(auth_policy_file=tmp_path / "absent.json"))

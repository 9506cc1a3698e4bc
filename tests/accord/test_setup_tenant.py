"""`accord setup-tenant`: the commands it prints name everything Accord's code needs."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from accord.cli import main as cli
from accord.cli.setup_tenant import TenantPlan, tenant_commands
from accord.settings import AccordSettings
from integrations.graph.permissions import GRAPH_APPLICATION_PERMISSIONS

PLAN = TenantPlan(
    tenant_id="11111111-2222-4333-8444-555555555555",
    public_url="https://accord.contoso.com",
    mailboxes=("accord@contoso.com", "accord2@contoso.com"),
    policy_group="accord-mailboxes@contoso.com",
    resource_group="rg-accord",
    bot_name="accord-bot",
    admin_role="Accord.Admin",
    operator_role="Accord.Operator",
    teams=True,
)


def test_every_graph_permission_the_code_needs_is_granted_as_an_application_role() -> None:
    commands = tenant_commands(PLAN)

    for permission in GRAPH_APPLICATION_PERMISSIONS:
        assert f"appRoles[?value=='{permission.name}']" in commands, permission.name
    assert commands.count('=Role"') == len(GRAPH_APPLICATION_PERMISSIONS)
    assert 'az ad app permission admin-consent --id "$GRAPH_APP_ID"' in commands


def test_the_api_app_has_its_scope_and_roles_and_the_bot_is_single_tenant() -> None:
    commands = tenant_commands(PLAN)

    assert '"value": "access_as_user"' in commands
    assert '"value": "Accord.Admin"' in commands
    assert '"value": "Accord.Operator"' in commands
    assert "--app-type SingleTenant" in commands
    assert '--endpoint "https://accord.contoso.com/api/messages"' in commands
    assert "az bot msteams create" in commands


def test_the_access_policy_is_scoped_to_a_group_holding_the_sending_mailboxes() -> None:
    commands = tenant_commands(PLAN)

    assert (
        "New-ApplicationAccessPolicy -AppId $GraphAppId -PolicyScopeGroupId "
        '"accord-mailboxes@contoso.com" -AccessRight RestrictAccess'
    ) in commands
    assert "-Members accord@contoso.com,accord2@contoso.com" in commands
    for mailbox in PLAN.mailboxes:
        assert f'Test-ApplicationAccessPolicy -AppId $GraphAppId -Identity "{mailbox}"' in commands


def test_the_teams_app_is_built_and_uploaded_to_the_organization() -> None:
    commands = tenant_commands(PLAN)

    assert 'accord teams-package --bot-id "$GRAPH_APP_ID"' in commands
    assert "New-TeamsApp -DistributionMethod organization -Path ./accord-teams.zip" in commands


def test_without_teams_neither_the_bot_nor_its_permission_is_asked_for() -> None:
    commands = tenant_commands(replace(PLAN, teams=False))

    assert "TeamsActivity.Send" not in commands
    assert "az bot create" not in commands
    assert "New-TeamsApp" not in commands


def test_the_command_prints_from_the_settings_and_runs_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    settings = AccordSettings(
        graph_tenant_id="tenant-from-settings",
        public_url="https://accord.fabrikam.com",
        agent_mailbox="accord@fabrikam.com",
        sending_mailboxes=["a@fabrikam.com", "b@fabrikam.com"],
        teams_app_id="bot",
    )
    args = cli.build_parser(settings).parse_args(["setup-tenant"])

    code = args.handler(args, settings)

    printed = out.getvalue()
    assert code == 0
    assert 'TENANT_ID="tenant-from-settings"' in printed
    assert "-Members a@fabrikam.com,b@fabrikam.com" in printed
    assert "accord-mailboxes@fabrikam.com" in printed
    assert "nothing has been run" in printed


def test_the_setup_guide_lists_every_permission_the_code_needs() -> None:
    guide = (Path(__file__).parents[2] / "docs" / "setup-tenant.md").read_text(encoding="utf-8")

    for permission in GRAPH_APPLICATION_PERMISSIONS:
        assert f"| `{permission.name}` |" in guide, permission.name

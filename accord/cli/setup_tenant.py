"""``accord setup-tenant``: print (never run) the commands that prepare a Microsoft 365 tenant.

Three app registrations' worth of commands: the Graph app (which is also the bot, so that
Graph, the bot and the activity feed share one registration), the API app with its scope and
roles, and the public client ``accord login`` signs in with; then the Azure Bot, the Exchange
application access policy and the Teams app upload. The Graph permissions come from
integrations/graph/permissions.py, the list ``accord doctor`` checks tokens against.
docs/setup-tenant.md walks through the same steps.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from accord.cli.running import Commands
from accord.settings import AccordSettings
from integrations.graph.permissions import GRAPH_APP_ID, Permission, required_permissions


@dataclass(frozen=True)
class TenantPlan:
    """What the commands are built from (settings and flags)."""

    tenant_id: str
    public_url: str
    mailboxes: tuple[str, ...]
    policy_group: str
    resource_group: str
    bot_name: str
    admin_role: str
    operator_role: str
    teams: bool


def _graph_app(plan: TenantPlan) -> list[str]:
    permissions = required_permissions(teams=plan.teams)
    lines = [
        "# --- 1. The Graph app (also the bot): application permissions, admin consent ----",
        '# bash, Azure CLI: az login --tenant "$TENANT_ID" --allow-no-subscriptions',
        f'TENANT_ID="{plan.tenant_id}"',
        f'GRAPH="{GRAPH_APP_ID}"  # Microsoft Graph',
        'GRAPH_APP_ID=$(az ad app create --display-name "Accord" '
        "--sign-in-audience AzureADMyOrg --query appId -o tsv)",
        'az ad sp create --id "$GRAPH_APP_ID"',
    ]
    lines += [_grant(permission) for permission in permissions]
    lines += [
        'az ad app permission admin-consent --id "$GRAPH_APP_ID"',
        "# A client secret (a certificate is stronger: az ad app credential reset --id "
        '"$GRAPH_APP_ID" --cert @accord.pem --append):',
        'az ad app credential reset --id "$GRAPH_APP_ID" --display-name accord --years 1 '
        "--query password -o tsv",
    ]
    return lines


def _grant(permission: Permission) -> str:
    query = f"appRoles[?value=='{permission.name}'].id | [0]"
    role = f'$(az ad sp show --id "$GRAPH" --query "{query}" -o tsv)'
    return (
        f'az ad app permission add --id "$GRAPH_APP_ID" --api "$GRAPH" '
        f'--api-permissions "{role}=Role"  # {permission.name}: {permission.why}'
    )


def _api_app(plan: TenantPlan) -> list[str]:
    return [
        "# --- 2. The API app: the access_as_user scope and the app roles -----------------",
        'API_APP_ID=$(az ad app create --display-name "Accord API" '
        "--sign-in-audience AzureADMyOrg --query appId -o tsv)",
        'az ad sp create --id "$API_APP_ID"',
        "SCOPE_ID=$(uuidgen)",
        "cat > accord-api.json <<JSON",
        "{",
        '  "identifierUris": ["api://$API_APP_ID"],',
        '  "api": {',
        '    "requestedAccessTokenVersion": 2,',
        '    "oauth2PermissionScopes": [{"id": "$SCOPE_ID", "value": "access_as_user", '
        '"type": "User", "isEnabled": true,',
        '      "adminConsentDisplayName": "Use Accord", "adminConsentDescription": '
        '"Use Accord as the signed-in person.",',
        '      "userConsentDisplayName": "Use Accord", "userConsentDescription": '
        '"Use Accord as you."}]',
        "  },",
        '  "appRoles": [',
        f'    {{"id": "$(uuidgen)", "value": "{plan.admin_role}", "displayName": '
        f'"{plan.admin_role}", "description": "See and manage every commitment.", '
        '"allowedMemberTypes": ["User"], "isEnabled": true},',
        f'    {{"id": "$(uuidgen)", "value": "{plan.operator_role}", "displayName": '
        f'"{plan.operator_role}", "description": "Decode payloads at the codec server.", '
        '"allowedMemberTypes": ["User"], "isEnabled": true}',
        "  ]",
        "}",
        "JSON",
        "az rest --method PATCH --headers Content-Type=application/json "
        "--uri \"https://graph.microsoft.com/v1.0/applications(appId='$API_APP_ID')\" "
        "--body @accord-api.json",
        "# Give admins the role: Entra admin center > Enterprise applications > Accord API >",
        f"# Users and groups > Add, role {plan.admin_role}.",
        "# The public client `accord login` signs in with (device code):",
        'CLI_APP_ID=$(az ad app create --display-name "Accord CLI" '
        "--sign-in-audience AzureADMyOrg --is-fallback-public-client true --query appId -o tsv)",
        'az ad app permission add --id "$CLI_APP_ID" --api "$API_APP_ID" '
        '--api-permissions "$SCOPE_ID=Scope"',
        'az ad app permission admin-consent --id "$CLI_APP_ID"',
    ]


def _bot(plan: TenantPlan) -> list[str]:
    if not plan.teams:
        return [
            "# --- 3. The bot: skipped (ACCORD_TEAMS_APP_ID unset; pass --teams to include) --",
        ]
    endpoint = f"{plan.public_url.rstrip('/')}/api/messages"
    return [
        "# --- 3. The Azure Bot, single-tenant, on the Graph app's registration ------------",
        f'az bot create --resource-group "{plan.resource_group}" --name "{plan.bot_name}" '
        '--app-type SingleTenant --appid "$GRAPH_APP_ID" --tenant-id "$TENANT_ID" '
        f'--endpoint "{endpoint}" --sku F0',
        f'az bot msteams create --resource-group "{plan.resource_group}" --name "{plan.bot_name}"',
    ]


def _access_policy(plan: TenantPlan) -> list[str]:
    members = ",".join(plan.mailboxes)
    return [
        "# --- 4. The Exchange application access policy ----------------------------------",
        "# PowerShell: Install-Module ExchangeOnlineManagement; Connect-ExchangeOnline",
        "# The group holds the sending mailboxes and everyone who uses Accord (managers and",
        "# their reports: Accord reads their working hours and calendars). Add them with",
        "# Add-DistributionGroupMember.",
        f'New-DistributionGroup -Name "Accord mailboxes" -Type Security '
        f'-PrimarySmtpAddress "{plan.policy_group}" -Members {members}',
        '$GraphAppId = "<GRAPH_APP_ID from part 1>"',
        f'New-ApplicationAccessPolicy -AppId $GraphAppId -PolicyScopeGroupId "{plan.policy_group}" '
        '-AccessRight RestrictAccess -Description "Accord: its mailboxes and its people"',
        *[
            f'Test-ApplicationAccessPolicy -AppId $GraphAppId -Identity "{mailbox}"  # Granted'
            for mailbox in plan.mailboxes
        ],
    ]


def _teams_upload(plan: TenantPlan) -> list[str]:
    if not plan.teams:
        return []
    return [
        "# --- 5. The Teams app upload ----------------------------------------------------",
        "# bash: build the package for the bot (the Graph app) and the public URL:",
        f'accord teams-package --bot-id "$GRAPH_APP_ID" --public-url "{plan.public_url}" '
        "--output accord-teams.zip",
        "# PowerShell: Install-Module MicrosoftTeams; Connect-MicrosoftTeams",
        "New-TeamsApp -DistributionMethod organization -Path ./accord-teams.zip",
    ]


def _settings(plan: TenantPlan) -> list[str]:
    lines = [
        "# --- Then: Accord's settings (docs/configuration.md), and check it all ----------",
        "# ACCORD_GRAPH_BASE_URL=https://graph.microsoft.com/v1.0",
        f"# ACCORD_GRAPH_TENANT_ID={plan.tenant_id}",
        "# ACCORD_GRAPH_CLIENT_ID=$GRAPH_APP_ID, its secret or certificate in the Secret",
        "# ACCORD_AUTH_AUDIENCE=$API_APP_ID  ACCORD_ADDIN_CLIENT_ID=$API_APP_ID",
        "# ACCORD_AUTH_CLI_CLIENT_ID=$CLI_APP_ID",
    ]
    if plan.teams:
        lines.append("# ACCORD_TEAMS_APP_ID=$GRAPH_APP_ID (the same registration)")
    lines.append("# The policy can take an hour to apply; then run: accord doctor")
    return lines


def tenant_commands(plan: TenantPlan) -> str:
    """Return the commands, as text to read and run by hand.

    Args:
        plan: the tenant's values.

    Returns:
        The commands, with comments saying which shell runs each part.
    """
    parts = [
        [
            "# Accord's tenant setup, printed by `accord setup-tenant`: nothing has been run.",
            "# Review it; an admin runs parts 1 to 3 in bash (Azure CLI) and 4 and 5 in",
            "# PowerShell. docs/setup-tenant.md explains each step.",
        ],
        _graph_app(plan),
        _api_app(plan),
        _bot(plan),
        _access_policy(plan),
        _teams_upload(plan),
        _settings(plan),
    ]
    return "\n\n".join("\n".join(part) for part in parts if part) + "\n"


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``setup-tenant`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for the defaults.
    """
    domain = settings.agent_mailbox.partition("@")[2] or "contoso.com"
    parser = commands.add_parser(
        "setup-tenant",
        help="Print (never run) the commands that prepare a Microsoft 365 tenant for Accord: "
        "the app registrations and their permissions, the Exchange application access "
        "policy and the Teams app upload (docs/setup-tenant.md).",
    )
    parser.add_argument(
        "--tenant-id",
        default=settings.graph_tenant_id or "<tenant id>",
        help="The Entra tenant id (default: ACCORD_GRAPH_TENANT_ID).",
    )
    parser.add_argument(
        "--public-url",
        default=settings.public_url,
        help="Accord's https address (default: ACCORD_PUBLIC_URL).",
    )
    parser.add_argument(
        "--policy-group",
        default=f"accord-mailboxes@{domain}",
        help="The address of the mail-enabled security group the access policy is scoped to.",
    )
    parser.add_argument("--resource-group", default="accord", help="The Azure Bot's group.")
    parser.add_argument("--bot-name", default="accord-bot", help="The Azure Bot's name.")
    parser.add_argument(
        "--teams",
        action=argparse.BooleanOptionalAction,
        default=bool(settings.teams_app_id),
        help="Include the bot and the Teams app (default: when ACCORD_TEAMS_APP_ID is set).",
    )
    parser.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace, settings: AccordSettings) -> int:
    mailboxes = [*settings.sending_mailboxes] or [settings.agent_mailbox.lower()]
    mailboxes += [m for m in settings.intake_flag_managers if m not in mailboxes]
    plan = TenantPlan(
        tenant_id=args.tenant_id,
        public_url=args.public_url,
        mailboxes=tuple(mailboxes),
        policy_group=args.policy_group,
        resource_group=args.resource_group,
        bot_name=args.bot_name,
        admin_role=settings.auth_admin_role,
        operator_role=settings.codec_operator_role,
        teams=args.teams,
    )
    sys.stdout.write(tenant_commands(plan))
    return 0

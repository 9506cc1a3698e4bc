"""`accord doctor`: each check failing on a misconfigured tenant and passing on a sound one.

The sandbox plays the tenant (sandbox/misconfiguration.py makes it misconfigured), a small
HTTP receiver plays the public notification URL, and Temporal's dev server plays the cluster.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from msgraph.graph_service_client import GraphServiceClient
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.testing import WorkflowEnvironment

from accord.cli.doctor import doctor
from accord.cli.sandbox import MISCONFIGURATIONS as CLI_MISCONFIGURATIONS
from accord.doctor import graph, keys, temporal, webhook
from accord.doctor import teams as bot_checks
from accord.doctor.results import CheckResult, all_passed, as_json, as_text
from accord.doctor.run import graph_checks
from accord.keys.secrets import KeyFileError
from accord.settings import AccordSettings, load_settings
from accord.wiring.teams import teams_parts
from accord.wiring.temporal import search_attribute_keys
from integrations.graph.permissions import GRAPH_APPLICATION_PERMISSIONS, required_permissions
from integrations.teams.connector import BotCredentials, BotTokenProvider
from sandbox.misconfiguration import (
    MISCONFIGURATIONS,
    MISSING_ROLE,
    NO_ACCESS_POLICY,
    UNREACHABLE_WEBHOOK,
)
from sandbox.server import SandboxServer, free_port
from sandbox.tenant import GRAPH_APP_ROLES
from tests.support.doctor import app_token, doctor_environment, graph_http, set_up
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.teams import BOT_APP_ID, teams_stack
from tests.support.webhooks import Receiver

APP_ID = "the-app"
BOT = BOT_APP_ID
INBOX = f"users/{AGENT}/mailFolders('inbox')/messages"


def _fix_names(result: CheckResult, *words: str) -> None:
    assert not result.ok, result
    for word in words:
        assert word in result.fix, (word, result.fix)


# --- Graph: token and roles -------------------------------------------------------------------


async def test_the_roles_check_passes_when_the_app_holds_every_permission_accord_needs(
    sandbox: SandboxServer,
) -> None:
    set_up(sandbox)
    token = await app_token(sandbox)

    result = graph.check_roles(token, required_permissions(teams=True), APP_ID)

    assert result.ok, result
    assert "Mail.Send" in result.detail


async def test_a_missing_role_fails_naming_the_permission_and_how_to_grant_it(
    sandbox: SandboxServer,
) -> None:
    set_up(sandbox, [MISSING_ROLE])
    token = await app_token(sandbox)

    result = graph.check_roles(token, required_permissions(teams=False), APP_ID)

    _fix_names(result, "Mail.Send", APP_ID, "admin consent", "setup-tenant")
    assert "lacks Mail.Send" in result.detail


def test_broader_permissions_meet_the_narrower_ones_accord_asks_for() -> None:
    # The sandbox grants Mail.ReadWrite and MailboxSettings.ReadWrite, as many tenants do.
    granted = set(GRAPH_APP_ROLES)

    assert all(p.met_by(granted) for p in GRAPH_APPLICATION_PERMISSIONS)
    assert [p.name for p in required_permissions(teams=False)] == [
        p.name for p in GRAPH_APPLICATION_PERMISSIONS if not p.teams_only
    ]


async def test_the_token_check_passes_with_a_token_and_fails_with_the_credentials_reason() -> None:
    async def refused() -> str:
        raise PermissionError("AADSTS7000222: the client secret keys are expired")

    async def issued() -> str:
        return "a-token"

    (good, token), (bad, none) = await graph.check_token(issued), await graph.check_token(refused)

    assert good.ok and token == "a-token"
    assert none is None
    assert "AADSTS7000222" in bad.detail
    _fix_names(bad, "ACCORD_GRAPH_CLIENT_ID", "expired")


# --- Graph: the access policy and the sending mailboxes ------------------------------------------


async def test_a_mailbox_outside_the_access_policy_is_refused_so_the_check_passes(
    sandbox: SandboxServer,
) -> None:
    set_up(sandbox, access_policy=[AGENT])
    async with graph_http(sandbox) as http:
        outside = await graph.first_outside_candidate(http, [AGENT])
        result = await graph.check_access_policy(
            http, outside, chosen_by_doctor=True, app_id=APP_ID
        )

    assert outside is not None and outside != AGENT
    assert result.ok, result
    assert "ErrorAccessDenied" in result.detail


async def test_without_an_access_policy_the_check_fails_with_the_exchange_command(
    sandbox: SandboxServer,
) -> None:
    set_up(sandbox, [NO_ACCESS_POLICY])
    async with graph_http(sandbox) as http:
        result = await graph.check_access_policy(
            http, MANAGER, chosen_by_doctor=False, app_id=APP_ID
        )

    _fix_names(result, "New-ApplicationAccessPolicy", "RestrictAccess", APP_ID)
    assert MANAGER in result.detail


async def test_no_mailbox_to_probe_fails_asking_for_one() -> None:
    async with httpx.AsyncClient() as http:
        result = await graph.check_access_policy(http, None, chosen_by_doctor=True, app_id=APP_ID)

    _fix_names(result, "--outside-mailbox")


async def test_a_sending_mailbox_inside_the_policy_passes_without_sending_anything(
    sandbox: SandboxServer,
) -> None:
    set_up(sandbox, access_policy=[AGENT])
    async with graph_http(sandbox) as http:
        result = await graph.check_sending_mailbox(http, AGENT)
        sent = await http.get(f"/users/{AGENT}/mailFolders/sentitems/messages")

    assert result.ok, result
    assert sent.json()["value"] == []


async def test_a_sending_mailbox_outside_the_policy_or_missing_fails_with_its_fix(
    sandbox: SandboxServer,
) -> None:
    set_up(sandbox, access_policy=[AGENT])
    async with graph_http(sandbox) as http:
        outside = await graph.check_sending_mailbox(http, SAM)
        missing = await graph.check_sending_mailbox(http, "nobody@northwind.example")

    _fix_names(outside, SAM, "access policy")
    assert "refused" in outside.detail
    _fix_names(missing, "ACCORD_SENDING_MAILBOXES")
    assert "not a user" in missing.detail


# --- The notification URL and a subscription ----------------------------------------------------


@pytest.mark.parametrize("mode", ["wrong", "error", "json"])
async def test_a_notification_url_that_does_not_echo_the_token_as_text_fails(mode: Any) -> None:
    with Receiver() as receiver:
        receiver.state.validation_mode = mode
        async with httpx.AsyncClient() as http:
            result = await webhook.check_notification_url(
                http, f"{receiver.url}/graph/notifications", plain_http_allowed=True
            )

    assert not result.ok, result
    assert result.fix


async def test_a_notification_url_that_echoes_the_token_passes() -> None:
    with Receiver() as receiver:
        async with httpx.AsyncClient() as http:
            result = await webhook.check_notification_url(
                http, f"{receiver.url}/graph/notifications?mailbox=a", plain_http_allowed=True
            )

    assert result.ok, result
    assert receiver.validations()[0][1].startswith("accord-doctor-")


async def test_a_plain_http_or_unreachable_notification_url_fails() -> None:
    async with httpx.AsyncClient() as http:
        plain = await webhook.check_notification_url(
            http, "http://accord.example/graph/notifications", plain_http_allowed=False
        )
        gone = await webhook.check_notification_url(
            http, f"http://127.0.0.1:{free_port()}/graph/notifications", plain_http_allowed=True
        )

    _fix_names(plain, "ACCORD_PUBLIC_URL", "https")
    _fix_names(gone, "ACCORD_PUBLIC_URL")
    assert "did not answer" in gone.detail


async def _subscribe(sandbox: SandboxServer, receiver: Receiver) -> CheckResult:
    async with graph_http(sandbox) as http:
        return await graph.check_subscription(
            http,
            resource=INBOX,
            change_type="created",
            notification_url=f"{receiver.url}/graph/notifications",
            lifecycle_url=f"{receiver.url}/graph/lifecycle",
            client_state="state",
            now=datetime.now(UTC),
        )


async def test_a_subscription_is_created_and_deleted_at_once(sandbox: SandboxServer) -> None:
    set_up(sandbox)
    with Receiver() as receiver:
        result = await _subscribe(sandbox, receiver)

    assert result.ok, result
    assert sandbox.state is not None
    async with graph_http(sandbox) as http:
        assert (await http.get("/subscriptions")).json()["value"] == []


async def test_a_subscription_graph_cannot_validate_fails_with_the_fix(
    sandbox: SandboxServer,
) -> None:
    set_up(sandbox, [UNREACHABLE_WEBHOOK])
    with Receiver() as receiver:
        result = await _subscribe(sandbox, receiver)

    _fix_names(result, "ACCORD_PUBLIC_URL", "https")
    assert "validation" in result.detail.lower()


# --- Teams ---------------------------------------------------------------------------------------


async def test_the_bot_gets_a_token_and_its_endpoint_refuses_unsigned_activities(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
) -> None:
    parts = teams_parts(
        AccordSettings(sandbox_host=sandbox.host, sandbox_port=sandbox.port, teams_app_id=BOT)
    )
    assert parts is not None
    # The API with the bot (no worker: nothing here runs a workflow).
    async with (
        teams_stack(temporal_env.client, task_queue, sandbox, graph, worker=False) as teams,
        httpx.AsyncClient() as http,
    ):
        provider = BotTokenProvider(parts.credentials, http)
        token = await bot_checks.check_bot_token(provider.token, BOT)
        endpoint = await bot_checks.check_messaging_endpoint(
            http, f"{teams.api_url}/api/messages", plain_http_allowed=True
        )

    assert token.ok, token
    assert endpoint.ok, endpoint


async def test_bot_credentials_that_get_no_token_fail_with_the_fix() -> None:
    credentials = BotCredentials(
        app_id=BOT,
        secret=SecretStr("s"),
        token_url=f"http://127.0.0.1:{free_port()}/botframework.com/oauth2/v2.0/token",
    )
    async with httpx.AsyncClient() as http:
        result = await bot_checks.check_bot_token(BotTokenProvider(credentials, http).token, BOT)

    _fix_names(result, "ACCORD_TEAMS_APP_ID", "single-tenant")


@pytest.mark.parametrize(("status", "said"), [(202, "accepted"), (404, "without Teams")])
async def test_a_messaging_endpoint_that_does_not_check_tokens_fails(
    status: int, said: str
) -> None:
    with Receiver() as receiver:
        receiver.state.default_status = status
        async with httpx.AsyncClient() as http:
            result = await bot_checks.check_messaging_endpoint(
                http, f"{receiver.url}/api/messages", plain_http_allowed=True
            )
            plain = await bot_checks.check_messaging_endpoint(
                http, f"{receiver.url}/api/messages", plain_http_allowed=False
            )

    assert not result.ok
    assert said in result.detail
    _fix_names(plain, "https")


# --- Temporal ------------------------------------------------------------------------------------


async def test_temporal_reachable_with_its_namespace_and_search_attributes(
    dev_server: WorkflowEnvironment,
) -> None:
    client = dev_server.client

    async def connect() -> Client:
        return client

    reachable, connected = await temporal.check_reachable(connect, "dev server")
    assert connected is not None
    namespace = await temporal.check_namespace(client, client.namespace)
    attributes = await temporal.check_search_attributes(
        client, client.namespace, search_attribute_keys()
    )

    assert [reachable.ok, namespace.ok, attributes.ok] == [True, True, True], attributes


async def test_a_missing_namespace_or_search_attribute_fails_with_the_command_that_adds_it(
    dev_server: WorkflowEnvironment,
) -> None:
    client = dev_server.client
    needed = [*search_attribute_keys(), SearchAttributeKey.for_keyword("AccordNotYetAdded")]

    namespace = await temporal.check_namespace(client, "no-such-namespace")
    attributes = await temporal.check_search_attributes(client, client.namespace, needed)

    _fix_names(namespace, "temporal operator namespace create", "ACCORD_TEMPORAL_NAMESPACE")
    _fix_names(attributes, "--name AccordNotYetAdded --type Keyword", "tcld")
    assert "AccordOwner" not in attributes.detail


async def test_an_unreachable_temporal_fails_with_the_settings_to_check() -> None:
    async def connect() -> Client:
        raise RuntimeError("Failed client connect: Server connection error")

    result, client = await temporal.check_reachable(connect, "127.0.0.1:1")

    assert client is None
    _fix_names(result, "ACCORD_TEMPORAL_ADDRESS")


# --- Keys ----------------------------------------------------------------------------------------


def test_configured_keys_pass_and_missing_or_unreadable_ones_fail() -> None:
    def loads() -> object:
        return object()

    def unreadable() -> object:
        raise KeyFileError("ACCORD_PAYLOAD_KEYS: key 1 is not base64")

    fine = keys.check_key_ring(
        "payload", "ACCORD_PAYLOAD_KEYS", loads, configured=2, shared_needed=True
    )
    local = keys.check_key_ring(
        "link", "ACCORD_LINK_KEYS", loads, configured=0, shared_needed=False
    )
    absent = keys.check_key_ring(
        "link", "ACCORD_LINK_KEYS", loads, configured=0, shared_needed=True
    )
    broken = keys.check_key_ring(
        "payload", "ACCORD_PAYLOAD_KEYS", unreadable, configured=1, shared_needed=True
    )

    assert fine.ok and local.ok
    _fix_names(absent, "ACCORD_LINK_KEYS", "Secret")
    _fix_names(broken, "ACCORD_PAYLOAD_KEYS")
    assert "not base64" in broken.detail


# --- The report and the command ------------------------------------------------------------------


def test_the_report_says_pass_or_fail_with_each_fix_and_json_for_machines() -> None:
    results = [
        CheckResult("graph.token", True, "issued."),
        CheckResult("graph.roles", False, "lacks Mail.Send", "Grant Mail.Send."),
    ]

    text, document = as_text(results), json.loads(as_json(results))

    assert "pass  graph.token: issued." in text
    assert "FAIL  graph.roles: lacks Mail.Send\n      fix: Grant Mail.Send." in text
    assert "1 of 2 checks need attention." in text
    assert document["ok"] is False
    assert document["checks"][1] == {
        "name": "graph.roles",
        "ok": False,
        "detail": "lacks Mail.Send",
        "fix": "Grant Mail.Send.",
    }
    assert not all_passed([])


def test_the_command_and_the_sandbox_offer_the_same_misconfigurations() -> None:
    assert CLI_MISCONFIGURATIONS == MISCONFIGURATIONS


async def test_doctor_exits_0_when_every_check_of_a_sound_deployment_passes(
    sandbox: SandboxServer,
    dev_server: WorkflowEnvironment,
    payload_key: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_up(sandbox, access_policy=[AGENT])
    out = io.StringIO()
    with Receiver() as public:
        environment = doctor_environment(
            sandbox, dev_server.client, payload_key, public.url, tmp_path
        )
        for name in [name for name in os.environ if name.startswith("ACCORD_")]:
            monkeypatch.delenv(name)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        code = await doctor(load_settings(), as_json=True, out=out)

    report = json.loads(out.getvalue())
    assert code == 0, [check for check in report["checks"] if not check["ok"]]
    assert report["ok"] is True
    assert [check["name"] for check in report["checks"]] == [
        "graph.token",
        "graph.roles",
        "graph.access_policy",
        f"graph.mailbox[{AGENT}]",
        "webhook.notification_url",
        "graph.subscription",
        "teams",
        "temporal.reachable",
        "temporal.namespace",
        "temporal.search_attributes",
        "keys.payload",
        "keys.link",
    ]


async def test_accord_doctor_exits_1_naming_each_misconfiguration(
    sandbox: SandboxServer, dev_server: WorkflowEnvironment, payload_key: bytes, tmp_path: Path
) -> None:
    set_up(sandbox, [MISSING_ROLE, NO_ACCESS_POLICY, UNREACHABLE_WEBHOOK])
    with Receiver() as public:
        environment = doctor_environment(
            sandbox, dev_server.client, payload_key, public.url, tmp_path
        )
        # The real program, for its exit status; run off the loop, which serves the sandbox's
        # neighbours (the dev server's client).
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "accord.cli", "doctor", "--json"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    report = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr
    failing = {check["name"] for check in report["checks"] if not check["ok"]}
    assert failing == {"graph.roles", "graph.access_policy", "graph.subscription"}


async def test_without_mail_read_the_access_policy_is_not_judged_by_a_refusal(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    assert sandbox.state is not None
    sandbox.state.update_config(
        sandbox.state.config.model_copy(update={"missing_app_roles": ["Mail.ReadWrite"]})
    )
    settings = AccordSettings(
        sandbox_host=sandbox.host,
        sandbox_port=sandbox.port,
        agent_mailbox=AGENT,
        intake_enabled=False,
        data_dir=tmp_path,
    )

    results = {result.name: result for result in await graph_checks(settings)}

    assert not results["graph.roles"].ok
    assert "Mail.Read" in results["graph.roles"].detail
    assert results["graph.access_policy"].detail == "not checked: the token lacks Mail.Read"

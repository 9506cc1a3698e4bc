"""Running every check from the settings: the doctor's composition root.

The checks (the other modules of this package) take explicit arguments; this module turns
the settings into them, in the order an operator fixes things: Graph, the webhook, Teams,
Temporal, the keys. A check whose prerequisite failed (no Graph token) is reported as not
run rather than left out, so the list is the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import jwt

from accord.doctor import graph, keys, teams, temporal, webhook
from accord.doctor.results import CheckResult, failed, passed
from accord.keys.secrets import KeyFileError, link_key_ring, payload_key_ring
from accord.settings import AccordSettings
from accord.wiring.connections import GraphSetupError, graph_credential, graph_url, sandbox_ids
from accord.wiring.intake import watch_configs
from accord.wiring.teams import teams_parts
from accord.wiring.temporal import connect, search_attribute_keys, temporal_target
from activities.intake.subscriptions import resource_of
from integrations.graph.client import GRAPH_SCOPE
from integrations.graph.permissions import GRAPH_APPLICATION_PERMISSIONS, required_permissions
from integrations.teams.connector import BotTokenProvider

HTTP_TIMEOUT_SECONDS = 30.0


def sending_mailboxes(settings: AccordSettings) -> list[str]:
    """The mailboxes Accord sends from: ``sending_mailboxes``, else the agent mailbox."""
    return list(settings.sending_mailboxes) or [settings.agent_mailbox.lower()]


def _app_id(settings: AccordSettings) -> str:
    if settings.graph_base_url is None:
        try:
            return sandbox_ids(settings)[1]
        except GraphSetupError:
            return "<client id>"
    return settings.graph_client_id or "<client id>"


async def _graph_token(settings: AccordSettings) -> tuple[CheckResult, str | None]:
    try:
        credential = graph_credential(settings)
    except GraphSetupError as exc:
        return failed("graph.token", str(exc), "Set the Graph settings it names."), None

    async def fetch() -> str:
        return (await credential.get_token(GRAPH_SCOPE)).token

    try:
        return await graph.check_token(fetch)
    finally:
        await credential.close()


def _can_read_mail(token: str) -> bool:
    try:
        roles = graph.token_roles(token)
    except jwt.PyJWTError:
        return False
    return all(p.met_by(roles) for p in GRAPH_APPLICATION_PERMISSIONS if p.name == "Mail.Read")


def _not_run(names: Sequence[str], reason: str) -> list[CheckResult]:
    return [failed(name, f"not checked: {reason}", "Fix the check above first.") for name in names]


async def graph_checks(
    settings: AccordSettings, *, outside_mailbox: str | None = None
) -> list[CheckResult]:
    """The Graph, webhook and subscription checks.

    Args:
        settings: Accord's settings.
        outside_mailbox: a mailbox the access policy should refuse; unset: the first user
            of the directory who is not one of Accord's mailboxes.

    Returns:
        The results, in order.
    """
    local = settings.graph_base_url is None
    sending = sending_mailboxes(settings)
    token_result, token = await _graph_token(settings)
    if token is None:
        names = ["graph.roles", "graph.access_policy"]
        names += [f"graph.mailbox[{mailbox}]" for mailbox in sending]
        names += ["webhook.notification_url", "graph.subscription"]
        return [token_result, *_not_run(names, "no Graph token")]
    results = [token_result]
    app_id = _app_id(settings)
    needed = required_permissions(teams=bool(settings.teams_app_id))
    results.append(graph.check_roles(token, needed, app_id))
    async with httpx.AsyncClient(
        base_url=graph_url(settings),
        headers={"Authorization": f"Bearer {token}"},
        timeout=HTTP_TIMEOUT_SECONDS,
    ) as http:
        if _can_read_mail(token):
            outside = outside_mailbox
            if outside is None:
                inside = [*sending, settings.agent_mailbox, *settings.intake_flag_managers]
                outside = await graph.first_outside_candidate(http, inside)
            results.append(
                await graph.check_access_policy(
                    http, outside, chosen_by_doctor=outside_mailbox is None, app_id=app_id
                )
            )
        else:
            # Without Mail.Read every mailbox is refused, so a refusal would prove nothing.
            results += _not_run(["graph.access_policy"], "the token lacks Mail.Read")
        for mailbox in sending:
            results.append(await graph.check_sending_mailbox(http, mailbox))
        results += await _intake_checks(settings, http, plain_http_allowed=local)
    return results


async def _intake_checks(
    settings: AccordSettings, graph_http: httpx.AsyncClient, *, plain_http_allowed: bool
) -> list[CheckResult]:
    if not settings.intake_enabled:
        detail = "intake is off (ACCORD_INTAKE_ENABLED=false): Graph needs no notification URL."
        return [
            passed("webhook.notification_url", detail),
            passed("graph.subscription", detail),
        ]
    try:
        config = watch_configs(settings, link_key_ring(settings))[0]
    except KeyFileError as exc:
        return _not_run(["webhook.notification_url", "graph.subscription"], f"the link keys: {exc}")
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS, trust_env=False) as plain:
        handshake = await webhook.check_notification_url(
            plain, config.notification_url, plain_http_allowed=plain_http_allowed
        )
    resource, change_type = resource_of(config)
    subscription = await graph.check_subscription(
        graph_http,
        resource=resource,
        change_type=change_type,
        notification_url=config.notification_url,
        lifecycle_url=config.lifecycle_url,
        client_state=config.client_state,
    )
    return [handshake, subscription]


async def teams_checks(settings: AccordSettings) -> list[CheckResult]:
    """The bot's credentials and messaging endpoint (one pass when Teams is off)."""
    parts = teams_parts(settings)
    if parts is None:
        return [
            passed(
                "teams",
                "Teams is off (ACCORD_TEAMS_APP_ID unset): every message goes by email.",
            )
        ]
    endpoint = f"{settings.public_url.rstrip('/')}/api/messages"
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS, trust_env=False) as http:
        provider = BotTokenProvider(parts.credentials, http)
        return [
            await teams.check_bot_token(provider.token, parts.auth.app_id),
            await teams.check_messaging_endpoint(
                http, endpoint, plain_http_allowed=settings.graph_base_url is None
            ),
        ]


async def temporal_checks(settings: AccordSettings) -> list[CheckResult]:
    """Temporal reachable, its namespace, its search attributes."""
    reachable, client = await temporal.check_reachable(
        lambda: connect(settings), temporal_target(settings)
    )
    if client is None:
        return [
            reachable,
            *_not_run(["temporal.namespace", "temporal.search_attributes"], "no connection"),
        ]
    namespace = settings.temporal_namespace
    return [
        reachable,
        await temporal.check_namespace(client, namespace),
        await temporal.check_search_attributes(client, namespace, search_attribute_keys()),
    ]


def key_checks(settings: AccordSettings) -> list[CheckResult]:
    """The payload and link keys."""
    shared = settings.graph_base_url is not None
    return [
        keys.check_key_ring(
            "payload",
            "ACCORD_PAYLOAD_KEYS",
            lambda: payload_key_ring(settings),
            configured=len(settings.payload_keys),
            shared_needed=shared,
        ),
        keys.check_key_ring(
            "link",
            "ACCORD_LINK_KEYS",
            lambda: link_key_ring(settings),
            configured=len(settings.link_keys),
            shared_needed=shared,
        ),
    ]


async def run_doctor(
    settings: AccordSettings, *, outside_mailbox: str | None = None
) -> list[CheckResult]:
    """Run every check.

    Args:
        settings: Accord's settings.
        outside_mailbox: see :func:`graph_checks`.

    Returns:
        The results, in order.
    """
    return [
        *await graph_checks(settings, outside_mailbox=outside_mailbox),
        *await teams_checks(settings),
        *await temporal_checks(settings),
        *key_checks(settings),
    ]

"""Graph checks: the token and its roles, the access policy, the sending mailboxes, a subscription.

Each takes an ``httpx.AsyncClient`` whose base URL is Graph's service root and whose headers
carry the app's token, so the same checks run against Entra ID and the sandbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt

from accord.doctor.results import CheckResult, failed, passed
from integrations.graph.permissions import Permission

TokenSource = Callable[[], Awaitable[str]]
"""Fetches an app-only access token for Graph."""

SUBSCRIPTION_PROBE_LIFETIME = timedelta(minutes=60)
"""The probe subscription's asked-for life: it is deleted at once; this only has to be valid."""


def _graph_error(response: httpx.Response) -> str:
    """Graph's error code and message, or the status alone when the body is not Graph's."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code, message = error.get("code"), error.get("message")
    if code or message:
        return f"HTTP {response.status_code} {code or ''}: {message or ''}".strip()
    return f"HTTP {response.status_code}"


async def check_token(fetch: TokenSource) -> tuple[CheckResult, str | None]:
    """Fetch an app-only token for Graph.

    Args:
        fetch: the app's credential (client secret, certificate or managed identity).

    Returns:
        The result, and the token when one came.
    """
    name = "graph.token"
    try:
        token = await fetch()
    except Exception as exc:  # whatever went wrong is the finding, named by its type
        return (
            failed(
                name,
                f"no token: {type(exc).__name__}: {exc}",
                "Check ACCORD_GRAPH_TENANT_ID, ACCORD_GRAPH_CLIENT_ID and the app's credential "
                "(its secret or certificate may have expired: see Certificates & secrets of "
                "the app registration).",
            ),
            None,
        )
    return passed(name, "Entra ID issued an app-only token for Microsoft Graph."), token


def token_roles(token: str) -> set[str]:
    """The ``roles`` claim of an access token (read, not verified: it is our own token)."""
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    roles = claims.get("roles") or []
    return {str(role) for role in roles} if isinstance(roles, list) else set()


def check_roles(token: str, required: Sequence[Permission], app_id: str) -> CheckResult:
    """Compare the token's application permissions with what Accord's calls need.

    Args:
        token: the app-only token.
        required: the permissions needed (integrations/graph/permissions.py).
        app_id: the app's client id, for the fix.

    Returns:
        The result, naming each missing permission.
    """
    name = "graph.roles"
    try:
        roles = token_roles(token)
    except jwt.PyJWTError:
        return failed(
            name,
            "the token is not a JWT, so its roles cannot be read",
            "Ask for a token for https://graph.microsoft.com/.default (app-only).",
        )
    missing = [permission.name for permission in required if not permission.met_by(roles)]
    if missing:
        return failed(
            name,
            f"the token lacks {', '.join(missing)} (it holds {', '.join(sorted(roles)) or 'none'})",
            f"Add the Microsoft Graph application permissions {', '.join(missing)} to app "
            f"{app_id} and grant admin consent (accord setup-tenant prints the commands).",
        )
    return passed(name, f"the token holds {', '.join(p.name for p in required)}.")


async def first_outside_candidate(http: httpx.AsyncClient, inside: Sequence[str]) -> str | None:
    """Return a user of the directory who is not one of ``inside`` (a mailbox to probe).

    Args:
        http: Graph with the app's token.
        inside: the addresses that should be inside the policy (sending mailboxes, ...).

    Returns:
        An address, or ``None`` when the directory has nobody else (or cannot be listed).
    """
    response = await http.get("/users", params={"$select": "mail,userPrincipalName", "$top": "50"})
    if response.status_code != 200:
        return None
    wanted = {address.lower() for address in inside}
    for user in response.json().get("value") or []:
        address = str(user.get("mail") or user.get("userPrincipalName") or "").lower()
        if address and address not in wanted:
            return address
    return None


async def check_access_policy(
    http: httpx.AsyncClient, outside: str | None, *, chosen_by_doctor: bool, app_id: str
) -> CheckResult:
    """Check that a mailbox outside the application access policy is refused.

    The probe is a read of the mailbox's inbox folder (no mail is read): Exchange answers a
    mailbox outside the policy with 403 ``ErrorAccessDenied``.

    Args:
        http: Graph with the app's token.
        outside: a mailbox that should be outside the policy.
        chosen_by_doctor: whether the doctor picked it (so the fix says how to pick another).
        app_id: the app's client id, for the fix.

    Returns:
        The result.
    """
    name = "graph.access_policy"
    if outside is None:
        return failed(
            name,
            "no mailbox outside the sending mailboxes was found to probe",
            "Run accord doctor --outside-mailbox <address of someone who does not use Accord>.",
        )
    response = await http.get(f"/users/{outside}/mailFolders/inbox", params={"$select": "id"})
    if response.status_code == 403:
        return passed(name, f"{outside} is outside the access policy: {_graph_error(response)}.")
    if response.status_code == 200:
        picked = (
            f" ({outside} was picked by the doctor; if they use Accord, run accord doctor "
            "--outside-mailbox with someone who does not)"
            if chosen_by_doctor
            else ""
        )
        return failed(
            name,
            f"the app can read {outside}'s mailbox: no application access policy limits it",
            "In Exchange Online PowerShell: New-ApplicationAccessPolicy -AppId "
            f"{app_id} -PolicyScopeGroupId <group of Accord's mailboxes> -AccessRight "
            "RestrictAccess (it can take an hour to apply)" + picked + ".",
        )
    return failed(
        name,
        f"probing {outside} gave {_graph_error(response)}",
        "Run accord doctor --outside-mailbox with an existing mailbox outside the policy.",
    )


async def check_sending_mailbox(http: httpx.AsyncClient, mailbox: str) -> CheckResult:
    """Check that a sending mailbox exists and is inside the policy, without sending.

    Graph has no dry run of sendMail, and creating a draft would need Mail.ReadWrite, which
    Accord does not ask for; so the check reads what a send itself reads first: the mailbox,
    then one item of its Sent Items (the duplicate check before every send). With the
    ``Mail.Send`` role (graph.roles) that is everything a send needs.

    Args:
        http: Graph with the app's token.
        mailbox: the sending mailbox's address.

    Returns:
        The result.
    """
    name = f"graph.mailbox[{mailbox}]"
    user = await http.get(f"/users/{mailbox}", params={"$select": "id,mail,userPrincipalName"})
    if user.status_code == 404:
        return failed(
            name,
            f"{mailbox} is not a user of the tenant",
            "Create the mailbox (a shared mailbox is enough) or correct ACCORD_AGENT_MAILBOX / "
            "ACCORD_SENDING_MAILBOXES.",
        )
    if user.status_code != 200:
        return failed(
            name,
            f"reading {mailbox} gave {_graph_error(user)}",
            "Check the User.Read.All permission (graph.roles).",
        )
    sent = await http.get(
        f"/users/{mailbox}/mailFolders/sentitems/messages", params={"$top": "1", "$select": "id"}
    )
    if sent.status_code == 403:
        return failed(
            name,
            f"{mailbox} exists but its mail is refused: {_graph_error(sent)}",
            f"Add {mailbox} to the group the application access policy is scoped to.",
        )
    if sent.status_code != 200:
        return failed(
            name,
            f"{mailbox} exists but its Sent Items gave {_graph_error(sent)}",
            "Give the mailbox an Exchange Online licence (or make it a shared mailbox).",
        )
    return passed(name, f"{mailbox} exists and its mail is open to the app.")


async def check_subscription(
    http: httpx.AsyncClient,
    *,
    resource: str,
    change_type: str,
    notification_url: str,
    lifecycle_url: str,
    client_state: str,
    now: datetime | None = None,
) -> CheckResult:
    """Create a change-notification subscription as intake does, then delete it at once.

    Args:
        http: Graph with the app's token.
        resource: what intake subscribes to.
        change_type: ``created`` or ``updated``.
        notification_url: intake's notification URL (Graph validates it first).
        lifecycle_url: intake's lifecycle URL (validated too).
        client_state: the secret Graph echoes.
        now: the current time (tests).

    Returns:
        The result.
    """
    name = "graph.subscription"
    expires = (now or datetime.now(UTC)) + SUBSCRIPTION_PROBE_LIFETIME
    body = {
        "changeType": change_type,
        "resource": resource,
        "notificationUrl": notification_url,
        "lifecycleNotificationUrl": lifecycle_url,
        "clientState": client_state,
        "expirationDateTime": expires.isoformat().replace("+00:00", "Z"),
    }
    created = await http.post("/subscriptions", json=body)
    if created.status_code != 201:
        return failed(
            name,
            f"Graph refused a subscription to {resource}: {_graph_error(created)}",
            "Make ACCORD_PUBLIC_URL reachable from the internet over https (Graph calls "
            "/graph/notifications and /graph/lifecycle on it), and check Mail.Read.",
        )
    subscription_id = str(created.json().get("id", ""))
    deleted = await http.delete(f"/subscriptions/{subscription_id}")
    if deleted.status_code not in (200, 204, 404):
        return failed(
            name,
            f"a subscription was created but not deleted: {_graph_error(deleted)}",
            f"Delete subscription {subscription_id} (it expires by itself within the hour).",
        )
    return passed(name, f"Graph validated the notification URLs and subscribed to {resource}.")

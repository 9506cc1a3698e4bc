"""Teams: the bot's credentials (a token for the Bot Connector) and its messaging endpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpx

from accord.doctor.results import CheckResult, failed, passed


async def check_bot_token(fetch: Callable[[], Awaitable[str]], app_id: str) -> CheckResult:
    """Fetch the bot's token for the Bot Connector.

    Args:
        fetch: the bot's token provider.
        app_id: the bot's app id, for the detail.

    Returns:
        The result.
    """
    name = "teams.bot_credentials"
    try:
        await fetch()
    except Exception as exc:  # whatever went wrong is the finding, named by its type
        return failed(
            name,
            f"no Bot Connector token for bot {app_id}: {type(exc).__name__}: {exc}",
            "Check ACCORD_TEAMS_APP_ID and the bot's credential (ACCORD_TEAMS_APP_SECRET, or "
            "its certificate), and that the bot's token URL is its tenant's "
            "(ACCORD_TEAMS_TOKEN_URL) for a single-tenant bot.",
        )
    return passed(name, f"the Bot Connector issued a token to bot {app_id}.")


async def check_messaging_endpoint(
    http: httpx.AsyncClient, url: str, *, plain_http_allowed: bool
) -> CheckResult:
    """POST an unsigned activity to the messaging endpoint and expect it refused with 401.

    A 401 shows that the API serves the bot and checks the Bot Connector's tokens.

    Args:
        http: a plain HTTP client.
        url: ``<ACCORD_PUBLIC_URL>/api/messages``.
        plain_http_allowed: whether http is acceptable (the sandbox).

    Returns:
        The result.
    """
    name = "teams.messaging_endpoint"
    if urlsplit(url).scheme != "https" and not plain_http_allowed:
        return failed(
            name,
            f"{url} is not https; Azure Bot Service calls only https endpoints",
            "Set ACCORD_PUBLIC_URL to the API's https address and the bot's messaging "
            "endpoint to <that>/api/messages.",
        )
    activity = {"type": "message", "channelId": "msteams", "text": "accord doctor"}
    try:
        response = await http.post(url, json=activity)
    except httpx.HTTPError as exc:
        return failed(
            name,
            f"{url} did not answer: {type(exc).__name__}: {exc}",
            "Start the API (accord api) and publish it at ACCORD_PUBLIC_URL.",
        )
    if response.status_code == 404:
        return failed(
            name,
            f"{url} answered 404: the API runs without Teams",
            "Set ACCORD_TEAMS_APP_ID (and the bot's credential) for the API too, and restart it.",
        )
    if response.status_code != 401:
        return failed(
            name,
            f"{url} accepted or mishandled an unsigned activity (HTTP {response.status_code})",
            "Make the bot's messaging endpoint point at Accord's API /api/messages.",
        )
    return passed(
        name,
        f"{url} serves the bot and refuses unsigned activities; set it as the Azure Bot's "
        "messaging endpoint.",
    )

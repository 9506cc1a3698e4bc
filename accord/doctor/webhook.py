"""The public notification URL: https, and it answers Graph's validation handshake."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import httpx

from accord.doctor.results import CheckResult, failed, passed


async def check_notification_url(
    http: httpx.AsyncClient, url: str, *, plain_http_allowed: bool
) -> CheckResult:
    """POST ``?validationToken=…`` to the URL, as Graph does, and expect the token back.

    Args:
        http: a plain HTTP client (no Graph token).
        url: intake's notification URL (under ``ACCORD_PUBLIC_URL``).
        plain_http_allowed: whether http is acceptable (the sandbox; Graph itself needs https).

    Returns:
        The result.
    """
    name = "webhook.notification_url"
    if urlsplit(url).scheme != "https" and not plain_http_allowed:
        return failed(
            name,
            f"{url} is not https; Graph sends notifications only to https URLs",
            "Set ACCORD_PUBLIC_URL to the https address the API is published at.",
        )
    token = f"accord-doctor-{secrets.token_hex(8)}"
    try:
        response = await http.post(
            url,
            params={"validationToken": token},
            content=b"",
            headers={"Content-Type": "text/plain; charset=utf-8"},
        )
    except httpx.HTTPError as exc:
        return failed(
            name,
            f"{url} did not answer: {type(exc).__name__}: {exc}",
            "Start the API (accord api) and publish it at ACCORD_PUBLIC_URL (ingress, DNS, "
            "firewall).",
        )
    content_type = response.headers.get("content-type", "")
    if response.status_code != 200 or response.text != token:
        return failed(
            name,
            f"{url} answered HTTP {response.status_code} without echoing the validation token",
            "Make ACCORD_PUBLIC_URL point at Accord's API itself (not a login page or another "
            "service).",
        )
    if not content_type.startswith("text/plain"):
        return failed(
            name,
            f"{url} echoed the token as {content_type or 'no content type'}",
            "Keep proxies from rewriting the API's answers; Graph wants text/plain.",
        )
    return passed(name, f"{url} answers Graph's validation handshake.")

"""Helpers for sandbox tests: raw HTTP with a sandbox token, for what the SDK can't express."""

from __future__ import annotations

import httpx

from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID, GRAPH_APP_ROLES


def token_for(sandbox: SandboxServer) -> str:
    """Return an app-only token issued by the sandbox."""
    assert sandbox.state is not None
    return sandbox.state.tokens.issue(
        subject=DEMO_CLIENT_ID,
        audience="https://graph.microsoft.com",
        claims={"appid": DEMO_CLIENT_ID, "roles": list(GRAPH_APP_ROLES)},
    )


def raw_client(sandbox: SandboxServer) -> httpx.AsyncClient:
    """An httpx client against the sandbox's Graph root with a valid bearer token."""
    return httpx.AsyncClient(
        base_url=sandbox.graph_url,
        headers={"Authorization": f"Bearer {token_for(sandbox)}"},
        timeout=10,
    )


def send_mail_body(to: str, subject: str, body: str = "Hello") -> dict[str, object]:
    """A sendMail request body as Graph documents it."""
    return {
        "message": {
            "subject": subject,
            "body": {"contentType": "Text", "content": body},
            "toRecipients": [{"emailAddress": {"address": to}}],
        },
        "saveToSentItems": True,
    }

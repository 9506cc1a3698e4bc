"""Mail from the internet into the sandbox, spoofed From lines included."""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from sandbox.server import SandboxServer


async def deliver_from_internet(
    sandbox: SandboxServer,
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    body: str,
    cc: Sequence[str] = (),
    headers: dict[str, str] | None = None,
    dmarc: str = "fail",
    compauth: str = "fail",
) -> list[str]:
    """Deliver mail as Exchange receives it from outside; return the inbox copies' ids.

    Exchange stamps it ``AuthAs: Anonymous`` with the given verdicts; the defaults are what a
    forged From in the tenant's own domain gets.
    """
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        response = await client.post(
            "/_sandbox/inbound",
            json={
                "from": sender,
                "to": list(to),
                "cc": list(cc),
                "subject": subject,
                "body": body,
                "headers": headers or {},
                "dmarc": dmarc,
                "compauth": compauth,
            },
        )
    response.raise_for_status()
    delivered: list[str] = response.json()["delivered"]
    return delivered

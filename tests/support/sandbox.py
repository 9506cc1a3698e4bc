"""The sandbox in tests: a round-the-clock tenant, raw HTTP with its token, steered faults."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime

import httpx

from sandbox.config import FaultConfig
from sandbox.faults import Fault
from sandbox.server import SandboxServer
from sandbox.tenant import (
    DEMO_CLIENT_ID,
    GRAPH_APP_ROLES,
    TenantSeed,
    WorkingHoursSeed,
    demo_tenant,
)

EVERY_DAY = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
FAULT_RATE = 0.5
# The order FaultInjector.failure_after_acceptance chooses from.
_FAILURES = [Fault.SERVICE_UNAVAILABLE, Fault.GATEWAY_TIMEOUT, Fault.DROP_CONNECTION]
_STOPPING: list[threading.Thread] = []


def round_the_clock_tenant() -> TenantSeed:
    """The demo tenant with everyone reachable at any hour, so real-time tests need no wait."""
    tenant = demo_tenant(datetime.now(UTC))
    users = [
        user.model_copy(
            update={
                "working_hours": WorkingHoursSeed(days=EVERY_DAY, start="00:00", end="00:00"),
                "out_of_office": None,
            }
        )
        for user in tenant.users
    ]
    return tenant.model_copy(update={"users": users})


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


def fail_nth_request_after_acceptance(sandbox: SandboxServer, nth: int, failure: Fault) -> None:
    """Make the ``nth`` Graph request from now take effect, then fail the way ``failure`` says.

    The sandbox draws one random number per request; a seed whose first ``nth - 1`` draws pass
    and whose ``nth`` hits the accepted-then-failed rate steers the fault onto one request.
    """
    assert sandbox.state is not None
    for seed in range(100_000):
        draws = random.Random(seed)
        rolls = [draws.random() for _ in range(nth)]
        if any(roll < FAULT_RATE for roll in rolls[:-1]) or rolls[-1] >= FAULT_RATE:
            continue
        if draws.choice(_FAILURES) is not failure:
            continue
        faults = FaultConfig(accepted_then_failed_rate=FAULT_RATE, seed=seed)
        sandbox.state.update_config(sandbox.state.config.model_copy(update={"faults": faults}))
        return
    raise AssertionError("no seed steers the fault onto that request")


def faults_off(sandbox: SandboxServer) -> None:
    """Stop injecting faults."""
    assert sandbox.state is not None
    sandbox.state.update_config(sandbox.state.config.model_copy(update={"faults": FaultConfig()}))


def stop_in_background(server: SandboxServer) -> None:
    """Stop a sandbox without waiting for it, when nothing afterwards reads it.

    Uvicorn takes a fifth of a second to stop (a tick of its loop, then a fixed pause): some
    45 s over the suite's 225 sandboxes. The next test starts its own on another port.
    :func:`wait_for_background_stops` waits for them all before the session ends.
    """
    stopping = threading.Thread(target=server.stop, name="sandbox-stop", daemon=True)
    stopping.start()
    _STOPPING[:] = [*(thread for thread in _STOPPING if thread.is_alive()), stopping]


def wait_for_background_stops() -> None:
    """Wait until every sandbox stopped in the background has stopped."""
    while _STOPPING:
        _STOPPING.pop().join(timeout=30)

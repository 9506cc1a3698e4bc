"""Benchmark 4: intake latency, from Graph's notification to 202 and from email to confirmation.

``./dev python -m bench.intake_latency --n 50`` starts the dev server, the sandbox
(round-the-clock tenant), the API (the production app under uvicorn, on a free port, so the
sandbox's subscriptions deliver to it) and ``accord worker`` with intake on (its own process;
it subscribes to Accord's inbox at start). Then:

1. **notification → 202**: ``--n`` change notifications for Accord's inbox, each with the
   subscription's ``clientState`` and a message id of its own, POSTed one after another to
   ``/graph/notifications`` over HTTP, timed at the client until the ``202``;
2. **email sent → manager's confirmation**: ``--emails`` times, Maya writes to Sam with Accord
   in copy ("Could you draft ... by Friday 3pm? Done when: ..."), sent through Graph; timed
   from the ``sendMail`` until Accord's "Please check:" confirmation is in Maya's inbox (the
   sandbox's notification, the webhook, the intake workflows, the parser, the send).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from pydantic import SecretStr

from accord.settings import AccordSettings
from accord.wiring.api import build_app
from bench.api_latency import BenchOrg
from bench.results import Run, load_averages, milliseconds, quiet_logs
from bench.stack import (
    AGENT,
    MANAGER,
    OWNER,
    accord_worker,
    dev_server,
    sandbox_graph,
    sandbox_server,
    wait_for_pollers,
    worker_environment,
)
from domain.action_links import LinkKeyRing
from sandbox.directory import folder_id_for
from sandbox.server import SandboxServer, free_port
from workflows.intake.contracts import WatchMode

ASK = (
    "Hi Sam,\n\nCould you draft the Q1 budget for the platform team by Friday 3pm?\n"
    "Done when: a reviewed spreadsheet is shared with finance.\n\nThanks,\nMaya"
)
CONFIRMATION_PREFIX = "Please check:"
EMAIL_TIMEOUT = 120.0


def _confirmations(sandbox: SandboxServer) -> int:
    state = sandbox.state
    assert state is not None  # noqa: S101 - started by the caller
    maya = str(state.directory.user(MANAGER)["id"])
    inbox = folder_id_for(maya, "inbox")
    return sum(
        1
        for item in state.store.list("messages", maya)
        if item["parentFolderId"] == inbox
        and item.get("from", {}).get("emailAddress", {}).get("address") == AGENT
        and str(item.get("subject", "")).startswith(CONFIRMATION_PREFIX)
    )


def _notification(message_id: str, client_state: str) -> dict[str, Any]:
    return {
        "subscriptionId": "bench-subscription",
        "changeType": "created",
        "clientState": client_state,
        "resource": f"Users/bench/Messages/{message_id}",
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.Message",
            "@odata.etag": 'W/"bench"',
            "id": message_id,
        },
    }


async def _notifications(url: str, client_state: str, n: int) -> list[float]:
    samples = []
    params = {"mailbox": AGENT, "mode": WatchMode.AGENT_INBOX.value}
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for _ in range(n):
            body = {"value": [_notification(f"bench-{uuid.uuid4().hex}", client_state)]}
            started = time.perf_counter()
            response = await http.post("/graph/notifications", params=params, json=body)
            samples.append(time.perf_counter() - started)
            if response.status_code != 202:
                raise RuntimeError(f"the webhook answered {response.status_code}")
    return samples


async def _send_ask(graph: GraphServiceClient, number: int) -> None:
    def to(address: str) -> list[Recipient]:
        return [Recipient(email_address=EmailAddress(address=address))]

    message = Message(
        subject=f"Q1 budget, part {number}",
        body=ItemBody(content_type=BodyType.Text, content=ASK),
        to_recipients=to(OWNER),
        cc_recipients=to(AGENT),
    )
    await graph.users.by_user_id(MANAGER).send_mail.post(
        SendMailPostRequestBody(message=message, save_to_sent_items=True)
    )


async def _emails(
    sandbox: SandboxServer, graph: GraphServiceClient, n: int, gap: float
) -> list[float]:
    samples = []
    for number in range(n):
        if number:
            # Accord's mailbox sends at most 29 a minute, held by its send queue's rate: a
            # confirmation asked for sooner than one dispatch interval after the last waits its
            # turn, which would time the rate rather than the path.
            await asyncio.sleep(gap)
        before = _confirmations(sandbox)
        started = time.perf_counter()
        await _send_ask(graph, number)
        deadline = time.monotonic() + EMAIL_TIMEOUT
        while _confirmations(sandbox) <= before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no confirmation for email {number}")
            await asyncio.sleep(0.05)
        samples.append(time.perf_counter() - started)
    return samples


async def run(n: int, emails: int, work_dir: Path, gap: float = 2.5) -> dict[str, Any]:
    """Time the webhook and the whole intake path; return the figures."""
    client_state = secrets.token_urlsafe(24)
    link_key = secrets.token_urlsafe(48)
    async with dev_server(work_dir) as temporal:
        with sandbox_server(work_dir) as sandbox:
            port = free_port()
            api_url = f"http://127.0.0.1:{port}"
            queue = f"bench-intake-{uuid.uuid4().hex[:8]}"
            settings = AccordSettings(
                public_url=api_url,
                temporal_task_queue=queue,
                webhook_client_state=SecretStr(client_state),
                link_keys=[link_key],
            )
            org = BenchOrg()
            app = build_app(
                settings=settings,
                temporal=temporal.client,
                links=LinkKeyRing([link_key.encode()]),
                directory=org,
                org=org,
            )
            server = uvicorn.Server(
                uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
            )
            serving = asyncio.create_task(server.serve())
            env = worker_environment(temporal, sandbox, queue, work_dir / "accord")
            env.update(
                {
                    "ACCORD_INTAKE_ENABLED": "true",
                    "ACCORD_PUBLIC_URL": api_url,
                    "ACCORD_WEBHOOK_CLIENT_STATE": client_state,
                    "ACCORD_LINK_KEYS": f'["{link_key}"]',
                }
            )
            worker = accord_worker(env, work_dir / "worker.log")
            try:
                deadline = time.monotonic() + 30
                while not server.started:
                    if time.monotonic() > deadline:
                        raise TimeoutError("the API did not start")
                    await asyncio.sleep(0.05)
                await worker.start()
                await wait_for_pollers(temporal.client, queue)
                load_before = load_averages()
                webhook = await _notifications(api_url, client_state, n)
                async with sandbox_graph(sandbox) as graph:
                    # The worker subscribes at start; the first email waits for that.
                    mail = await _emails(sandbox, graph, emails, gap)
                load_after = load_averages()
            except Exception as error:
                raise RuntimeError(f"{error}\n{worker.log_tail()}") from error
            finally:
                await worker.stop()
                server.should_exit = True
                await serving
    return {
        "notification_to_202": milliseconds(webhook),
        "email_to_confirmation": milliseconds(mail),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "notes": [
            "Notifications are timed at an HTTP client on the same machine; the email path "
            "includes the sandbox's own delivery of the change notification to the webhook.",
            f"Each email was sent {gap} s after the previous confirmation arrived (Accord's "
            "mailbox sends at most 29 a minute on its send queue; sooner, a confirmation waits "
            "for the queue's rate).",
        ],
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, run the benchmark, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=100, help="notifications to time")
    parser.add_argument("--emails", type=int, default=20, help="emails to time end to end")
    parser.add_argument(
        "--gap",
        type=float,
        default=2.5,
        help="seconds between a confirmation and the next email (at least 60/29)",
    )
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    arguments = parser.parse_args(argv)
    bench_run = Run(
        "intake", {"n": arguments.n, "emails": arguments.emails, "gap_seconds": arguments.gap}
    )
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as work:
        figures = asyncio.run(run(arguments.n, arguments.emails, Path(work), arguments.gap))
    bench_run.publish(figures, arguments.output)


if __name__ == "__main__":
    quiet_logs()
    main()

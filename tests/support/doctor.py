"""`accord doctor` against the sandbox: Graph with the app's token, tenants set up well or not."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from temporalio.client import Client

from integrations.graph.client import GRAPH_SCOPE
from integrations.graph.credentials import SandboxClientCredential
from sandbox.misconfiguration import configured
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.lifecycle import LINK_KEY
from tests.support.people import AGENT


def set_up(
    sandbox: SandboxServer,
    misconfigurations: Collection[str] = (),
    *,
    access_policy: Sequence[str] | None = (AGENT,),
) -> None:
    """Configure the sandbox's tenant: well (an access policy of the agent alone) unless told."""
    assert sandbox.state is not None
    config = configured(
        sandbox.state.config,
        misconfigurations,
        access_policy=None if access_policy is None else list(access_policy),
    )
    sandbox.state.update_config(config)


async def app_token(sandbox: SandboxServer) -> str:
    """An app-only Graph token from the sandbox's token endpoint, as Accord's credential gets it."""
    assert sandbox.state is not None
    async with SandboxClientCredential(
        sandbox.url, sandbox.state.tenant.tenant_id, DEMO_CLIENT_ID, "test-only-client-secret"
    ) as credential:
        return (await credential.get_token(GRAPH_SCOPE)).token


@asynccontextmanager
async def graph_http(sandbox: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    """Graph on the sandbox with the app's token, as the doctor's checks use it."""
    token = await app_token(sandbox)
    async with httpx.AsyncClient(
        base_url=sandbox.graph_url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ) as http:
        yield http


def doctor_environment(
    sandbox: SandboxServer, temporal: Client, payload_key: bytes, public_url: str, data_dir: Path
) -> dict[str, str]:
    """The environment of an `accord doctor` process against the sandbox and a dev server."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    return environment | {
        "ACCORD_SANDBOX_HOST": sandbox.host,
        "ACCORD_SANDBOX_PORT": str(sandbox.port),
        "ACCORD_TEMPORAL_ADDRESS": temporal.service_client.config.target_host,
        "ACCORD_TEMPORAL_NAMESPACE": temporal.namespace,
        "ACCORD_PAYLOAD_KEYS": json.dumps([base64.b64encode(payload_key).decode()]),
        "ACCORD_LINK_KEYS": json.dumps([LINK_KEY.decode()]),
        "ACCORD_PUBLIC_URL": public_url,
        "ACCORD_AGENT_MAILBOX": AGENT,
        "ACCORD_DATA_DIR": str(data_dir),
        "ACCORD_LOG_FORMAT": "json",
    }

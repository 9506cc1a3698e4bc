"""Shared fixtures: a real sandbox HTTP server per test and the real Graph SDK bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from msgraph import GraphServiceClient

from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID

DEMO_DOMAIN = "northwind.example"
MANAGER = f"maya.chen@{DEMO_DOMAIN}"
SAM = f"sam.okafor@{DEMO_DOMAIN}"
PRIYA = f"priya.raman@{DEMO_DOMAIN}"
LUKAS = f"lukas.weber@{DEMO_DOMAIN}"
AGENT = f"accord@{DEMO_DOMAIN}"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox with the demo tenant, served over real HTTP on a free port."""
    with SandboxServer(tmp_path / "sandbox") as server:
        yield server


@pytest.fixture
async def graph_credential(sandbox: SandboxServer) -> AsyncIterator[SandboxClientCredential]:
    """A client-credentials credential against the sandbox's token endpoint."""
    assert sandbox.state is not None
    async with SandboxClientCredential(
        sandbox.url, sandbox.state.tenant.tenant_id, DEMO_CLIENT_ID, "test-only-client-secret"
    ) as credential:
        yield credential


@pytest.fixture
def graph(sandbox: SandboxServer, graph_credential: SandboxClientCredential) -> GraphServiceClient:
    """The real msgraph-sdk client pointed at the sandbox."""
    return build_graph_client(GraphConnection(sandbox.graph_url, graph_credential))

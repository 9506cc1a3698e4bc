"""The API's Prometheus metrics: by route template and status, on a port of their own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import cast

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.runtime import Runtime

from accord.settings import AccordSettings
from accord.wiring import api as api_root
from domain.action_links import LinkKeyRing
from integrations.telemetry.runtime import MetricsSetupError
from sandbox.server import free_port
from tests.support.api import PUBLIC_URL, FakeDirectory
from tests.support.api_tokens import FakeEntra
from tests.support.people import MANAGER

TOKEN = "not-a-real-token-3f9a"


@pytest.fixture
def metrics_port() -> int:
    """A free port for this test's metrics endpoint."""
    return free_port()


@pytest.fixture
async def counted(entra: FakeEntra, metrics_port: int) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the API (no Temporal: only routes that never reach it) with metrics on."""
    settings = AccordSettings(public_url=PUBLIC_URL, api_metrics_port=metrics_port)
    runtime = api_root.api_runtime(settings)
    directory = FakeDirectory()
    app: FastAPI = api_root.build_app(
        settings,
        temporal=cast(Client, None),
        links=LinkKeyRing([b"k" * 32]),
        directory=directory,
        org=directory,
        validator=entra.validator(),
        metrics=runtime.metric_meter,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC_URL, headers=entra.headers(MANAGER)
    ) as client:
        yield client


def _scrape(port: int) -> str:
    return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text


def _samples(port: int, name: str) -> dict[tuple[str, str, str], float]:
    """Each sample of one metric by (route, method, status)."""
    text = _scrape(port)
    found = {}
    for labels, value in re.findall(rf"^{name}\{{(.*)\}} (\S+)$", text, re.MULTILINE):
        pairs = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        found[pairs["route"], pairs["method"], pairs["status"]] = float(value)
    return found


async def test_requests_are_counted_by_route_template_method_and_status(
    counted: httpx.AsyncClient, metrics_port: int
) -> None:
    await counted.get("/healthz")
    await counted.get(f"/a/{TOKEN}")
    await counted.get(f"/a/{TOKEN}x")
    await counted.get("/nowhere/at/all")
    await counted.post(
        "/commitments", content=b"[" * 30_000, headers={"content-type": "application/json"}
    )
    await counted.request("BREW", "/healthz")

    requests = _samples(metrics_port, "accord_api_requests_total")
    assert requests[("/a/{token}", "GET", "400")] == 2
    # An unknown path, and a body the limits refused before routing.
    assert requests[("unrouted", "GET", "404")] == 1
    assert requests[("unrouted", "POST", "400")] == 1
    assert ("/healthz", "OTHER", "405") in requests
    assert any(key[0] == "/healthz" and key[1] == "GET" for key in requests)
    durations = _samples(metrics_port, "accord_api_request_duration_seconds_count")
    assert durations[("/a/{token}", "GET", "400")] == 2
    text = _scrape(metrics_port)
    assert TOKEN not in text, "a URL's token never becomes a label"
    assert "nowhere" not in text


async def test_the_public_api_does_not_serve_the_metrics(counted: httpx.AsyncClient) -> None:
    response = await counted.get("/metrics")

    assert response.status_code == 404


def test_without_a_port_there_is_no_endpoint_and_a_taken_one_is_named() -> None:
    assert api_root.api_runtime(AccordSettings()) is Runtime.default()
    port = free_port()
    serving = api_root.api_runtime(AccordSettings(api_metrics_port=port))

    with pytest.raises(MetricsSetupError, match=f"ACCORD_API_METRICS_PORT.*:{port}"):
        api_root.api_runtime(AccordSettings(api_metrics_port=port))
    assert serving is not Runtime.default()

"""The worker's runtime serves Prometheus metrics only when a port is set."""

from __future__ import annotations

import socket

import httpx
import pytest
from temporalio.runtime import Runtime

from accord.settings import AccordSettings
from accord.wiring.telemetry import worker_runtime
from integrations.telemetry.metrics import count_message_sent
from integrations.telemetry.runtime import MetricsSetupError, build_runtime
from sandbox.server import free_port


def test_without_a_metrics_port_the_default_runtime_is_used() -> None:
    assert build_runtime(None) is Runtime.default()
    assert worker_runtime(AccordSettings()) is Runtime.default()


def test_with_a_port_accord_and_temporal_metrics_share_one_endpoint() -> None:
    port = free_port()
    runtime = worker_runtime(AccordSettings(worker_metrics_port=port))

    count_message_sent(runtime.metric_meter, channel="email", kind="expectation")

    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert "# TYPE accord_messages_sent_total counter" in text
    assert 'channel="email"' in text


def test_a_taken_metrics_port_is_named() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(MetricsSetupError, match=f"ACCORD_WORKER_METRICS_PORT.*:{port}"):
            worker_runtime(AccordSettings(worker_metrics_port=port))

"""Tracing is off unless asked for, and then goes through Temporal's interceptor."""

from __future__ import annotations

import uuid
from pathlib import Path

from msgraph.graph_service_client import GraphServiceClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.testing import WorkflowEnvironment

from accord.settings import AccordSettings
from accord.wiring.telemetry import worker_tracing
from integrations.telemetry.tracing import tracer_provider
from tests.support.lifecycle import commitment_input
from tests.support.polling import eventually
from worker import build_worker
from workflows.commitment.contracts import workflow_id_for
from workflows.commitment.workflow import CommitmentWorkflow


def test_tracing_is_off_by_default() -> None:
    with worker_tracing(AccordSettings()) as interceptors:
        assert interceptors == []


def test_when_on_workflows_and_activities_are_traced_through_the_interceptor() -> None:
    settings = AccordSettings(
        tracing_enabled=True, tracing_otlp_endpoint="http://127.0.0.1:9/v1/traces"
    )
    with worker_tracing(settings) as interceptors:
        [interceptor] = interceptors
        assert isinstance(interceptor, TracingInterceptor)


def test_spans_name_the_service() -> None:
    provider = tracer_provider("accord-worker-eu")
    try:
        assert provider.resource.attributes["service.name"] == "accord-worker-eu"
    finally:
        provider.shutdown()


async def test_commitment_workflows_and_their_activities_are_traced(
    temporal_env: WorkflowEnvironment,
    graph: GraphServiceClient,
    task_queue: str,
    tmp_path: Path,
) -> None:
    exporter = InMemorySpanExporter()
    settings = AccordSettings(
        data_dir=tmp_path, temporal_task_queue=task_queue, tracing_enabled=True
    )
    with worker_tracing(settings, exporter) as interceptors:
        config = temporal_env.client.config()
        config["interceptors"] = interceptors
        client = Client(**config)
        async with await build_worker(settings, client, graph):
            handle = await client.start_workflow(
                CommitmentWorkflow.run,
                commitment_input("traced"),
                id=workflow_id_for(f"traced-{uuid.uuid4().hex[:8]}"),
                task_queue=task_queue,
            )

            async def an_activity_completed() -> bool:
                history = await handle.fetch_history()
                return any(
                    event.HasField("activity_task_completed_event_attributes")
                    for event in history.events
                )

            await eventually(an_activity_completed, timeout=30)
            await handle.terminate("test over")
    # Leaving the block flushed the spans to the exporter.
    names = [span.name for span in exporter.get_finished_spans()]
    assert any(name.startswith("StartWorkflow:") for name in names), names
    assert any(name.startswith("RunWorkflow:") for name in names), names
    assert any(name.startswith("RunActivity:") for name in names), names

"""Tracing is off unless asked for, and then goes through Temporal's interceptor."""

from __future__ import annotations

from temporalio.contrib.opentelemetry import TracingInterceptor

from accord.settings import AccordSettings
from integrations.telemetry.tracing import tracer_provider, tracing_interceptors


def test_tracing_is_off_by_default() -> None:
    with tracing_interceptors(AccordSettings()) as interceptors:
        assert interceptors == []


def test_when_on_workflows_and_activities_are_traced_through_the_interceptor() -> None:
    settings = AccordSettings(
        tracing_enabled=True, tracing_otlp_endpoint="http://127.0.0.1:9/v1/traces"
    )
    with tracing_interceptors(settings) as interceptors:
        [interceptor] = interceptors
        assert isinstance(interceptor, TracingInterceptor)


def test_spans_name_the_service() -> None:
    provider = tracer_provider(AccordSettings(tracing_service_name="accord-worker-eu"))
    try:
        assert provider.resource.attributes["service.name"] == "accord-worker-eu"
    finally:
        provider.shutdown()

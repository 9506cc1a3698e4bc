"""Accord's metrics: recorded through Temporal's meters, with bounded labels."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest
from kiota_abstractions.api_error import APIError
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.runtime import MetricBuffer, Runtime, TelemetryConfig
from temporalio.testing import ActivityEnvironment

from integrations.graph.errors import graph_errors
from integrations.telemetry.metrics import (
    GRAPH_ERRORS,
    GRAPH_THROTTLED,
    MESSAGES_SENT,
    STATUS_TRANSITIONS,
    count_message_sent,
    count_status_transition,
)


def _buffered() -> tuple[Runtime, MetricBuffer]:
    buffer = MetricBuffer(1000)
    return Runtime(telemetry=TelemetryConfig(metrics=buffer)), buffer


# The runtime adds its own attributes (service name, task queue); these are Accord's.
_ACCORD_LABELS = ("channel", "kind", "from", "to", "status")


def _labels(attributes: Mapping[str, object]) -> dict[str, object]:
    return {key: value for key, value in attributes.items() if key in _ACCORD_LABELS}


def _updates(buffer: MetricBuffer, name: str) -> list[tuple[int | float, dict[str, object]]]:
    return [
        (update.value, _labels(update.attributes))
        for update in buffer.retrieve_updates()
        if update.metric.name == name
    ]


def _graph_error(status: int) -> APIError:
    error = APIError()
    error.response_status_code = status
    return error


def test_a_message_is_counted_by_channel_and_kind() -> None:
    runtime, buffer = _buffered()

    count_message_sent(runtime.metric_meter, channel="teams", kind="check_in")

    assert _updates(buffer, MESSAGES_SENT) == [(1, {"channel": "teams", "kind": "check_in"})]


def test_a_transition_is_counted_by_its_two_statuses() -> None:
    runtime, buffer = _buffered()

    count_status_transition(runtime.metric_meter, source="active", target="done")

    assert _updates(buffer, STATUS_TRANSITIONS) == [(1, {"from": "active", "to": "done"})]


@pytest.mark.parametrize(("status", "throttled"), [(429, True), (503, False), (404, False)])
async def test_graph_failures_inside_an_activity_are_counted_by_status(
    status: int, throttled: bool
) -> None:
    runtime, buffer = _buffered()
    environment = ActivityEnvironment()
    environment.metric_meter = runtime.metric_meter

    @activity.defn
    async def call_graph() -> None:
        with graph_errors():
            raise _graph_error(status)

    with pytest.raises(ApplicationError):
        await environment.run(call_graph)

    updates = buffer.retrieve_updates()
    errors = [_labels(u.attributes) for u in updates if u.metric.name == GRAPH_ERRORS]
    throttles = [u.value for u in updates if u.metric.name == GRAPH_THROTTLED]
    assert errors == [{"status": str(status)}]
    assert throttles == ([1] if throttled else [])


def test_graph_failures_outside_an_activity_are_translated_without_counting() -> None:
    # The API calls Graph outside any activity: there is no meter, and nothing breaks.
    with pytest.raises(ApplicationError), graph_errors():
        raise _graph_error(429)
    with pytest.raises(ApplicationError), graph_errors():
        raise httpx.ConnectError("refused")

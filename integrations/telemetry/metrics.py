"""Accord's own metrics, recorded through Temporal's metric meters.

Activities record through ``activity.metric_meter()`` and the workflow through
``workflow.metric_meter()`` (which records nothing while a history replays), so Accord's numbers
leave the worker through the same runtime, and the same ``/metrics`` endpoint, as the SDK's.
Every function takes the meter rather than finding one, so the workflow can call them with its
replay-safe meter; :func:`activity_meter` finds the meter of the running activity, if any.

Labels stay few and bounded (a channel, a message kind, a status, an HTTP status): nothing
that names a person or a commitment becomes a label.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.common import MetricMeter

MESSAGES_SENT = "accord_messages_sent"
INVITATIONS_SENT = "accord_invitations_sent"
STATUS_TRANSITIONS = "accord_status_transitions"
GRAPH_ERRORS = "accord_graph_errors"
GRAPH_THROTTLED = "accord_graph_throttled"
# The API's (api/metrics.py): requests by route template, method and status, and their time.
API_REQUESTS = "accord_api_requests"
API_REQUEST_DURATION = "accord_api_request_duration_seconds"
ACCORD_METRICS = (
    MESSAGES_SENT,
    INVITATIONS_SENT,
    STATUS_TRANSITIONS,
    GRAPH_ERRORS,
    GRAPH_THROTTLED,
    API_REQUESTS,
    API_REQUEST_DURATION,
)
"""Every metric Accord defines (Prometheus adds ``_total`` to each counter's name)."""

EMAIL = "email"


def activity_meter() -> MetricMeter | None:
    """Return the running activity's metric meter, or ``None`` outside an activity.

    The API calls Graph too, outside any activity; its errors are not counted here.
    """
    return activity.metric_meter() if activity.in_activity() else None


def count_message_sent(meter: MetricMeter, *, channel: str, kind: str) -> None:
    """Count one message delivered to a person.

    Args:
        meter: the activity's meter.
        channel: how it went: ``"email"``, or ``"teams"`` for a Teams message.
        kind: the message kind (``expectation``, ``check_in``, ...).
    """
    meter.create_counter(
        MESSAGES_SENT, "Messages delivered to people, by channel and kind", "1"
    ).add(1, {"channel": channel, "kind": kind})


def count_invitation_sent(meter: MetricMeter, *, kind: str) -> None:
    """Count one meeting invitation put on two calendars.

    Args:
        meter: the activity's meter.
        kind: the kind of meeting (``conversation_agenda``, ``clarification_invite``).
    """
    meter.create_counter(INVITATIONS_SENT, "Meeting invitations sent, by kind", "1").add(
        1, {"kind": kind}
    )


def count_status_transition(meter: MetricMeter, *, source: str, target: str) -> None:
    """Count one commitment moving from one status to another.

    Args:
        meter: the workflow's meter (``workflow.metric_meter()``: silent during replay).
        source: the status it leaves.
        target: the status it enters.
    """
    meter.create_counter(
        STATUS_TRANSITIONS, "Commitment status transitions, by source and target status", "1"
    ).add(1, {"from": source, "to": target})


def count_graph_error(meter: MetricMeter, *, status: int | None) -> None:
    """Count one Graph request that failed with an HTTP status (429s also as throttling).

    Args:
        meter: the activity's meter.
        status: Graph's HTTP status, ``None`` when the SDK failed before any answer.
    """
    label = str(status) if status is not None else "none"
    meter.create_counter(GRAPH_ERRORS, "Graph requests that failed, by HTTP status", "1").add(
        1, {"status": label}
    )
    if status == 429:
        meter.create_counter(GRAPH_THROTTLED, "Graph requests answered 429 (throttled)", "1").add(1)

"""Counting what a workflow cost Temporal, from its real history.

The counts feed two things: the bare baseline (the same number of timers, updates and
activities) and the projection's Temporal actions per lifecycle. Actions follow Temporal
Cloud's billing: the start, every activity attempt, every timer, signal, update, search
attribute upsert and marker, and a continue-as-new; workflow tasks are counted but not billed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHandle

_COUNTED = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: "workflow_tasks",
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: "activities",
    EventType.EVENT_TYPE_TIMER_STARTED: "timers",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: "updates",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: "signals",
    EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: "search_attribute_upserts",
    EventType.EVENT_TYPE_MARKER_RECORDED: "markers",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "continued_as_new",
    EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: "child_workflows",
}
_BILLED = (
    "activity_attempts",
    "timers",
    "updates",
    "signals",
    "search_attribute_upserts",
    "markers",
    "continued_as_new",
    "child_workflows",
)


def count_events(events: Iterable[HistoryEvent]) -> Counter[str]:
    """Count one history's events by what they cost.

    Args:
        events: the history's events, in order.

    Returns:
        Counts of workflow tasks, activities (scheduled and attempts), timers, updates,
        signals, upserts, markers and continue-as-new, the total of events, and ``actions``.
    """
    counts: Counter[str] = Counter()
    for event in events:
        counts["events"] += 1
        name = _COUNTED.get(event.event_type)
        if name is not None:
            counts[name] += 1
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            counts["activity_attempts"] += event.activity_task_started_event_attributes.attempt
    counts["actions"] = 1 + sum(counts[name] for name in _BILLED)
    return counts


async def history_counts(handle: WorkflowHandle[Any, Any]) -> Counter[str]:
    """Fetch a workflow's history and count it (see :func:`count_events`)."""
    return count_events([event async for event in handle.fetch_history_events()])


def mean_counts(all_counts: list[Counter[str]]) -> dict[str, float]:
    """Average several histories' counts, key by key."""
    if not all_counts:
        return {}
    keys = sorted({key for counts in all_counts for key in counts})
    return {key: round(sum(c[key] for c in all_counts) / len(all_counts), 2) for key in keys}

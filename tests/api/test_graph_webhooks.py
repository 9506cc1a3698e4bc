"""What every Graph webhook does the same way: sorting a batch and lifecycle fields."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from api.graph_webhooks import lifecycle_fields, sort_notifications

STATES = ("current-secret", "older-secret")


class _Event(StrEnum):
    MISSED = "missed"


def _id(item: dict[str, Any], target: str) -> str | None:
    value = item.get("id")
    return f"{target}:{value}" if isinstance(value, str) else None


def test_a_batch_is_split_into_notices_rejected_and_malformed() -> None:
    items: list[Any] = [
        {"clientState": "older-secret", "id": "a"},
        {"clientState": "wrong", "id": "b"},
        {"clientState": "current-secret"},
        "not an object",
    ]
    assert sort_notifications(items, STATES, "box", _id) == (["box:a"], 1, 2)


def test_without_a_watched_target_every_object_is_rejected() -> None:
    items: list[Any] = [{"clientState": "current-secret", "id": "a"}, 3]
    assert sort_notifications(items, STATES, None, _id) == ([], 1, 1)


def test_lifecycle_fields_need_a_known_event_and_a_subscription_id() -> None:
    assert lifecycle_fields({"lifecycleEvent": "missed", "subscriptionId": "s"}, _Event) == (
        _Event.MISSED,
        "s",
    )
    assert lifecycle_fields({"lifecycleEvent": ["missed"], "subscriptionId": "s"}, _Event) is None
    assert lifecycle_fields({"lifecycleEvent": "other", "subscriptionId": "s"}, _Event) is None
    assert lifecycle_fields({"lifecycleEvent": "missed", "subscriptionId": 1}, _Event) is None

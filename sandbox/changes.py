"""A small in-process hub that tells interested parts (subscriptions, the web page) of writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

ChangeType = Literal["created", "updated", "deleted"]


@dataclass(frozen=True)
class ResourceChange:
    """One write to a user's mail or calendar.

    Attributes:
        user_id: whose mailbox changed.
        collection: ``messages`` or ``events``.
        doc_id: the item's id.
        change_type: created, updated or deleted.
        folder_id: for messages, the folder the item is in.
    """

    user_id: str
    collection: str
    doc_id: str
    change_type: ChangeType
    folder_id: str | None = None


Listener = Callable[[ResourceChange], None]


class ChangeHub:
    """Fans each change out to listeners; a listener must not block."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        """Call ``listener`` for every later change."""
        self._listeners.append(listener)

    def publish(self, change: ResourceChange) -> None:
        """Tell every listener of a change."""
        for listener in self._listeners:
            listener(change)

"""What a decision asks the world to do, as plain records, and the decision itself.

The workflow carries effects out in order: messages go to the reader's courier, a change of
status is counted and indexed (and a meeting of the status left behind is set aside for
cancelling), and ``Replan`` wakes the main loop to plan its next wait (check-in, deadline,
meeting) from the new state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.action_links import LinkAction
from domain.lifecycle.state import CommitmentState
from domain.messages.kinds import MessageKind
from domain.models import Actor, CommitmentStatus


@dataclass(frozen=True)
class SendMessage:
    """Queue a message for one person; ``valid_in``: the statuses in which it still makes sense."""

    kind: MessageKind
    role: Actor
    details: dict[str, Any] = field(default_factory=dict)
    actions: dict[str, LinkAction] = field(default_factory=dict)
    valid_in: frozenset[CommitmentStatus] | None = None


@dataclass(frozen=True)
class StatusChanged:
    """The status moved: count it, index it, set aside a meeting of the status left."""

    source: CommitmentStatus
    target: CommitmentStatus


@dataclass(frozen=True)
class NoteForWaitingHeadsUp:
    """A heads-up still waiting for the manager's working hours carries the owner's note."""

    note: str | None


@dataclass(frozen=True)
class Replan:
    """Something a person changed moves the next check-in, deadline or meeting."""


Effect = SendMessage | StatusChanged | NoteForWaitingHeadsUp | Replan


@dataclass(frozen=True)
class Decision:
    """The action applies: the new state, and what to do about it, in order."""

    state: CommitmentState
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class Rejection:
    """The action does not apply, and nothing changes; ``reason`` is shown to the person.

    ``problem`` is a short machine-readable type (``not-yours``, ``wrong-status``,
    ``invalid-input``, ``already-answered``, ``nothing-to-agree``). ``leaves`` is set only
    under :data:`~domain.lifecycle.rules.LEGACY_RULES`: the state the code before this core
    left behind when it refused (it changed some state first), which a replay of those runs
    must reproduce.
    """

    reason: str
    problem: str
    leaves: CommitmentState | None = None


Outcome = Decision | Rejection

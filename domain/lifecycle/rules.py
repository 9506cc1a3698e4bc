"""The shared rules of the lifecycle: who is acting, what each status permits, and a draft.

Each action family (:mod:`~domain.lifecycle.agreeing`, :mod:`~domain.lifecycle.checking_in`,
:mod:`~domain.lifecycle.revising`, :mod:`~domain.lifecycle.closing`) changes a
:class:`Draft` (a copy of the state plus the effects so far) or raises :class:`Refusal`;
:func:`domain.lifecycle.decide` turns either into its outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from domain.lifecycle.effects import Effect, Replan, StatusChanged
from domain.lifecycle.state import CommitmentState
from domain.lifecycle.transitions import (
    ALLOWED_TRANSITIONS,
    LEGACY_TRANSITIONS,
    can_transition,
)
from domain.models import Actor, CommitmentStatus, require_due_in_future


@dataclass(frozen=True)
class Rules:
    """Which generation of the rules applies.

    Only a replay of a run that started before the core chooses :data:`LEGACY_RULES`: they
    reproduce the old behaviour exactly, its faults included, so that the replay matches.
    """

    transitions: Mapping[CommitmentStatus, frozenset[CommitmentStatus]] = field(
        default_factory=lambda: ALLOWED_TRANSITIONS
    )
    agreeing_keeps_status: bool = True
    """Revising in a status that stays (an active commitment's new date) is allowed."""
    one_answer_per_check_in: bool = True
    """A check-in link answers once; a note joins its own check-in; older links are stale."""


CURRENT_RULES = Rules()
LEGACY_RULES = Rules(
    transitions=LEGACY_TRANSITIONS, agreeing_keeps_status=False, one_answer_per_check_in=False
)


class Refusal(Exception):  # noqa: N818 - a refusal is an outcome, not an error of the program
    """An action does not apply; carries what :class:`~domain.lifecycle.effects.Rejection` says."""

    def __init__(self, reason: str, problem: str, leaves: CommitmentState | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problem = problem
        self.leaves = leaves


@dataclass
class Draft:
    """The state being changed by one decision, with the effects it has produced so far."""

    state: CommitmentState
    role: Actor | None
    now: datetime
    rules: Rules
    action_id: str | None = None
    effects: list[Effect] = field(default_factory=list)

    def record(self, kind: str, detail: str = "", *, actor: Actor | None = None) -> None:
        """Add a history entry (by the acting role unless told) under the action's id."""
        self.state.record(
            self.now, actor or self.role or Actor.SYSTEM, kind, detail, self.action_id
        )

    def move_to(
        self,
        target: CommitmentStatus,
        kind: str,
        *,
        actor: Actor | None = None,
        detail: str = "",
    ) -> None:
        """Change the status (or keep it, where the rules allow), record it and replan."""
        source = self.state.status
        if target is source and self.rules.agreeing_keeps_status:
            self.record(kind, detail, actor=actor)
            self.effects.append(Replan())
            return
        if not can_transition(source, target, self.rules.transitions):
            # Only reachable under the legacy rules, which refused after changing state.
            leaves = self.state if self.rules is not CURRENT_RULES else None
            raise Refusal(
                f"A commitment that is {source.value} cannot become {target.value}.",
                "wrong-status",
                leaves,
            )
        self.effects.append(StatusChanged(source, target))
        self.state.status = target
        self.record(kind, detail, actor=actor)
        self.effects.append(Replan())


def role_of(state: CommitmentState, actor: str) -> Actor | None:
    """Return the role of the acting person in this commitment, or None for anyone else.

    Args:
        state: the commitment's state.
        actor: the acting person's email address (or ``Actor.SYSTEM`` for Accord itself).

    Returns:
        ``Actor.OWNER``, ``Actor.MANAGER``, ``Actor.SYSTEM``, or None.
    """
    if actor == Actor.SYSTEM:
        return Actor.SYSTEM
    lowered = actor.strip().lower()
    if lowered == state.spec.owner.email:
        return Actor.OWNER
    if lowered == state.spec.manager.email:
        return Actor.MANAGER
    return None


def require_role(draft: Draft, *roles: Actor) -> None:
    """Refuse unless the actor holds one of ``roles``."""
    if draft.role in roles:
        return
    if draft.role is None or len(roles) > 1:
        raise Refusal(
            "Only the owner or the manager of this commitment can act on it.", "not-yours"
        )
    raise Refusal(f"Only the commitment's {roles[0].value} can do this.", "not-yours")


def require_status(draft: Draft, *allowed: CommitmentStatus) -> None:
    """Refuse unless the commitment is in one of ``allowed``."""
    status = draft.state.status
    if status.is_closed:
        raise Refusal(f"This commitment is already {status.value}.", "wrong-status")
    if status not in allowed:
        raise Refusal(
            f"This commitment is {status.value.replace('_', ' ')} now, so nothing was changed.",
            "wrong-status",
        )


def require_open(draft: Draft) -> None:
    """Refuse once the commitment has ended."""
    if draft.state.status.is_closed:
        raise Refusal(f"This commitment is already {draft.state.status.value}.", "wrong-status")


def require_future(due: datetime, now: datetime) -> None:
    """Refuse a due date without a time zone, or not after ``now``."""
    if due.tzinfo is None:
        raise Refusal("The due date needs a time zone offset.", "invalid-input")
    try:
        require_due_in_future(due, now)
    except ValueError:
        raise Refusal("The due date must be in the future.", "invalid-input") from None

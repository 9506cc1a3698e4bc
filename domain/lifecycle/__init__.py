"""The commitment lifecycle as a pure core: every rule of who may do what, and when.

:func:`decide` takes a commitment's state, an action (:mod:`~domain.lifecycle.actions`), who
acts and the time, and returns a :class:`Decision` (the new state and its effects: messages
to queue, status changes, replanning) or a :class:`Rejection` with the reason a person reads.
It does no I/O and reads no clock; the commitment workflow is the shell that carries its
decisions out (docs/decisions.md, decision 35; docs/architecture.md, step 3).
"""

from __future__ import annotations

from domain.lifecycle.decide import decide
from domain.lifecycle.effects import (
    Decision,
    Effect,
    NoteForWaitingHeadsUp,
    Outcome,
    Rejection,
    Replan,
    SendMessage,
    StatusChanged,
)
from domain.lifecycle.rules import CURRENT_RULES, LEGACY_RULES, Rules
from domain.lifecycle.state import CommitmentState, MeetingRecord
from domain.lifecycle.transitions import ALLOWED_TRANSITIONS, CLOSED, OPEN, can_transition

__all__ = [
    "ALLOWED_TRANSITIONS",
    "CLOSED",
    "CURRENT_RULES",
    "LEGACY_RULES",
    "OPEN",
    "CommitmentState",
    "Decision",
    "Effect",
    "MeetingRecord",
    "NoteForWaitingHeadsUp",
    "Outcome",
    "Rejection",
    "Replan",
    "Rules",
    "SendMessage",
    "StatusChanged",
    "can_transition",
    "decide",
]

"""The commitment workflow's state: one object, changed in place and carried as it is.

The record itself lives with the lifecycle's core (:mod:`domain.lifecycle.state`), which
decides every change to it; it is named here too so that the workflow's parts (couriers,
meetings, contracts) keep one import for it.
"""

from __future__ import annotations

from domain.lifecycle.state import CommitmentState, MeetingRecord

__all__ = ["CommitmentState", "MeetingRecord"]

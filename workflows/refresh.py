"""Asking a long-lived workflow to write its history afresh: the ``refresh_history`` signal.

A workflow's history keeps every payload it was ever given, encrypted with the key that was
current at the time, for as long as the run lives. To retire a payload key early (it leaked),
an operator signals every running workflow of Accord; each continues as new at its next safe
point, carrying its state into a new run whose history the workers write with the newest
key. ``accord keys reencrypt`` sends the signal; docs/security.md has the whole procedure.

Each passes its memo on to the new run itself: left to the server, a continue-as-new copies
the memo's payloads as they are, still encrypted with the key they were first written with.

A signal, not an update: the answer the operator needs is which runs are still old, and
visibility tells that (the old run closes as continued-as-new). A second signal to the same
run changes nothing; a signal to a run that already continued is refused by Temporal.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

REFRESH_SIGNAL = "refresh_history"


class RefreshRequest(BaseModel):
    """An operator asks a workflow to continue as new, so its history is written afresh."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str = Field(
        default="payload key rotation",
        min_length=1,
        max_length=200,
        description="Why, for the operator's record; it never reaches a person.",
    )

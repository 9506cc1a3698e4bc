"""What the weekly digest's schedules and workflows exchange.

A Temporal Schedule per manager (``digest-<manager>``) starts :data:`TRIGGER_WORKFLOW`, which
starts :data:`DIGEST_WORKFLOW` under an id naming the manager and the ISO week. Temporal
refuses a second workflow with that id, so a manager gets one digest per week however often
the schedule fires (a changed day, a retried start); the mail's idempotency key does the
same for the send itself. The activities' inputs are in ``activities.digest.contracts``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.models import UtcDatetime
from domain.reliability import DEFAULT_WEEKS
from domain.timezones import ZoneName

TRIGGER_WORKFLOW = "DigestTriggerWorkflow"
DIGEST_WORKFLOW = "DigestWorkflow"
SCHEDULE_ID_PREFIX = "digest-"
ENROLMENT_WORKFLOW = "DigestEnrolmentWorkflow"
ENROLMENT_SCHEDULE_ID = "digest-enrolment"


def schedule_id_for(manager: str) -> str:
    """Return the id of a manager's digest schedule (one per manager)."""
    return f"{SCHEDULE_ID_PREFIX}{manager.lower()}"


def trigger_id_for(manager: str) -> str:
    """Return the workflow id the schedule starts under (Temporal appends the fire time)."""
    return f"digest-trigger-{manager.lower()}"


def digest_id_for(manager: str, week: str) -> str:
    """Return the id of a manager's digest for an ISO week (e.g. ``2026-W48``)."""
    return f"digest-{manager.lower()}-{week}"


def idempotency_key_for(manager: str, week: str) -> str:
    """Return the idempotency key of a manager's digest mail for an ISO week."""
    return f"digest:{manager.lower()}:{week}"


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DigestTrigger(_Contract):
    """The schedule's input: whose digest, and the zone their week is counted in."""

    manager: str = Field(min_length=3)
    time_zone: ZoneName


class DigestRun(_Contract):
    """One week's digest for one manager."""

    manager: str = Field(min_length=3)
    time_zone: ZoneName
    week: str = Field(pattern=r"^\d{4}-W\d{2}$")
    weeks_shown: int = Field(default=DEFAULT_WEEKS, ge=1, le=26)
    hold_until: UtcDatetime | None = Field(
        default=None,
        description="Set when a run continues as new: when the digest is skipped if the "
        "manager is still away (unset: the first run's start plus the hold limit).",
    )


class DigestResult(StrEnum):
    """What became of a week's digest."""

    STARTED = "started"
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NOTHING_TO_REPORT = "nothing_to_report"
    SKIPPED_AWAY = "skipped_away"
    ALREADY_THIS_WEEK = "already_this_week"


class DigestOutcome(_Contract):
    """The result of a digest (or trigger) run."""

    result: DigestResult
    week: str

"""What the digest workflows exchange with the digest activities: gather, send, enrol.

Workflows import this module through ``workflow.unsafe.imports_passed_through()``; it holds
no I/O.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.digest import TeamDigest
from domain.models import UtcDatetime
from domain.reliability import DEFAULT_WEEKS
from domain.timezones import ZoneName

GATHER_DIGEST = "gather_digest"
"""Gather a manager's figures: :class:`DigestRequest` to ``TeamDigest``."""
SEND_DIGEST = "send_digest"
"""Send a digest exactly once: :class:`DigestDelivery` to :class:`DigestSent`."""
ENROL_DIGEST_MANAGERS = "enrol_digest_managers"
"""Give managers a digest schedule: :class:`DigestEnrolment` to :class:`DigestEnrolled`."""


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DigestRequest(_Contract):
    """Gather the figures of a manager's reports as they stand at ``now``."""

    manager: str = Field(min_length=3)
    time_zone: ZoneName
    now: UtcDatetime
    weeks_shown: int = Field(default=DEFAULT_WEEKS, ge=1, le=26)


class DigestDelivery(_Contract):
    """Send a digest to its manager, exactly once per ``idempotency_key``."""

    idempotency_key: str = Field(min_length=8, max_length=200)
    digest: TeamDigest


class DigestSent(_Contract):
    """What became of a :class:`DigestDelivery`."""

    idempotency_key: str
    recipient: str
    already_sent: bool


class DigestEnrolment(_Contract):
    """Give every manager with an open commitment a digest schedule, if they lack one."""

    limit: int = Field(default=1000, ge=1, le=10000)


class DigestEnrolled(_Contract):
    """How many managers got a new schedule, of how many seen."""

    managers_seen: int
    schedules_created: int

"""What workflows exchange with the directory activities: a person's time.

Workflows import this module through ``workflow.unsafe.imports_passed_through()``; it holds
no I/O.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

GET_PERSON_SCHEDULE = "get_person_schedule"
"""Read a person's zone, hours and absence: :class:`ScheduleLookup` to ``PersonSchedule``."""


class ScheduleLookup(BaseModel):
    """Whose working hours, time zone and out-of-office to read (from mailboxSettings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: str

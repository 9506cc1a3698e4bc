"""``/people/me/digest``: a manager turns their weekly digest on or off, or moves its day and time.

The day and time are read in the manager's own zone (from their mailbox settings) and must
fall inside their working hours, so the digest never arrives outside them. Until a manager
has a schedule (enrolment creates one with their first commitment), GET shows the defaults
it would get, with ``scheduled: false``.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.auth import AUTH_RESPONSES, PrincipalDep
from api.dependencies import ClockDep
from api.digest_services import DigestServicesDep, only_query_parameters
from api.problems import PROBLEM_RESPONSES, FieldError, field_errors, problem_doc
from domain.digest import DigestTiming, default_timing, fits_working_hours, next_occurrence
from domain.working_time import PersonSchedule, Weekday

router = APIRouter(
    prefix="/people/me/digest",
    tags=["digest"],
    dependencies=[Depends(only_query_parameters())],
)

_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
_RESPONSES = {
    **AUTH_RESPONSES,
    **problem_doc(413, "The body is larger than the API accepts."),
    **problem_doc(503, "The mailbox settings or schedules cannot be read right now."),
}


class DigestSettings(BaseModel):
    """When the signed-in manager's weekly digest goes out."""

    enabled: bool = Field(description="Whether the digest is sent.")
    day: Weekday = Field(description="The weekday, in the manager's zone.")
    time: str = Field(description="`HH:MM`, in the manager's zone.", examples=["09:00"])
    time_zone: str = Field(description="The manager's zone (IANA), from their mailbox.")
    scheduled: bool = Field(
        description="False until a schedule exists: the values are then the defaults it would get."
    )
    next_send: datetime | None = Field(
        description="When the next digest is due (unset while it is off); delivery still "
        "waits if the manager is out of office."
    )


class DigestSettingsUpdate(BaseModel):
    """Turn the digest on or off, and optionally move it."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(description="Whether the digest is sent.")
    day: Weekday | None = Field(default=None, description="Unset: keep the current day.")
    time: Annotated[str | None, Field(pattern=_TIME_PATTERN)] = Field(
        default=None, description="`HH:MM` in the manager's zone. Unset: keep the current time."
    )


def _settings(
    timing: DigestTiming, *, enabled: bool, zone: str, scheduled: bool, now: datetime
) -> DigestSettings:
    return DigestSettings(
        enabled=enabled,
        day=timing.day,
        time=f"{timing.at:%H:%M}",
        time_zone=zone,
        scheduled=scheduled,
        next_send=next_occurrence(timing, now, zone) if enabled else None,
    )


def _hours(schedule: PersonSchedule) -> str:
    hours = schedule.working_hours
    days = ", ".join(day.title() for day in hours.days_of_week)
    return f"{days}, {hours.start_time:%H:%M}-{hours.end_time:%H:%M} ({hours.time_zone})"


@router.get("", response_model=DigestSettings, responses=_RESPONSES)
async def read_digest_settings(
    principal: PrincipalDep, services: DigestServicesDep, clock: ClockDep
) -> DigestSettings:
    """Show when the signed-in manager's digest goes out, and whether it is on."""
    now = clock()
    current = await services.schedules.read(principal.email)
    if current is not None:
        return _settings(
            current.timing,
            enabled=current.enabled,
            zone=current.time_zone,
            scheduled=True,
            now=now,
        )
    mailbox = await services.mailboxes.schedule_of(principal.email)
    return _settings(
        default_timing(mailbox, now), enabled=True, zone=mailbox.time_zone, scheduled=False, now=now
    )


@router.put(
    "",
    response_model=DigestSettings,
    responses={
        **_RESPONSES,
        **PROBLEM_RESPONSES,
        **problem_doc(400, "The body cannot be read as JSON."),
    },
)
async def change_digest_settings(
    update: Annotated[DigestSettingsUpdate, Body()],
    principal: PrincipalDep,
    services: DigestServicesDep,
    clock: ClockDep,
) -> DigestSettings:
    """Turn the digest on or off, or move it to another day or time inside working hours."""
    now = clock()
    mailbox = await services.mailboxes.schedule_of(principal.email)
    current = await services.schedules.read(principal.email)
    base = current.timing if current is not None else default_timing(mailbox, now)
    timing = DigestTiming(
        day=update.day or base.day,
        at=time.fromisoformat(update.time) if update.time else base.at,
    )
    if not fits_working_hours(timing, mailbox, now):
        field = "time" if update.time else "day"
        raise field_errors(
            FieldError(
                field=field,
                location="body",
                message=f"{timing.day.title()} {timing.at:%H:%M} is outside your working "
                f"hours ({_hours(mailbox)})",
                type="outside_working_hours",
            )
        )
    saved = await services.schedules.save(
        principal.email, timing=timing, time_zone=mailbox.time_zone, enabled=update.enabled
    )
    return _settings(
        saved.timing, enabled=saved.enabled, zone=saved.time_zone, scheduled=True, now=now
    )

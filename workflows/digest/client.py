"""Managers' digest schedules: one Temporal Schedule per manager, created and changed idempotently.

The schedule is the only record of a manager's choice: its calendar spec holds the weekday
and time (in the manager's zone, so a 09:00 digest stays at 09:00 across daylight-saving
changes) and its paused state says whether the digest is off. Turning the digest off pauses
the schedule rather than deleting it, so the choice survives and enrolment does not turn it
back on.
"""

from __future__ import annotations

from datetime import time, timedelta

import structlog
from pydantic import BaseModel, ConfigDict
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from domain.digest import DigestTiming
from domain.timezones import zone_key
from domain.working_time import WEEKDAYS, Weekday
from workflows.digest.contracts import (
    ENROLMENT_SCHEDULE_ID,
    ENROLMENT_WORKFLOW,
    TRIGGER_WORKFLOW,
    DigestTrigger,
    schedule_id_for,
    trigger_id_for,
)
from workflows.schedules import ensure_schedule, interval_schedule

CATCHUP_WINDOW = timedelta(days=1)
"""A digest missed while Temporal was down is caught up within a day, never weeks later."""
TRIGGER_TIMEOUT = timedelta(minutes=10)
JITTER = timedelta(minutes=10)
"""Managers who keep the default all fire at Monday 09:00; a spread of a few minutes keeps
their digests under Exchange's 30 messages a minute per sending mailbox. A digest pushed past
the end of working hours waits for the next working morning, like any other."""
ENROLMENT_INTERVAL = timedelta(hours=1)
"""How soon a manager's first commitment gives them a digest schedule."""

log = structlog.get_logger("accord.temporal.schedules")


class DigestScheduleState(BaseModel):
    """A manager's digest schedule as it stands."""

    model_config = ConfigDict(frozen=True)

    manager: str
    enabled: bool
    timing: DigestTiming
    time_zone: str


def _temporal_weekday(day: Weekday) -> int:
    # Temporal counts weekdays from Sunday (0); Accord's list starts on Monday.
    return (WEEKDAYS.index(day) + 1) % 7


def _weekday_of(number: int) -> Weekday:
    return WEEKDAYS[(number - 1) % 7]


def digest_schedule(
    manager: str, *, timing: DigestTiming, time_zone: str, enabled: bool, task_queue: str
) -> Schedule:
    """Describe a manager's digest schedule.

    Args:
        manager: the manager's address.
        timing: the weekday and time, in ``time_zone``.
        time_zone: the manager's zone (IANA or Windows name).
        enabled: False to keep the schedule paused.
        task_queue: where the workers listen.

    Returns:
        The schedule.
    """
    zone = zone_key(time_zone)
    return Schedule(
        action=ScheduleActionStartWorkflow(
            TRIGGER_WORKFLOW,
            DigestTrigger(manager=manager.lower(), time_zone=zone),
            id=trigger_id_for(manager),
            task_queue=task_queue,
            execution_timeout=TRIGGER_TIMEOUT,
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    day_of_week=[ScheduleRange(_temporal_weekday(timing.day))],
                    hour=[ScheduleRange(timing.at.hour)],
                    minute=[ScheduleRange(timing.at.minute)],
                    comment="Accord's weekly digest",
                )
            ],
            time_zone_name=zone,
            jitter=JITTER,
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=CATCHUP_WINDOW),
        state=ScheduleState(paused=not enabled, note="off" if not enabled else None),
    )


def _state_of(manager: str, schedule: Schedule) -> DigestScheduleState:
    calendar = schedule.spec.calendars[0]
    return DigestScheduleState(
        manager=manager.lower(),
        enabled=not schedule.state.paused,
        timing=DigestTiming(
            day=_weekday_of(calendar.day_of_week[0].start),
            at=time(calendar.hour[0].start, calendar.minute[0].start),
        ),
        time_zone=schedule.spec.time_zone_name or "UTC",
    )


async def read_digest_schedule(client: Client, manager: str) -> DigestScheduleState | None:
    """Read a manager's digest schedule.

    Args:
        client: the Temporal client.
        manager: the manager's address.

    Returns:
        Its state, or ``None`` when the manager has no schedule yet.
    """
    handle = client.get_schedule_handle(schedule_id_for(manager))
    try:
        description = await handle.describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    return _state_of(manager, description.schedule)


async def ensure_digest_schedule(
    client: Client,
    manager: str,
    *,
    timing: DigestTiming,
    time_zone: str,
    enabled: bool,
    task_queue: str,
    replace: bool,
) -> DigestScheduleState:
    """Create a manager's digest schedule, or bring an existing one to this state.

    Args:
        client: the Temporal client.
        manager: the manager's address.
        timing: the weekday and time.
        time_zone: the manager's zone.
        enabled: whether the digest is on.
        task_queue: where the workers listen.
        replace: whether an existing schedule takes these settings (the manager chose them)
            or is left as it is (enrolment: the manager's earlier choice wins).

    Returns:
        The schedule's state afterwards.
    """
    wanted = digest_schedule(
        manager, timing=timing, time_zone=time_zone, enabled=enabled, task_queue=task_queue
    )
    try:
        await client.create_schedule(schedule_id_for(manager), wanted)
    except ScheduleAlreadyRunningError:
        if not replace:
            existing = await read_digest_schedule(client, manager)
            if existing is not None:
                return existing
        handle = client.get_schedule_handle(schedule_id_for(manager))

        def update(_current: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=wanted)

        await handle.update(update)
        log.info("digest_schedule_updated", enabled=enabled, day=timing.day)
    else:
        log.info("digest_schedule_created", enabled=enabled, day=timing.day)
    return _state_of(manager, wanted)


def enrolment_schedule(task_queue: str) -> Schedule:
    """Describe the hourly schedule that gives every manager with a commitment a digest.

    Args:
        task_queue: where the workers listen.

    Returns:
        The schedule.
    """
    return interval_schedule(
        ENROLMENT_WORKFLOW,
        ENROLMENT_SCHEDULE_ID,
        task_queue,
        every=ENROLMENT_INTERVAL,
        timeout=TRIGGER_TIMEOUT,
        catchup_window=CATCHUP_WINDOW,
    )


async def ensure_enrolment_schedule(client: Client, task_queue: str) -> bool:
    """Create the enrolment schedule (and run it at once) unless it exists already.

    Args:
        client: the Temporal client.
        task_queue: where the workers listen.

    Returns:
        True when it was created now.
    """
    if not await ensure_schedule(client, ENROLMENT_SCHEDULE_ID, enrolment_schedule(task_queue)):
        return False
    log.info("digest_enrolment_scheduled", every_seconds=ENROLMENT_INTERVAL.total_seconds())
    return True

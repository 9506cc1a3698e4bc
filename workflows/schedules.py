"""Temporal Schedules that start one of Accord's workflows at a fixed interval, made once.

The digest's enrolment and the 1:1 agenda's sweep each run from such a schedule, which the
worker creates at start: creating it again finds it there and changes nothing, so a
manager's digest or agenda plan is never started twice by two workers starting together.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)
from temporalio.service import RPCError, RPCStatusCode


def interval_schedule(
    workflow: str,
    schedule_id: str,
    task_queue: str,
    *,
    every: timedelta,
    timeout: timedelta,
    catchup_window: timedelta,
) -> Schedule:
    """Describe a schedule that starts ``workflow`` every ``every``, one run at a time.

    Args:
        workflow: the workflow type's name.
        schedule_id: the schedule's id, also the prefix of its runs' ids.
        task_queue: where the workers listen.
        every: the interval.
        timeout: each run's execution timeout.
        catchup_window: how late a missed run may still start (after an outage).

    Returns:
        The schedule.
    """
    return Schedule(
        action=ScheduleActionStartWorkflow(
            workflow, id=schedule_id, task_queue=task_queue, execution_timeout=timeout
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=catchup_window),
    )


async def ensure_schedule(client: Client, schedule_id: str, schedule: Schedule) -> bool:
    """Create the schedule (and run it at once) unless it exists already.

    Args:
        client: the Temporal client.
        schedule_id: the schedule's id.
        schedule: what it does.

    Returns:
        True when it was created now.
    """
    try:
        await client.create_schedule(schedule_id, schedule, trigger_immediately=True)
    except ScheduleAlreadyRunningError:
        return False
    return True


async def remove_schedule(client: Client, schedule_id: str) -> bool:
    """Delete the schedule if it exists (its running workflows carry on to their end).

    Args:
        client: the Temporal client.
        schedule_id: the schedule's id.

    Returns:
        True when it was there and is gone now.
    """
    try:
        await client.get_schedule_handle(schedule_id).delete()
    except RPCError as exc:
        if exc.status is not RPCStatusCode.NOT_FOUND:
            raise
        return False
    return True

"""The weekly digest's workflows: a schedule's trigger, and one digest per manager per week.

:class:`DigestTriggerWorkflow` is what a manager's schedule starts. It names the week (the
ISO week of the fire time in the manager's zone) and starts :class:`DigestWorkflow` under an
id made of the manager and that week; Temporal refuses the id a second time, so a schedule
that fires twice in a week (its day was changed, a start was retried) still sends one digest.

:class:`DigestWorkflow` waits, as the commitment couriers do, until the manager is inside
their working hours and not out of office, re-reading their mailbox settings at least every
12 hours. A digest held for longer than :data:`HOLD_LIMIT` is skipped: by then the next
week's digest is due and tells the fresher story. Figures are gathered only once the
manager can read them, so they are never stale on arrival. Nothing is sent when there is
nothing to report. While it waits, an operator's ``refresh_history`` makes it continue as
new (to retire a payload key), keeping its hold limit.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.digest.contracts import (
        ENROL_DIGEST_MANAGERS,
        GATHER_DIGEST,
        SEND_DIGEST,
        DigestDelivery,
        DigestEnrolled,
        DigestEnrolment,
        DigestRequest,
        DigestSent,
    )
    from activities.directory.contracts import GET_PERSON_SCHEDULE, ScheduleLookup
    from domain.digest import TeamDigest
    from domain.reliability import iso_week_label, week_start
    from domain.timezones import resolve_zone
    from domain.working_time import PersonSchedule, next_reachable
    from workflows.digest.contracts import (
        DIGEST_WORKFLOW,
        ENROLMENT_WORKFLOW,
        TRIGGER_WORKFLOW,
        DigestOutcome,
        DigestResult,
        DigestRun,
        DigestTrigger,
        digest_id_for,
        idempotency_key_for,
    )
    from workflows.patches import DIGEST_SEND_QUEUES
    from workflows.refresh import REFRESH_SIGNAL, RefreshRequest
    from workflows.retries import SEND_RETRY, graph_retry
    from workflows.sending import send_queue_for

HOLD_LIMIT = timedelta(days=6)
"""How long a digest waits for its manager to be reachable before it is skipped."""
ABSENCE_RECHECK = timedelta(hours=12)
READ_TIMEOUT = timedelta(seconds=60)
GATHER_TIMEOUT = timedelta(minutes=3)
SEND_TIMEOUT = timedelta(minutes=2)
GRAPH_RETRY = graph_retry("InvalidMailboxSettings")


@workflow.defn(name=TRIGGER_WORKFLOW)
class DigestTriggerWorkflow:
    """Started by a manager's schedule: starts this week's digest unless it already exists."""

    @workflow.run
    async def run(self, trigger: DigestTrigger) -> DigestOutcome:
        """Start the week's :class:`DigestWorkflow`, which outlives this trigger."""
        week = iso_week_label(week_start(workflow.now(), resolve_zone(trigger.time_zone)))
        try:
            await workflow.start_child_workflow(
                DIGEST_WORKFLOW,
                DigestRun(manager=trigger.manager, time_zone=trigger.time_zone, week=week),
                id=digest_id_for(trigger.manager, week),
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                # The digest may wait days for its reader; the trigger need not.
                parent_close_policy=ParentClosePolicy.ABANDON,
                result_type=DigestOutcome,
            )
        except WorkflowAlreadyStartedError:
            return DigestOutcome(result=DigestResult.ALREADY_THIS_WEEK, week=week)
        return DigestOutcome(result=DigestResult.STARTED, week=week)


@workflow.defn(name=DIGEST_WORKFLOW)
class DigestWorkflow:
    """One manager's digest for one week."""

    def __init__(self) -> None:
        self._refresh_requested = False

    @workflow.signal(name=REFRESH_SIGNAL)
    def refresh_history(self, request: RefreshRequest) -> None:
        """An operator asks for a fresh history (a payload key is being retired).

        Honoured while the digest waits for its manager; once it is gathering or sending,
        it ends within minutes anyway.
        """
        del request  # the reason is for the operator's record
        self._refresh_requested = True

    @workflow.run
    async def run(self, run: DigestRun) -> DigestOutcome:
        """Wait for the manager's working time, gather the figures, send the digest once."""
        deadline = run.hold_until or workflow.now() + HOLD_LIMIT
        schedule = await self._schedule_of(run.manager)
        while True:
            now = workflow.now()
            reachable = next_reachable(now, schedule)
            if reachable is not None and reachable <= now:
                break
            if (reachable is not None and reachable >= deadline) or now >= deadline:
                return DigestOutcome(result=DigestResult.SKIPPED_AWAY, week=run.week)
            wait = ABSENCE_RECHECK if reachable is None else reachable - now
            # The same timer as a sleep, which a request to refresh cuts short.
            try:
                await workflow.wait_condition(
                    lambda: self._refresh_requested,
                    timeout=min(wait, ABSENCE_RECHECK, deadline - now),
                )
            except TimeoutError:
                pass
            else:
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    run.model_copy(update={"hold_until": deadline}), memo=dict(workflow.memo())
                )
            schedule = await self._schedule_of(run.manager)
        digest: TeamDigest = await workflow.execute_activity(
            GATHER_DIGEST,
            DigestRequest(
                manager=run.manager,
                time_zone=schedule.time_zone,
                now=workflow.now(),
                weeks_shown=run.weeks_shown,
            ),
            result_type=TeamDigest,
            start_to_close_timeout=GATHER_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        if not digest.has_news:
            return DigestOutcome(result=DigestResult.NOTHING_TO_REPORT, week=run.week)
        sent: DigestSent = await workflow.execute_activity(
            SEND_DIGEST,
            DigestDelivery(
                idempotency_key=idempotency_key_for(run.manager, run.week), digest=digest
            ),
            result_type=DigestSent,
            # The manager's sending mailbox keeps its rate on its queue, whatever the workers.
            task_queue=await send_queue_for(run.manager, patch=DIGEST_SEND_QUEUES),
            start_to_close_timeout=SEND_TIMEOUT,
            retry_policy=SEND_RETRY,
        )
        result = DigestResult.ALREADY_SENT if sent.already_sent else DigestResult.SENT
        return DigestOutcome(result=result, week=run.week)

    async def _schedule_of(self, email: str) -> PersonSchedule:
        schedule: PersonSchedule = await workflow.execute_activity(
            GET_PERSON_SCHEDULE,
            ScheduleLookup(email=email),
            result_type=PersonSchedule,
            start_to_close_timeout=READ_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return schedule


@workflow.defn(name=ENROLMENT_WORKFLOW)
class DigestEnrolmentWorkflow:
    """Started hourly by its schedule: managers with a first commitment get a digest."""

    @workflow.run
    async def run(self) -> DigestEnrolled:
        """Run the enrolment activity once."""
        enrolled: DigestEnrolled = await workflow.execute_activity(
            ENROL_DIGEST_MANAGERS,
            DigestEnrolment(),
            result_type=DigestEnrolled,
            start_to_close_timeout=GATHER_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return enrolled

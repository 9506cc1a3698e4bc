"""The watch on one organizer's calendar: a decline is seen within minutes, not hours.

One workflow per organizer (a manager), with a fixed id, alive while a 1:1 Accord booked on
their calendar is still ahead. It

- keeps a Graph subscription on the organizer's events (``updated,deleted``): created when
  the first meeting is registered, renewed at two thirds of its lifetime, recreated when Graph
  removes it, and deleted when no meeting is left to watch (the run then ends; the next
  booking starts it again);
- passes each changed event the webhook reports to the commitment whose 1:1 it is, as the
  ``meeting_changed`` signal; the commitment reads the answer again itself, so a notice it
  is given proves nothing and can cause no more than that read;
- after a gap Graph reports (``missed``, ``subscriptionRemoved``) tells every commitment it
  watches for, which is the catch-up: each reads its own meeting once.

The commitments' two-hourly look stays as the safety net (docs/workflows.md, "Meetings").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from activities.calendar.contracts import (
        CREATE_EVENT_SUBSCRIPTION,
        DELETE_EVENT_SUBSCRIPTION,
        RENEW_EVENT_SUBSCRIPTION,
        EventSubscriptionInfo,
        EventSubscriptionRenewal,
        EventSubscriptionRequest,
    )
    from workflows.calendar.contracts import (
        CALENDAR_LIFECYCLE_SIGNAL,
        DECLINE_WATCH_VIEW_QUERY,
        DECLINE_WATCH_WORKFLOW,
        EVENTS_CHANGED_SIGNAL,
        WATCH_MEETING_SIGNAL,
        CalendarLifecycleEvent,
        CalendarLifecycleNotice,
        DeclineWatchInput,
        DeclineWatchView,
        EventsChanged,
        WatchedMeeting,
    )
    from workflows.commitment.contracts import (
        MEETING_CHANGED_SIGNAL,
        MeetingChanged,
        workflow_id_for,
    )
    from workflows.subscription_watch import (
        ACTIVITY_TIMEOUT,
        WATCH_RETRY,
        backoff,
        call_subscription_activity,
        history_is_long,
        renew_at,
        renew_subscription,
    )

MAX_PENDING_IDS = 1000
"""Changed ids kept while the watch is busy; beyond it, every commitment re-reads instead."""


@workflow.defn(name=DECLINE_WATCH_WORKFLOW)
class DeclineWatchWorkflow:
    """Keeps one organizer's event subscription while 1:1s there wait for answers."""

    @workflow.init
    def __init__(self, start: DeclineWatchInput) -> None:
        self._organizer = start.organizer
        self._config = start.config
        self._state = start.state
        self._meetings = {meeting.event_id: meeting for meeting in start.state.meetings}
        self._changed: list[str] = []
        self._everyone = False
        self._lifecycle: list[CalendarLifecycleNotice] = []
        self._registered = False
        self._told = 0
        self._failures = 0

    @workflow.signal(name=WATCH_MEETING_SIGNAL)
    def watch_meeting(self, meeting: WatchedMeeting) -> None:
        """A 1:1 was booked: its answers matter until it starts (it replaces an older one)."""
        for event_id, known in list(self._meetings.items()):
            if known.commitment_id == meeting.commitment_id and event_id != meeting.event_id:
                del self._meetings[event_id]
        self._meetings[meeting.event_id] = meeting
        self._registered = True

    @workflow.signal(name=EVENTS_CHANGED_SIGNAL)
    def events_changed(self, changed: EventsChanged) -> None:
        """Graph said these events changed (the webhook checked the clientState)."""
        if len(self._changed) + len(changed.event_ids) > MAX_PENDING_IDS:
            self._everyone = True
            return
        self._changed.extend(changed.event_ids)

    @workflow.signal(name=CALENDAR_LIFECYCLE_SIGNAL)
    def lifecycle(self, notice: CalendarLifecycleNotice) -> None:
        """A lifecycle notification for this watch's subscription (or an older one)."""
        self._lifecycle.append(notice)

    @workflow.query(name=DECLINE_WATCH_VIEW_QUERY)
    def view(self) -> DeclineWatchView:
        """The subscription and counters, for operators and tests."""
        return DeclineWatchView(
            subscription_id=self._state.subscription_id,
            meetings=len(self._meetings),
            told=self._told,
            failures=self._failures,
        )

    def _update(self, **changes: object) -> None:
        self._state = self._state.model_copy(update=changes)

    def _pending(self) -> bool:
        return bool(self._changed or self._everyone or self._lifecycle or self._registered)

    @workflow.run
    async def run(self, start: DeclineWatchInput) -> None:
        """Watch while a meeting is ahead; end (deleting the subscription) when none is."""
        while True:
            self._forget_past()
            if not self._meetings and not self._pending():
                await self._unsubscribe()
                if not self._meetings and not self._pending():
                    await workflow.wait_condition(workflow.all_handlers_finished)
                    return
                continue
            if self._history_is_long() and not self._pending():
                await workflow.wait_condition(workflow.all_handlers_finished)
                state = self._state.model_copy(update={"meetings": list(self._meetings.values())})
                workflow.continue_as_new(
                    DeclineWatchInput(organizer=self._organizer, config=self._config, state=state)
                )
            self._registered = False
            try:
                if self._state.subscription_id is None:
                    await self._subscribe()
                await self._handle_lifecycle()
                await self._tell()
                if self._renewal_due():
                    await self._renew(reauthorize=False)
                self._failures = 0
            except ActivityError:
                self._failures += 1
                pause = backoff(self._failures)
                workflow.logger.warning("decline_watch_failed", extra={"failures": self._failures})
                await self._wait(workflow.now() + pause)
                continue
            await self._wait(self._next_wake())

    def _forget_past(self) -> None:
        now = workflow.now()
        for event_id, meeting in list(self._meetings.items()):
            if meeting.until <= now:
                del self._meetings[event_id]

    def _history_is_long(self) -> bool:
        return history_is_long(self._config.continue_as_new_after_events)

    def _renew_at(self) -> datetime | None:
        return renew_at(
            self._state.expires_at, self._config.lifetime, self._config.renew_at_fraction
        )

    def _renewal_due(self) -> bool:
        renew_at = self._renew_at()
        return renew_at is not None and renew_at <= workflow.now()

    def _next_wake(self) -> datetime:
        if not self._meetings:
            return workflow.now()  # nothing left to watch: unsubscribe and end now
        times = [meeting.until for meeting in self._meetings.values()]
        renew_at = self._renew_at()
        if renew_at is not None:
            times.append(renew_at)
        return min(times, default=workflow.now())

    async def _wait(self, until: datetime) -> None:
        timeout = max(until - workflow.now(), timedelta(0))
        if timeout <= timedelta(0):
            return
        try:
            await workflow.wait_condition(self._pending, timeout=timeout)
        except TimeoutError:
            return

    async def _tell(self) -> None:
        """Signal each commitment whose meeting changed (all of them after a gap)."""
        changed, self._changed = self._changed, []
        everyone, self._everyone = self._everyone, False
        ids = list(self._meetings) if everyone else list(dict.fromkeys(changed))
        for event_id in ids:
            meeting = self._meetings.get(event_id)
            if meeting is None:
                continue  # not a 1:1 Accord waits on: most changes of a calendar are not
            handle = workflow.get_external_workflow_handle(workflow_id_for(meeting.commitment_id))
            try:
                await handle.signal(MEETING_CHANGED_SIGNAL, MeetingChanged(event_id=event_id))
                self._told += 1
            except FailureError:
                # The commitment ended (or moved on past retention): nothing waits any more.
                self._meetings.pop(event_id, None)

    async def _handle_lifecycle(self) -> None:
        notices, self._lifecycle = self._lifecycle, []
        for notice in notices:
            if notice.event is CalendarLifecycleEvent.MISSED:
                self._everyone = True
            elif notice.subscription_id != self._state.subscription_id:
                continue  # about a subscription this watch already replaced
            elif notice.event is CalendarLifecycleEvent.SUBSCRIPTION_REMOVED:
                self._update(subscription_id=None, expires_at=None)
                self._everyone = True
                await self._subscribe()
            else:
                await self._renew(reauthorize=True)

    async def _subscribe(self) -> None:
        info = await call_subscription_activity(
            CREATE_EVENT_SUBSCRIPTION,
            EventSubscriptionRequest(
                organizer=self._organizer,
                notification_url=self._config.notification_url,
                lifecycle_url=self._config.lifecycle_url,
                client_state=self._config.client_state,
                expires_at=workflow.now() + self._config.lifetime,
            ),
            EventSubscriptionInfo,
        )
        self._update(subscription_id=info.subscription_id, expires_at=info.expires_at)

    async def _renew(self, *, reauthorize: bool) -> None:
        if self._state.subscription_id is None:
            return
        info = await renew_subscription(
            RENEW_EVENT_SUBSCRIPTION,
            EventSubscriptionRenewal,
            EventSubscriptionInfo,
            subscription_id=self._state.subscription_id,
            lifetime=self._config.lifetime,
            reauthorize=reauthorize,
        )
        if info.found:
            self._update(subscription_id=info.subscription_id, expires_at=info.expires_at)
        else:
            # Gone: a new one, and everyone reads once, for what the gap may have hidden.
            self._update(subscription_id=None, expires_at=None)
            self._everyone = True

    async def _unsubscribe(self) -> None:
        subscription_id = self._state.subscription_id
        if subscription_id is None:
            return
        self._update(subscription_id=None, expires_at=None)
        try:
            await workflow.execute_activity(
                DELETE_EVENT_SUBSCRIPTION,
                EventSubscriptionRenewal(
                    subscription_id=subscription_id, expires_at=workflow.now()
                ),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=WATCH_RETRY,
            )
        except ActivityError:
            # It lapses on its own at its expiry; nothing is watched meanwhile.
            workflow.logger.warning("decline_watch_unsubscribe_failed")

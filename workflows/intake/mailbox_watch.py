"""The watch on one mailbox: a Graph subscription kept alive, and no message left behind.

One workflow per watched mailbox (Accord's inbox; each opted-in manager's mailbox for flags),
with a fixed id so that starting it again finds it running. It

- creates the subscription (and recreates it whenever Graph lost it);
- renews it at two thirds of its lifetime, well before Graph would let it lapse;
- reacts to lifecycle notifications, delivered as signals by the webhook:
  ``reauthorizationRequired`` reauthorizes and renews, ``subscriptionRemoved`` recreates
  and catches up, ``missed`` catches up;
- catches up with a delta query after any gap (and at every renewal, to be safe), keeping
  each folder's deltaLink, and hands every message found to intake, where the message's
  workflow id makes a second hand-over harmless;
- continues as new when its history grows long, or when an operator asks
  (``refresh_history``, to retire a payload key), carrying its state.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.intake.contracts import (
        CATCH_UP_MAILBOX,
        CREATE_MAIL_SUBSCRIPTION,
        RENEW_MAIL_SUBSCRIPTION,
        CatchUpRequest,
        CatchUpResult,
        SubscriptionInfo,
        SubscriptionRenewal,
        SubscriptionRequest,
    )
    from workflows.intake.contracts import (
        LIFECYCLE_SIGNAL,
        WATCH_VIEW_QUERY,
        WATCH_WORKFLOW,
        LifecycleEvent,
        LifecycleNotice,
        WatchInput,
        WatchView,
    )
    from workflows.refresh import REFRESH_SIGNAL, RefreshRequest
    from workflows.subscription_watch import (
        WATCH_RETRY,
        backoff,
        call_subscription_activity,
        history_is_long,
        renew_at,
        renew_subscription,
    )

CATCH_UP_TIMEOUT = timedelta(minutes=10)
CATCH_UP_OVERLAP = timedelta(minutes=5)
"""The first catch-up reaches this far before the watch started, for mail just before it."""


@workflow.defn(name=WATCH_WORKFLOW)
class MailboxWatchWorkflow:
    """Keeps one mailbox's subscription alive and catches up after gaps."""

    @workflow.init
    def __init__(self, start: WatchInput) -> None:
        self._config = start.config
        self._state = start.state
        self._events: list[LifecycleNotice] = []
        self._failures = 0
        self._refresh_requested = False

    @workflow.signal(name=LIFECYCLE_SIGNAL)
    def lifecycle(self, notice: LifecycleNotice) -> None:
        """A lifecycle notification for this watch's subscription (or a previous one)."""
        self._events.append(notice)

    @workflow.signal(name=REFRESH_SIGNAL)
    def refresh_history(self, request: RefreshRequest) -> None:
        """An operator asks for a fresh history (a payload key is being retired)."""
        del request  # the reason is for the operator's record
        self._refresh_requested = True

    @workflow.query(name=WATCH_VIEW_QUERY)
    def view(self) -> WatchView:
        """The subscription and counters, for operators and tests."""
        return WatchView(
            subscription_id=self._state.subscription_id,
            expires_at=self._state.expires_at,
            catch_ups=self._state.catch_ups,
            dispatched=self._state.dispatched,
            failures=self._failures,
        )

    def _update(self, **changes: object) -> None:
        self._state = self._state.model_copy(update=changes)

    @workflow.run
    async def run(self, start: WatchInput) -> None:
        """Watch until cancelled, continuing as new now and then."""
        if self._state.started_at is None:
            self._update(started_at=workflow.now())
        needs_catch_up = True
        while True:
            # Lifecycle notices still waiting are handled first: a new run would not see them.
            if self._history_is_long() or (self._refresh_requested and not self._events):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    WatchInput(config=self._config, state=self._state), memo=dict(workflow.memo())
                )
            try:
                if self._state.subscription_id is None:
                    await self._create()
                    needs_catch_up = True
                if needs_catch_up:
                    await self._catch_up()
                    needs_catch_up = False
                self._failures = 0
            except ActivityError:
                self._failures += 1
                pause = backoff(self._failures)
                workflow.logger.warning("watch_step_failed", extra={"failures": self._failures})
                await self._wait_for_event(pause)
                continue
            if await self._wait_for_event(self._until_renewal()):
                needs_catch_up = await self._handle_events() or needs_catch_up
            else:
                await self._renew(reauthorize=False)
                # A renewal is also a cheap safety net: anything Graph failed to tell us.
                needs_catch_up = True

    def _history_is_long(self) -> bool:
        return history_is_long(self._config.continue_as_new_after_events)

    def _until_renewal(self) -> timedelta:
        due = renew_at(
            self._state.expires_at, self._config.lifetime, self._config.renew_at_fraction
        )
        if due is None:
            return timedelta(0)
        return max(due - workflow.now(), timedelta(0))

    async def _wait_for_event(self, within: timedelta) -> bool:
        if within <= timedelta(0):
            return bool(self._events)
        try:
            await workflow.wait_condition(
                lambda: bool(self._events) or self._refresh_requested, timeout=within
            )
        except TimeoutError:
            return False
        return True

    async def _handle_events(self) -> bool:
        """Act on the lifecycle notifications that arrived; return whether to catch up."""
        events, self._events = self._events, []
        catch_up = False
        for notice in events:
            current = notice.subscription_id == self._state.subscription_id
            workflow.logger.info(
                "watch_lifecycle", extra={"event": notice.event.value, "current": current}
            )
            if notice.event is LifecycleEvent.MISSED:
                catch_up = True
            elif not current:
                continue  # about a subscription this watch already replaced
            elif notice.event is LifecycleEvent.SUBSCRIPTION_REMOVED:
                self._update(subscription_id=None, expires_at=None)
                catch_up = True
            elif notice.event is LifecycleEvent.REAUTHORIZATION_REQUIRED:
                try:
                    await self._renew(reauthorize=True)
                except ActivityError:
                    # Renewal failed for good: a new subscription is the way back.
                    self._update(subscription_id=None, expires_at=None)
                catch_up = True
        return catch_up

    async def _create(self) -> None:
        info = await call_subscription_activity(
            CREATE_MAIL_SUBSCRIPTION,
            SubscriptionRequest(
                config=self._config, expires_at=workflow.now() + self._config.lifetime
            ),
            SubscriptionInfo,
        )
        self._update(subscription_id=info.subscription_id, expires_at=info.expires_at)

    async def _renew(self, *, reauthorize: bool) -> None:
        if self._state.subscription_id is None:
            return
        info = await renew_subscription(
            RENEW_MAIL_SUBSCRIPTION,
            SubscriptionRenewal,
            SubscriptionInfo,
            subscription_id=self._state.subscription_id,
            lifetime=self._config.lifetime,
            reauthorize=reauthorize,
        )
        if info.found:
            self._update(subscription_id=info.subscription_id, expires_at=info.expires_at)
        else:
            self._update(subscription_id=None, expires_at=None)

    async def _catch_up(self) -> None:
        started_at = self._state.started_at or workflow.now()
        links = dict(self._state.delta_links)
        dispatched = self._state.dispatched
        for folder in self._config.folders:
            result = await workflow.execute_activity(
                CATCH_UP_MAILBOX,
                CatchUpRequest(
                    config=self._config,
                    folder=folder,
                    delta_link=links.get(folder),
                    since=started_at - CATCH_UP_OVERLAP,
                ),
                result_type=CatchUpResult,
                start_to_close_timeout=CATCH_UP_TIMEOUT,
                retry_policy=WATCH_RETRY,
            )
            links[folder] = result.delta_link
            dispatched += result.dispatched
        self._update(delta_links=links, dispatched=dispatched, catch_ups=self._state.catch_ups + 1)

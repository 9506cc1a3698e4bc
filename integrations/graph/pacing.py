"""Keeping Accord inside Exchange Online's per-mailbox limits before Graph has to say 429.

Exchange lets an app make 4 concurrent requests per mailbox and lets a mailbox submit 30
messages a minute (shared/graph README, "Outlook service limits"). Over either, Graph answers
429 and the request is retried later, so a burst of check-ins due in the same minute turns
into a storm of retries that finishes late. The pacer keeps one worker process inside both:

* **Requests**: :class:`PacedTransport` holds a slot of the mailbox's semaphore for each Graph
  request under ``/users/{mailbox}/``, the response's body included, and a 429's
  ``Retry-After`` pauses that mailbox's sends (another process may share the mailbox).
* **Submissions** (``sendMail``, ``reply``): :meth:`MailboxPacer.turn` admits a send
  only while fewer than ``messages_per_minute`` of the mailbox's sends finished in the last
  minute or are in flight. A send is counted from the moment its response arrives: Exchange
  counted it no later than that, so it leaves Exchange's window no later than it leaves ours.
* **Long waits give the worker back**: a send whose turn is further off than ``max_wait``
  books that turn and fails with a retryable ``MailboxBusy`` whose ``next_retry_delay`` is
  the time to it, so Temporal brings it back then and its activity slot serves other work
  meanwhile. When it comes back its booking is honoured (by idempotency key).

Turns are first come, first served per mailbox, and the booked schedule gives the fastest
finish the limits allow: the first ``messages_per_minute`` at once, then one batch a minute.
The submission rule is per process. Where each sending mailbox's sends run on a task queue
of their own, Temporal's matching service holds the 30 a minute across every worker
(``activities.sending``), and the worker turns the rule off (``messages_per_minute=None``):
the pacer then keeps only the 4-concurrent-requests rule and the pause after a 429, and
(``align_to_dispatch``) holds each submission until a fixed moment after Temporal dispatched
its activity, so that Exchange sees the sends spaced as the queue dispatched them rather than
as the Sent Items look-ups before them happened to take.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol
from urllib.parse import unquote

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from integrations.graph.errors import retry_after

MAILBOX_BUSY = "MailboxBusy"
_MAILBOX_PATH = re.compile(r"/users/([^/()?]+)")


@dataclass(frozen=True)
class PacingLimits:
    """The limits one worker process keeps to, per sending mailbox.

    Attributes:
        messages_per_minute: submissions a mailbox may make in any minute (Exchange: 30);
            ``None``: no submission rule (the task queue's rate limit holds it instead).
        concurrent_requests: Graph requests in flight per mailbox (Exchange: 4 per app).
        minute: the length of a minute in seconds; benchmarks shrink it as the sandbox's
            ``time_scale`` shrinks Exchange's windows.
        max_wait: how long a send may wait inside its activity; a longer wait is booked and
            handed back to Temporal as a retry at the booked time.
        align_to_dispatch: seconds after its activity's dispatch a submission is held until
            (when it comes sooner); ``None``: submit when ready.
    """

    messages_per_minute: int | None = 30
    concurrent_requests: int = 4
    minute: float = 60.0
    max_wait: float = 15.0
    align_to_dispatch: float | None = None


@dataclass
class _Mailbox:
    limits: PacingLimits
    requests: asyncio.Semaphore
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    finished: deque[float] = field(default_factory=deque)
    in_flight: int = 0
    waiting: int = 0
    claimed: int = 0
    booked: dict[str, float] = field(default_factory=dict)
    paused_until: float = 0.0

    def forget_before(self, now: float) -> None:
        minute = self.limits.minute
        while self.finished and self.finished[0] <= now - minute:
            self.finished.popleft()
        for key, at in list(self.booked.items()):
            if at <= now - minute:
                del self.booked[key]

    def next_turn(self, now: float) -> float:
        """When a newcomer's send could start, behind everyone known to be ahead of it."""
        limit = self.limits.messages_per_minute
        minute = self.limits.minute
        if limit is None:
            return max(now, self.paused_until)
        # Everyone holding or due to hold a place in the window, at the time they hold it.
        ahead = self.in_flight + self.waiting + self.claimed
        starts = sorted([*self.finished, *([now] * ahead), *self.booked.values()])
        start = max(now, self.paused_until)
        if len(starts) >= limit:
            start = max(start, starts[-limit] + minute)
        return start

    def admission_delay(self, now: float) -> float | None:
        """Seconds until a send may start now: 0 to go, ``None`` to await a finish."""
        if now < self.paused_until:
            return self.paused_until - now
        limit = self.limits.messages_per_minute
        if limit is None or len(self.finished) + self.in_flight < limit:
            return 0.0
        if self.finished:
            return max(0.0, self.finished[0] + self.limits.minute - now)
        return None


class MailboxPacer:
    """Per-mailbox request slots and send turns for one worker process.

    Args:
        limits: the limits to keep to.
        clock: monotonic seconds (throttling windows are about elapsed time).
    """

    def __init__(
        self, limits: PacingLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or PacingLimits()
        self._clock = clock
        self._mailboxes: dict[str, _Mailbox] = {}

    def _mailbox(self, mailbox: str) -> _Mailbox:
        key = mailbox.lower()
        found = self._mailboxes.get(key)
        if found is None:
            found = _Mailbox(self.limits, asyncio.Semaphore(self.limits.concurrent_requests))
            self._mailboxes[key] = found
        return found

    @asynccontextmanager
    async def request(self, mailbox: str) -> AsyncIterator[None]:
        """Hold one of the mailbox's request slots for as long as the block runs.

        Args:
            mailbox: the mailbox the request is about (its address or id).
        """
        async with self._mailbox(mailbox).requests:
            yield

    def pause(self, mailbox: str, seconds: float) -> None:
        """Hold the mailbox's sends back for ``seconds`` (Graph said 429 with Retry-After).

        Args:
            mailbox: the mailbox Graph throttled.
            seconds: the ``Retry-After`` delay.
        """
        state = self._mailbox(mailbox)
        state.paused_until = max(state.paused_until, self._clock() + seconds)
        state.changed.set()

    @asynccontextmanager
    async def turn(self, mailbox: str, idempotency_key: str) -> AsyncIterator[Turn]:
        """Claim the send's place in the mailbox's queue, or book a later one and hand it back.

        Enter it before the send's other requests (its duplicate check), so a send that must
        wait long costs nothing but the booking; submit inside ``Turn.submission``.

        Args:
            mailbox: the sending mailbox.
            idempotency_key: the send's key; its booking is honoured when it comes back.

        Yields:
            The claimed turn.

        Raises:
            ApplicationError: ``MailboxBusy``, retryable, with ``next_retry_delay`` set to
                the booked turn, when the turn is further off than ``max_wait``.
        """
        state = self._mailbox(mailbox)
        self._claim(state, idempotency_key)
        turn = Turn(state, self._clock, _submit_not_before(self.limits.align_to_dispatch))
        try:
            yield turn
        finally:
            if not turn.submitted:
                state.claimed -= 1

    def _claim(self, state: _Mailbox, idempotency_key: str) -> None:
        now = self._clock()
        state.forget_before(now)
        if state.booked.pop(idempotency_key, None) is None:
            start = state.next_turn(now)
            if start - now > self.limits.max_wait:
                state.booked[idempotency_key] = start
                raise ApplicationError(
                    "the sending mailbox is at its message rate; this send is booked for later",
                    type=MAILBOX_BUSY,
                    non_retryable=False,
                    # Expected in a burst: logged at debug and kept out of failure metrics.
                    category=ApplicationErrorCategory.BENIGN,
                    # Rounded up to the millisecond: never back before the turn.
                    next_retry_delay=timedelta(milliseconds=math.ceil((start - now) * 1000)),
                )
        state.claimed += 1


class SendTurn(Protocol):
    """What a send holds between its duplicate check and its submission."""

    def submission(self) -> AbstractAsyncContextManager[None]:
        """Wait for the moment to submit, and hold it while the block submits."""
        ...


class Unpaced:
    """The turn of a send that no pacer holds back."""

    @asynccontextmanager
    async def submission(self) -> AsyncIterator[None]:
        """Submit at once."""
        yield


class Turn:
    """A send's claimed place in its mailbox's queue (see :meth:`MailboxPacer.turn`)."""

    def __init__(
        self, state: _Mailbox, clock: Callable[[], float], not_before: float | None = None
    ) -> None:
        self._state = state
        self._clock = clock
        self._not_before = not_before
        self.submitted = False

    @asynccontextmanager
    async def submission(self) -> AsyncIterator[None]:
        """Wait until the mailbox may submit, and hold the turn while the block submits."""
        state = self._state
        if self._not_before is not None:
            await asyncio.sleep(max(0.0, self._not_before - time.time()))
        self.submitted = True
        state.claimed -= 1
        state.waiting += 1
        try:
            async with state.turn:
                await self._admission()
                state.in_flight += 1
        finally:
            state.waiting -= 1
        try:
            yield
        finally:
            state.in_flight -= 1
            state.finished.append(self._clock())
            state.changed.set()

    async def _admission(self) -> None:
        state = self._state
        while True:
            now = self._clock()
            state.forget_before(now)
            delay = state.admission_delay(now)
            if delay == 0.0:
                return
            state.changed.clear()
            # A finish or a pause changes the answer; otherwise the window's oldest send
            # leaving it does, after ``delay``.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.changed.wait(), timeout=delay)


QUEUED_SECONDS = 0.25
"""A send dispatched later than this after it was scheduled waited for the queue's rate."""


def _submit_not_before(align: float | None) -> float | None:
    """The wall-clock moment ``align`` seconds after this activity's dispatch, if any.

    Only a send the queue held back is aligned: the spacing of a stream of sends is the
    queue's to keep. One dispatched at once found the queue's rate unspent (at least a
    dispatch interval since the last), so it goes straight away, and an idle mailbox's
    message (a confirmation, say) is not held for nothing.
    """
    if align is None or not activity.in_activity():
        return None
    info = activity.info()
    queued = info.started_time - info.current_attempt_scheduled_time
    if queued.total_seconds() < QUEUED_SECONDS:
        return None
    return info.started_time.timestamp() + align


def mailbox_of(path: str) -> str | None:
    """Return the mailbox a Graph URL path is about (``/v1.0/users/{mailbox}/...``).

    Args:
        path: the request's URL path.

    Returns:
        The mailbox's address or id, lower-cased, or ``None`` for other paths.
    """
    found = _MAILBOX_PATH.search(path)
    return unquote(found.group(1)).lower() if found else None


class PacedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that holds a mailbox's request slot around each of its requests.

    Args:
        inner: the transport that does the I/O.
        pacer: the worker's pacer.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, pacer: MailboxPacer) -> None:
        self._inner = inner
        self._pacer = pacer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request inside its mailbox's slot; a 429 pauses the mailbox's sends."""
        mailbox = mailbox_of(request.url.path)
        if mailbox is None:
            return await self._inner.handle_async_request(request)
        async with self._pacer.request(mailbox):
            response = await self._inner.handle_async_request(request)
            # Exchange holds the slot until the answer is out; so does the pacer.
            await response.aread()
        if response.status_code == 429:
            delay = retry_after(response.headers)
            self._pacer.pause(mailbox, delay.total_seconds() if delay else 1.0)
        return response

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()

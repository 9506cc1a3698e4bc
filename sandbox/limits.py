"""Exchange Online's per-mailbox limits, answered with 429 and ``Retry-After`` as Graph does.

Windows follow the monotonic clock (throttling is about real load, not business time) and
shrink by ``time_scale`` so a benchmark can run the same shape of limits quickly.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sandbox.config import LimitsConfig
from sandbox.errors import GraphError

MINUTE = 60.0
DAY = 86_400.0
TEN_MINUTES = 600.0


def _throttled(message: str, retry_after: float, code: str = "ApplicationThrottled") -> GraphError:
    return GraphError(
        429, code, message, headers={"Retry-After": str(max(1, math.ceil(retry_after)))}
    )


class MailboxLimits:
    """Counts requests, concurrency and sends per mailbox and refuses what is over a limit."""

    def __init__(
        self, config: Callable[[], LimitsConfig], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._config = config
        self._clock = clock
        self._requests: defaultdict[str, deque[float]] = defaultdict(deque)
        self._sends: defaultdict[str, deque[float]] = defaultdict(deque)
        self._recipients: defaultdict[str, deque[tuple[float, int]]] = defaultdict(deque)
        self._in_flight: defaultdict[str, int] = defaultdict(int)
        self.throttled_count = 0

    def reset(self) -> None:
        """Forget every count (used when the limits change)."""
        self._requests.clear()
        self._sends.clear()
        self._recipients.clear()

    @contextmanager
    def request(self, mailbox: str) -> Iterator[None]:
        """Admit one request to a mailbox for as long as the block runs.

        Raises:
            GraphError: 429 when the mailbox is over its request rate or concurrency.
        """
        config = self._config()
        if not config.enabled:
            yield
            return
        now = self._clock()
        window = TEN_MINUTES / config.time_scale
        requests = self._requests[mailbox]
        while requests and requests[0] <= now - window:
            requests.popleft()
        if len(requests) >= config.requests_per_ten_minutes:
            self.throttled_count += 1
            raise _throttled(
                "Application is over its MailboxConcurrency limit.",
                requests[0] + window - now,
            )
        if self._in_flight[mailbox] >= config.concurrent_requests:
            self.throttled_count += 1
            raise _throttled(
                "Application is over its MailboxConcurrency limit.", 1, code="ApplicationThrottled"
            )
        requests.append(now)
        self._in_flight[mailbox] += 1
        try:
            yield
        finally:
            self._in_flight[mailbox] -= 1

    def admit_send(self, mailbox: str, recipients: int) -> None:
        """Count one message submission with its recipients.

        Raises:
            GraphError: 400 over the recipients-per-message limit, 429 over the message rate
                or the daily recipient limit.
        """
        config = self._config()
        if not config.enabled:
            return
        if recipients > config.recipients_per_message:
            raise GraphError(
                400,
                "ErrorRecipientLimitExceeded",
                f"The message has {recipients} recipients; at most "
                f"{config.recipients_per_message} are allowed.",
            )
        now = self._clock()
        minute = MINUTE / config.time_scale
        day = DAY / config.time_scale
        sends = self._sends[mailbox]
        while sends and sends[0] <= now - minute:
            sends.popleft()
        if len(sends) >= config.messages_per_minute:
            self.throttled_count += 1
            raise _throttled(
                "Message submission rate limit exceeded for this mailbox.",
                sends[0] + minute - now,
                code="ErrorExceededMessageLimit",
            )
        daily = self._recipients[mailbox]
        while daily and daily[0][0] <= now - day:
            daily.popleft()
        if sum(count for _, count in daily) + recipients > config.recipients_per_day:
            self.throttled_count += 1
            raise _throttled(
                "Recipient rate limit exceeded for this mailbox in the last 24 hours.",
                daily[0][1] + day - now if daily else day,
                code="ErrorExceededMessageLimit",
            )
        sends.append(now)
        daily.append((now, recipients))

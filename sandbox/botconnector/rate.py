"""Teams' rate limits for bots, per conversation and per app, answered with 429 like Teams."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

CONVERSATION_LIMITS = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))
APP_LIMITS = ((1.0, 50),)


class RateLimits(BaseModel):
    """(seconds, at most this many sends) windows; tests shrink them to provoke a 429."""

    model_config = ConfigDict(frozen=True)

    conversation: list[tuple[float, int]] = Field(default_factory=lambda: list(CONVERSATION_LIMITS))
    app: list[tuple[float, int]] = Field(default_factory=lambda: list(APP_LIMITS))


class RateLimiter:
    """Counts the bot's sends and says how long to wait when one is over a limit."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sends: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self.limits = RateLimits()
        self.throttled = 0

    def admit(self, conversation_id: str) -> int | None:
        """Count one send; return the ``Retry-After`` seconds when it is over a limit."""
        with self._lock:
            now = self._clock()
            for key, windows in (
                (f"c:{conversation_id}", self.limits.conversation),
                ("app", self.limits.app),
            ):
                wait = self._wait(key, windows, now)
                if wait is not None:
                    self.throttled += 1
                    return max(1, math.ceil(wait))
            self._sends[f"c:{conversation_id}"].append(now)
            self._sends["app"].append(now)
            return None

    def _wait(self, key: str, windows: list[tuple[float, int]], now: float) -> float | None:
        sends = self._sends[key]
        longest = max(seconds for seconds, _ in windows)
        while sends and sends[0] <= now - longest:
            sends.popleft()
        for seconds, limit in windows:
            inside = [at for at in sends if at > now - seconds]
            if len(inside) >= limit:
                return inside[len(inside) - limit] + seconds - now
        return None

"""Pacing sends to Teams so the bot stays inside its rate limits: queue and wait, never drop.

Teams limits each bot per conversation (7 messages a second, 8 in 2 s, 60 in 30 s, 1,800 an
hour) and per app across conversations. :class:`Pacer` keeps the recent send times of each
conversation and of the whole app (in this worker) and says how long a send must wait so
that every window stays under its limit. A 429 still happens when other workers share the
app; then ``hold`` makes every later send to that conversation wait for ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field


class Window(BaseModel):
    """At most ``limit`` sends in any ``seconds``."""

    model_config = ConfigDict(frozen=True)

    seconds: float = Field(gt=0)
    limit: int = Field(ge=1)


CONVERSATION_WINDOWS = (
    Window(seconds=1, limit=7),
    Window(seconds=2, limit=8),
    Window(seconds=30, limit=60),
    Window(seconds=3600, limit=1800),
)
APP_WINDOWS = (Window(seconds=1, limit=50),)


class _Log:
    def __init__(self, windows: Sequence[Window]) -> None:
        self.windows = tuple(windows)
        self.times: deque[float] = deque()
        self.held_until = 0.0

    def wait(self, now: float) -> float:
        longest = max(window.seconds for window in self.windows)
        # Reservations may lie in the future and arrive out of order; keep them sorted.
        recent = sorted(at for at in self.times if at > now - longest)
        self.times = deque(recent)
        wait = max(self.held_until - now, 0.0)
        for window in self.windows:
            inside = [at for at in recent if at > now - window.seconds]
            if len(inside) >= window.limit:
                # The oldest send that must leave the window before one more fits.
                wait = max(wait, inside[len(inside) - window.limit] + window.seconds - now)
        return wait


class Pacer:
    """Says when the next send may go, per conversation and for the whole app.

    Args:
        conversation_windows: the limits of one conversation.
        app_windows: the limits of the app.
        clock: monotonic seconds.
    """

    def __init__(
        self,
        conversation_windows: Sequence[Window] = CONVERSATION_WINDOWS,
        app_windows: Sequence[Window] = APP_WINDOWS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._conversation_windows = tuple(conversation_windows)
        self._app = _Log(app_windows)
        self._conversations: dict[str, _Log] = {}
        self._clock = clock
        self._lock = asyncio.Lock()

    def _log(self, conversation_id: str) -> _Log:
        log = self._conversations.get(conversation_id)
        if log is None:
            log = self._conversations[conversation_id] = _Log(self._conversation_windows)
        return log

    async def reserve(self, conversation_id: str, *, max_wait: float) -> float:
        """Reserve the next free moment for a send, if it is at most ``max_wait`` away.

        Args:
            conversation_id: the chat the send goes to.
            max_wait: the longest wait the caller accepts.

        Returns:
            0 when the caller may send after waiting (done here); otherwise how many seconds
            it must wait before asking again (nothing is reserved then).
        """
        async with self._lock:
            now = self._clock()
            log = self._log(conversation_id)
            wait = max(log.wait(now), self._app.wait(now))
            if wait > max_wait:
                return wait
            at = now + wait
            log.times.append(at)
            self._app.times.append(at)
        if wait > 0:
            await asyncio.sleep(wait)
        return 0.0

    def hold(self, conversation_id: str, seconds: float) -> None:
        """Make every send to the conversation wait ``seconds`` (after a 429)."""
        log = self._log(conversation_id)
        log.held_until = max(log.held_until, self._clock() + seconds)

"""The sandbox's notion of now, which tests can set or move forward.

Time-skipping tests move Temporal's clock; moving the sandbox's with it keeps received times,
out-of-office schedules and getSchedule consistent with the workflow's view of time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sandbox.store import Store

_OFFSET_KEY = "clock_offset_seconds"


class SandboxClock:
    """Real time plus an offset kept in the store, so it survives a restart."""

    def __init__(self, store: Store, wall: Callable[[], datetime] | None = None) -> None:
        self._store = store
        self._wall = wall or (lambda: datetime.now(UTC))
        saved = store.get_meta(_OFFSET_KEY)
        self._offset = timedelta(seconds=float(saved)) if saved else timedelta()

    def now(self) -> datetime:
        """Return the sandbox's current time (UTC, aware)."""
        return self._wall() + self._offset

    def set(self, when: datetime) -> None:
        """Make ``when`` the current time; later it moves on at the wall clock's pace."""
        if when.tzinfo is None:
            raise ValueError("the time must carry a UTC offset")
        self._set_offset(when - self._wall())

    def advance(self, by: timedelta) -> None:
        """Move the clock forward (never backward)."""
        if by < timedelta():
            raise ValueError("the clock only moves forward")
        self._set_offset(self._offset + by)

    def _set_offset(self, offset: timedelta) -> None:
        self._offset = offset
        self._store.set_meta(_OFFSET_KEY, str(offset.total_seconds()))


def graph_datetime(when: datetime) -> str:
    """Format an instant the way Graph does in JSON: UTC with a trailing ``Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""The session server's sleep survives its RPC deadline: time moved on, so it sleeps the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from tests.support.temporal import patient_sleep

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class _Server:
    """Skips time like the test server, but the first sleep's RPC times out half-way."""

    def __init__(self, error: RPCError) -> None:
        self.now = START
        self.sleeps: list[timedelta] = []
        self._error: RPCError | None = error

    async def get_current_time(self) -> datetime:
        return self.now

    async def sleep(self, duration: timedelta) -> None:
        self.sleeps.append(duration)
        if self._error is not None:
            self.now += duration / 2
            error, self._error = self._error, None
            raise error
        self.now += duration


async def test_a_sleep_past_its_deadline_sleeps_only_what_is_left() -> None:
    server = _Server(RPCError("Timeout expired", RPCStatusCode.CANCELLED, b""))
    sleep = patient_sleep(cast(WorkflowEnvironment, cast(Any, server)), server.sleep)
    await sleep(timedelta(days=14))
    assert server.now == START + timedelta(days=14)
    assert server.sleeps == [timedelta(days=14), timedelta(days=7)]


async def test_a_sleep_whose_stream_broke_sleeps_only_what_is_left() -> None:
    server = _Server(RPCError("h2 protocol error: http2 error", RPCStatusCode.CANCELLED, b""))
    sleep = patient_sleep(cast(WorkflowEnvironment, cast(Any, server)), server.sleep)
    await sleep(timedelta(days=6))
    assert server.now == START + timedelta(days=6)


async def test_any_other_error_is_raised() -> None:
    server = _Server(RPCError("not found", RPCStatusCode.NOT_FOUND, b""))
    sleep = patient_sleep(cast(WorkflowEnvironment, cast(Any, server)), server.sleep)
    with pytest.raises(RPCError):
        await sleep(timedelta(days=1))

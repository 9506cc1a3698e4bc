"""Pacing per chat and per app: waits are computed, never drops."""

from __future__ import annotations

from integrations.teams.pacing import Pacer, Window


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_sends_inside_the_limits_go_at_once() -> None:
    clock = FakeClock()
    pacer = Pacer([Window(seconds=1, limit=3)], [Window(seconds=1, limit=10)], clock=clock)
    for _ in range(3):
        assert await pacer.reserve("a", max_wait=0) == 0


async def test_a_full_window_says_how_long_to_wait() -> None:
    clock = FakeClock()
    pacer = Pacer([Window(seconds=2, limit=2)], [Window(seconds=1, limit=10)], clock=clock)
    await pacer.reserve("a", max_wait=0)
    clock.now = 0.5
    await pacer.reserve("a", max_wait=0)
    clock.now = 1.0
    assert await pacer.reserve("a", max_wait=0) == 1.0
    assert await pacer.reserve("b", max_wait=0) == 0, "another chat is not held up"
    clock.now = 2.0
    assert await pacer.reserve("a", max_wait=0) == 0


async def test_the_app_limit_spans_chats() -> None:
    clock = FakeClock()
    pacer = Pacer([Window(seconds=1, limit=10)], [Window(seconds=1, limit=2)], clock=clock)
    await pacer.reserve("a", max_wait=0)
    await pacer.reserve("b", max_wait=0)
    assert await pacer.reserve("c", max_wait=0) == 1.0


async def test_a_429_holds_the_chat_for_retry_after() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.hold("a", 30)
    assert await pacer.reserve("a", max_wait=5) == 30
    clock.now = 30
    assert await pacer.reserve("a", max_wait=5) == 0


async def test_short_waits_are_waited_out_and_reserved() -> None:
    pacer = Pacer([Window(seconds=0.05, limit=1)], [Window(seconds=1, limit=100)])
    assert await pacer.reserve("a", max_wait=1) == 0
    assert await pacer.reserve("a", max_wait=1) == 0, "waited about 50 ms, then went"

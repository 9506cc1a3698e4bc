"""The mailbox pacer: send turns within the message rate, request slots, bookings, pauses."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from temporalio.testing import ActivityEnvironment

from integrations.graph.pacing import (
    MAILBOX_BUSY,
    MailboxPacer,
    PacedTransport,
    PacingLimits,
    mailbox_of,
)

MINUTE = 0.4
LIMITS = PacingLimits(messages_per_minute=3, concurrent_requests=2, minute=MINUTE, max_wait=5.0)


async def _submit_all(pacer: MailboxPacer, count: int, mailbox: str = "a@x") -> list[float]:
    """Submit ``count`` sends at once; return when each finished (they take 20 ms)."""
    finished: list[float] = []

    async def one(number: int) -> None:
        async with pacer.turn(mailbox, f"{mailbox}:{number}") as turn, turn.submission():
            await asyncio.sleep(0.02)
        finished.append(time.monotonic())

    await asyncio.gather(*(one(number) for number in range(count)))
    return sorted(finished)


def _most_in_any_minute(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + MINUTE) for start in times)


async def test_sends_keep_to_the_rate_and_go_in_batches_a_minute_apart() -> None:
    started = time.monotonic()
    finished = await _submit_all(MailboxPacer(LIMITS), 7)
    assert _most_in_any_minute(finished) <= 3
    # 3 at once, 3 a minute later, the last one a minute after that.
    assert finished[2] - started < MINUTE / 2
    assert MINUTE <= finished[5] - started < 1.5 * MINUTE
    assert 2 * MINUTE <= finished[6] - started < 2.5 * MINUTE


async def test_mailboxes_are_paced_apart() -> None:
    pacer = MailboxPacer(LIMITS)
    started = time.monotonic()
    a, b = await asyncio.gather(_submit_all(pacer, 3, "a@x"), _submit_all(pacer, 3, "B@x"))
    assert max(a + b) - started < MINUTE / 2


async def _claim(pacer: MailboxPacer, key: str) -> None:
    async with pacer.turn("a@x", key):
        pass


def _booked_delay(error: ApplicationError) -> float:
    assert error.next_retry_delay is not None
    return error.next_retry_delay.total_seconds()


async def test_a_far_turn_is_booked_and_handed_back_then_honoured() -> None:
    pacer = MailboxPacer(PacingLimits(messages_per_minute=2, minute=60.0, max_wait=1.0))
    async with pacer.turn("a@x", "k1") as first, pacer.turn("a@x", "k2") as second:
        # Claimed but not yet submitted: a third send already counts them.
        with pytest.raises(ApplicationError) as caught:
            await _claim(pacer, "k3")
        assert caught.value.type == MAILBOX_BUSY
        assert caught.value.non_retryable is False
        assert caught.value.category is ApplicationErrorCategory.BENIGN
        async with first.submission(), second.submission():
            pass
    delays = [_booked_delay(caught.value)]
    for key in ("k4", "k5"):
        with pytest.raises(ApplicationError) as caught:
            await _claim(pacer, key)
        delays.append(_booked_delay(caught.value))
    # Two a minute: k3 and k4 in the next minute, k5 in the one after.
    assert 59 <= delays[0] <= delays[1] <= 60
    assert 119 <= delays[2] <= 120
    # Back at its turn, a booked send goes on (its booking is used up once).
    await _claim(pacer, "k3")
    with pytest.raises(ApplicationError):
        await _claim(pacer, "k3")


async def test_a_send_found_already_sent_gives_its_place_back() -> None:
    pacer = MailboxPacer(PacingLimits(messages_per_minute=1, minute=60.0, max_wait=1.0))
    for _ in range(3):
        await _claim(pacer, "k")  # never submitted: nothing counted
    await _submit_all(pacer, 1)
    with pytest.raises(ApplicationError):
        await _claim(pacer, "next")


async def test_a_pause_holds_sends_back() -> None:
    pacer = MailboxPacer(LIMITS)
    pacer.pause("a@x", 0.3)
    started = time.monotonic()
    await _submit_all(pacer, 1)
    assert time.monotonic() - started >= 0.3


def test_the_mailbox_of_a_graph_path() -> None:
    assert mailbox_of("/v1.0/users/Sam%40x.example/sendMail") == "sam@x.example"
    assert mailbox_of("/v1.0/users/abc/mailFolders/sentitems/messages") == "abc"
    assert mailbox_of("/v1.0/subscriptions") is None


async def test_the_transport_holds_each_mailbox_to_its_concurrent_requests() -> None:
    in_flight: dict[str, int] = {}
    most: dict[str, int] = {}

    async def answer(request: httpx.Request) -> httpx.Response:
        mailbox = mailbox_of(request.url.path) or "none"
        in_flight[mailbox] = in_flight.get(mailbox, 0) + 1
        most[mailbox] = max(most.get(mailbox, 0), in_flight[mailbox])
        await asyncio.sleep(0.02)
        in_flight[mailbox] -= 1
        return httpx.Response(200, json={})

    pacer = MailboxPacer(LIMITS)
    transport = PacedTransport(httpx.MockTransport(answer), pacer)
    async with httpx.AsyncClient(transport=transport, base_url="http://graph") as client:
        await asyncio.gather(
            *(client.get(f"/v1.0/users/{who}/messages") for who in ["a", "b"] * 6),
            *(client.get("/v1.0/subscriptions") for _ in range(3)),
        )
    assert most == {"a": 2, "b": 2, "none": 3}


async def test_a_429_pauses_the_mailbox_for_its_retry_after() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "1"}, json={})

    pacer = MailboxPacer(LIMITS)
    transport = PacedTransport(httpx.MockTransport(answer), pacer)
    async with httpx.AsyncClient(transport=transport, base_url="http://graph") as client:
        response = await client.post("/v1.0/users/a/sendMail")
    assert response.status_code == 429
    started = time.monotonic()
    await _submit_all(pacer, 1, mailbox="a")
    assert time.monotonic() - started >= 0.9


async def test_without_a_message_rate_sends_go_at_once_and_still_pause_after_a_429() -> None:
    # The per-mailbox task queue holds the rate: the pacer books nothing and holds no one.
    pacer = MailboxPacer(PacingLimits(messages_per_minute=None, minute=MINUTE, max_wait=1.0))
    started = time.monotonic()
    finished = await _submit_all(pacer, 10)
    assert finished[-1] - started < MINUTE
    pacer.pause("a@x", 0.2)
    paused = time.monotonic()
    await _submit_all(pacer, 1)
    assert time.monotonic() - paused >= 0.19


async def test_a_submission_the_queue_held_back_waits_for_its_moment_after_the_dispatch() -> None:
    # Sends reach Exchange spaced as Temporal dispatched them, whatever their look-ups took.
    pacer = MailboxPacer(PacingLimits(messages_per_minute=None, align_to_dispatch=0.3))
    environment = ActivityEnvironment()
    now = datetime.now(UTC)
    environment.info = dataclasses.replace(
        environment.info,
        current_attempt_scheduled_time=now - timedelta(seconds=2),
        started_time=now,
    )

    async def send() -> float:
        async with pacer.turn("a@x", "a@x:1") as turn, turn.submission():
            return time.time()

    submitted = await environment.run(send)
    assert submitted - environment.info.started_time.timestamp() >= 0.29


async def test_a_send_dispatched_at_once_is_submitted_at_once() -> None:
    # The queue's rate was unspent: an idle mailbox's confirmation is not held back.
    pacer = MailboxPacer(PacingLimits(messages_per_minute=None, align_to_dispatch=2.0))
    environment = ActivityEnvironment()
    now = datetime.now(UTC)
    environment.info = dataclasses.replace(
        environment.info, current_attempt_scheduled_time=now, started_time=now
    )

    async def send() -> float:
        async with pacer.turn("a@x", "a@x:1") as turn, turn.submission():
            return time.time()

    submitted = await environment.run(send)
    assert submitted - now.timestamp() < 0.5

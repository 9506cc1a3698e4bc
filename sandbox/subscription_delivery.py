"""Posting to webhook receivers: the validation handshake and the retrying delivery queue.

The queue is a JSON list in the store's metadata, so notifications a receiver has not yet
accepted survive a sandbox restart (delivery is at least once, as Graph's is). Retry timing
follows the wall clock, not the sandbox clock: like Graph's retry window it is about real
outages of a receiver, and a test that moves business time forward must not flush retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlencode

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field

from sandbox.store import Store

_QUEUE_KEY = "subscriptions.pending"
_POLICY_KEY = "subscriptions.delivery_policy"
_LOG_SIZE = 200
_IDLE_TICK = 1.0
log = structlog.get_logger("sandbox.subscriptions")

Kind = Literal["notification", "lifecycle"]
Item = dict[str, Any]


class DeliveryPolicy(BaseModel):
    """How the sandbox talks to webhook receivers; Graph's values unless a test shortens them.

    Retries wait ``first_retry_seconds``, then twice as long each time up to
    ``max_retry_seconds``, and stop ``retry_window_seconds`` after the change (Graph: about 4
    hours); a notification given up on makes a ``missed`` lifecycle event.
    """

    model_config = ConfigDict(extra="forbid")

    validation_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    delivery_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    first_retry_seconds: float = Field(default=1.0, gt=0)
    max_retry_seconds: float = Field(default=60.0, gt=0)
    retry_window_seconds: float = Field(default=4 * 3600.0, ge=0)
    max_batch: int = Field(default=50, ge=1, le=1000)
    max_pending: int = Field(default=10_000, ge=1)
    reauthorize_minutes_before_expiry: float | None = Field(default=None, gt=0)
    plain_http_hosts: list[str] = Field(default_factory=lambda: ["127.0.0.1", "localhost", "::1"])


def load_policy(store: Store) -> DeliveryPolicy:
    """Return the delivery policy kept in the store, or the defaults."""
    saved = store.get_meta(_POLICY_KEY)
    return DeliveryPolicy.model_validate_json(saved) if saved else DeliveryPolicy()


def save_policy(store: Store, policy: DeliveryPolicy) -> None:
    """Keep a delivery policy across restarts."""
    store.set_meta(_POLICY_KEY, policy.model_dump_json())


def validation_token() -> str:
    """Return a token in the shape Graph sends in its validation request."""
    return (
        "Validation: Testing client application reachability for subscription "
        f"Request-Id: {uuid.uuid4()}"
    )


async def validate_endpoint(url: str, limit_seconds: float) -> str | None:
    """Run Graph's validation handshake against a notification or lifecycle URL.

    Graph POSTs ``{url}?validationToken=...`` with an empty body and expects ``200`` with a
    ``text/plain`` body equal to the decoded token.

    Args:
        url: the receiver's URL (its own query string is kept).
        limit_seconds: how long the whole exchange may take.

    Returns:
        ``None`` when the receiver passed, ``"timeout"`` when it did not answer in time, or
        a short description of what was wrong.
    """
    token = validation_token()
    target = f"{url}{'&' if '?' in url else '?'}{urlencode({'validationToken': token})}"
    try:
        async with (
            asyncio.timeout(limit_seconds),
            httpx.AsyncClient(follow_redirects=False, trust_env=False) as client,
        ):
            response = await client.post(
                target, content=b"", headers={"Content-Type": "text/plain; charset=utf-8"}
            )
    except TimeoutError:
        return "timeout"
    except httpx.TimeoutException:
        return "timeout"
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"
    if response.status_code != 200:
        return f"answered HTTP {response.status_code}"
    if not response.headers.get("content-type", "").lower().startswith("text/plain"):
        return "answered without Content-Type text/plain"
    if response.text != token:
        return "answered a body other than the validation token"
    return None


def _wall_label(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class DeliveryQueue:
    """Pending notifications, persisted, and the asyncio task that posts them.

    ``enqueue`` may be called from any thread (the change hub calls it inside request
    handlers); only the worker task, on the server's event loop, does network I/O.
    """

    def __init__(
        self,
        store: Store,
        policy: Callable[[], DeliveryPolicy],
        *,
        deliverable: Callable[[Item], bool],
        abandoned: Callable[[list[Item]], None],
        tick: Callable[[], None],
    ) -> None:
        """Create the queue over a store.

        Args:
            store: where pending items are kept.
            policy: returns the delivery policy in force.
            deliverable: whether an item may still be sent (its subscription is live).
            abandoned: told of change notifications given up on, to report them as missed.
            tick: called about once a second by the worker, for time-based lifecycle events.
        """
        self._store = store
        self._policy = policy
        self._deliverable = deliverable
        self._abandoned = abandoned
        self._tick = tick
        self._lock = threading.Lock()
        saved = store.get_meta(_QUEUE_KEY)
        self._items: list[Item] = json.loads(saved) if saved else []
        self._in_flight: set[str] = set()
        self._busy: set[tuple[str, str]] = set()
        self._log: deque[dict[str, Any]] = deque(maxlen=_LOG_SIZE)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()

    # -- queue --------------------------------------------------------------------------

    def _persist(self) -> None:
        self._store.set_meta(_QUEUE_KEY, json.dumps(self._items))

    def enqueue(self, kind: Kind, subscription_id: str, url: str, payloads: list[Item]) -> None:
        """Queue notifications for a receiver and wake the worker.

        Args:
            kind: change notifications or lifecycle notifications.
            subscription_id: the subscription they belong to.
            url: where to POST them.
            payloads: one entry of the ``value`` array each.
        """
        if not payloads:
            return
        now = time.time()
        overflow: list[Item] = []
        with self._lock:
            for payload in payloads:
                self._items.append(
                    {
                        "id": uuid.uuid4().hex,
                        "kind": kind,
                        "subscriptionId": subscription_id,
                        "url": url,
                        "payload": payload,
                        "enqueuedAt": now,
                        "dueAt": now,
                        "attempts": 0,
                    }
                )
            excess = len(self._items) - self._policy().max_pending
            if excess > 0:
                # Only change notifications are shed: losing them is what ``missed`` reports.
                candidates = [
                    i
                    for i in self._items
                    if i["kind"] == "notification" and i["id"] not in self._in_flight
                ]
                overflow = candidates[:excess]
                dropped = {item["id"] for item in overflow}
                self._items = [i for i in self._items if i["id"] not in dropped]
            self._persist()
        if overflow:
            self._finish(overflow, "dropped", "the pending queue is full")
            self._abandoned([i for i in overflow if i["kind"] == "notification"])
        self.wake()

    def discard(self, subscription_id: str, kind: Kind | None = None) -> int:
        """Forget the pending items of a subscription that are not being sent right now.

        Returns:
            How many were forgotten.
        """
        with self._lock:
            gone = [
                item
                for item in self._items
                if item["subscriptionId"] == subscription_id
                and (kind is None or item["kind"] == kind)
                and item["id"] not in self._in_flight
            ]
            ids = {item["id"] for item in gone}
            self._items = [item for item in self._items if item["id"] not in ids]
            self._persist()
        if gone:
            self._finish(gone, "dropped", "discarded by the sandbox")
        return len(gone)

    def pending(self, subscription_id: str | None = None) -> list[Item]:
        """Return copies of the pending items, oldest first."""
        with self._lock:
            return [
                dict(item)
                for item in self._items
                if subscription_id is None or item["subscriptionId"] == subscription_id
            ]

    def record(self, **entry: Any) -> None:
        """Add an entry to the log of recent deliveries (newest last)."""
        self._log.append({"at": _wall_label(time.time()), **entry})

    def recent(self) -> list[dict[str, Any]]:
        """Return the recent deliveries, newest first."""
        return list(reversed(self._log))

    def _finish(
        self, items: list[Item], outcome: str, detail: str, status: int | None = None
    ) -> None:
        for (kind, url, subscription_id), group in _groups(items).items():
            self.record(
                kind=kind,
                subscriptionId=subscription_id,
                url=url,
                count=len(group),
                attempt=max(item["attempts"] for item in group),
                outcome=outcome,
                status=status,
                detail=detail,
            )

    # -- worker -------------------------------------------------------------------------

    def wake(self) -> None:
        """Make the worker look at the queue now (safe from any thread)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop shut down between check and call
            loop.call_soon_threadsafe(wake.set)

    def start(self) -> None:
        """Start the worker on the running event loop, unless it runs already."""
        if self._worker is not None and not self._worker.done():
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._worker = self._loop.create_task(self._run(), name="subscription-delivery")

    async def stop(self) -> None:
        """Stop the worker; items being sent stay queued and go out after a restart."""
        tasks = [*self._sends, *([self._worker] if self._worker else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._worker = None
        self._loop = self._wake = None

    async def _run(self) -> None:
        assert self._wake is not None  # noqa: S101 - set by start()
        async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client:
            while True:
                self._wake.clear()
                try:
                    self._tick()
                    wait = self._dispatch(client)
                except Exception:
                    # One malformed item or store hiccup must not end delivery for everyone.
                    log.exception("subscription_delivery_loop_failed")
                    wait = _IDLE_TICK
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=wait)

    def _dispatch(self, client: httpx.AsyncClient) -> float:
        now = time.time()
        policy = self._policy()
        wait = _IDLE_TICK
        batches: dict[tuple[str, str], list[Item]] = {}
        with self._lock:
            for item in self._items:
                key = (item["kind"], item["url"])
                if item["id"] in self._in_flight or key in self._busy:
                    continue
                if item["dueAt"] > now:
                    wait = min(wait, item["dueAt"] - now)
                    continue
                batch = batches.setdefault(key, [])
                if len(batch) < policy.max_batch:
                    batch.append(item)
            for key, batch in batches.items():
                self._busy.add(key)
                self._in_flight.update(item["id"] for item in batch)
        for key, batch in batches.items():
            task = asyncio.get_running_loop().create_task(self._send(client, key, batch))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)
        return max(wait, 0.01)

    async def _send(
        self, client: httpx.AsyncClient, key: tuple[str, str], batch: list[Item]
    ) -> None:
        try:
            live = [item for item in batch if self._deliverable(item)]
            live_ids = {item["id"] for item in live}
            dead = [item for item in batch if item["id"] not in live_ids]
            if dead:
                self._remove(dead)
                self._finish(dead, "dropped", "the subscription is gone or expired")
            if live:
                await self._post(client, key[1], live)
        finally:
            with self._lock:
                self._busy.discard(key)
                self._in_flight.difference_update(item["id"] for item in batch)
            self.wake()

    async def _post(self, client: httpx.AsyncClient, url: str, items: list[Item]) -> None:
        body = json.dumps({"value": [item["payload"] for item in items]}).encode()
        status: int | None = None
        try:
            async with asyncio.timeout(self._policy().delivery_timeout_seconds):
                response = await client.post(
                    url, content=body, headers={"Content-Type": "application/json"}
                )
            status = response.status_code
            detail = f"HTTP {status}"
        except TimeoutError:
            detail = "no answer within the delivery timeout"
        except httpx.HTTPError as error:
            detail = f"{type(error).__name__}: {error}"
        with self._lock:
            for item in items:
                item["attempts"] += 1
        if status is not None and 200 <= status < 300:
            self._remove(items)
            self._finish(items, "delivered", detail, status)
            return
        self._retry_or_abandon(items, detail, status)

    def _retry_or_abandon(self, items: list[Item], detail: str, status: int | None) -> None:
        policy = self._policy()
        now = time.time()
        retry: list[Item] = []
        given_up: list[Item] = []
        with self._lock:
            for item in items:
                delay = min(
                    policy.first_retry_seconds * 2 ** (item["attempts"] - 1),
                    policy.max_retry_seconds,
                )
                if now + delay - item["enqueuedAt"] > policy.retry_window_seconds:
                    given_up.append(item)
                else:
                    # The batch holds the queue's own dicts, so this reschedules in place.
                    item["dueAt"] = now + delay
                    retry.append(item)
            gone = {item["id"] for item in given_up}
            self._items = [item for item in self._items if item["id"] not in gone]
            self._persist()
        if retry:
            self._finish(retry, "retrying", detail, status)
        if given_up:
            self._finish(given_up, "abandoned", detail, status)
            self._abandoned([item for item in given_up if item["kind"] == "notification"])

    def _remove(self, items: list[Item]) -> None:
        ids = {item["id"] for item in items}
        with self._lock:
            self._items = [item for item in self._items if item["id"] not in ids]
            self._persist()


def _groups(items: list[Item]) -> dict[tuple[str, str, str], list[Item]]:
    groups: dict[tuple[str, str, str], list[Item]] = {}
    for item in items:
        key = (item["kind"], item["url"], item["subscriptionId"])
        groups.setdefault(key, []).append(item)
    return groups

"""``/graph/notifications`` and ``/graph/lifecycle``: Microsoft Graph's webhooks for intake.

Both answer Graph's validation handshake (``?validationToken=...``: the token back as
``text/plain``, at once). A notification is checked against the ``clientState`` Accord
subscribed with; the ones that match are handed to Temporal (a start per message, whose id
makes a second delivery a no-op; a signal to the watch for lifecycle events) and the answer
is ``202`` well inside Graph's 3 seconds. Nothing here reads mail: the workflows do.

Which watch a notification belongs to travels in the URL Accord subscribed with
(``?mailbox=...&mode=...``); it is believed only with a matching ``clientState`` and only for
a mailbox Accord watches.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

import structlog
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel
from temporalio.service import RPCError

from api.config import WebhookConfig
from api.dependencies import ConfigDep, TemporalDep
from api.limits import MalformedJsonError, loads_json
from api.problems import PROBLEM_TYPE_PREFIX, Problem, problem_response
from workflows.intake.client import signal_watch, start_message_intake
from workflows.intake.contracts import ChangeNotice, LifecycleEvent, LifecycleNotice, WatchMode

HAND_OVER_TIMEOUT = 2.5
"""Seconds to hand notifications to Temporal; Graph wants an answer within 3."""
MAX_TOKEN_LENGTH = 1024
_ETAG = re.compile(r'^(?:W/)?"(?P<key>[^"]*)"$')
_Notice = TypeVar("_Notice", ChangeNotice, LifecycleNotice)

log = structlog.get_logger("accord.api.notifications")
router = APIRouter(prefix="/graph", tags=["graph webhooks"])

ValidationToken = Annotated[
    str | None,
    Query(
        alias="validationToken",
        max_length=MAX_TOKEN_LENGTH,
        description="Graph's validation handshake; answered with the token as text/plain.",
    ),
]
MailboxQuery = Annotated[str | None, Query(description="The watched mailbox (Accord's URL).")]
ModeQuery = Annotated[WatchMode | None, Query(description="What the mailbox is watched for.")]


class NotificationReceipt(BaseModel):
    """What happened to a batch of notifications."""

    accepted: int
    rejected: int
    malformed: int


def _problem(status: int, slug: str, title: str, detail: str) -> JSONResponse:
    return problem_response(
        Problem(type=f"{PROBLEM_TYPE_PREFIX}{slug}", title=title, status=status, detail=detail)
    )


async def _items(request: Request) -> list[Any] | JSONResponse:
    try:
        body = loads_json(await request.body())
    except MalformedJsonError:
        return _problem(
            400, "malformed-notification", "The notification is not JSON", "Send Graph's JSON."
        )
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        return _problem(
            400,
            "malformed-notification",
            "The notification has no `value` list",
            "A change notification is an object whose `value` is a list of notifications.",
        )
    return list(body["value"])


def _watched(
    webhooks: WebhookConfig, mailbox: str | None, mode: WatchMode | None
) -> tuple[str, WatchMode] | None:
    if mailbox is None or mode is None:
        return None
    target = (mailbox.strip().lower(), mode)
    return target if target in webhooks.watched else None


def client_state_matches(given: object, accepted: Sequence[str]) -> bool:
    """Compare a notification's ``clientState`` with the accepted ones in constant time."""
    if not isinstance(given, str):
        return False
    return any(hmac.compare_digest(given.encode(), state.encode()) for state in accepted)


def _change_key(resource_data: dict[str, Any]) -> str:
    match = _ETAG.match(str(resource_data.get("@odata.etag") or ""))
    return match.group("key") if match else ""


def _notice(item: dict[str, Any], mailbox: str, mode: WatchMode) -> ChangeNotice | None:
    data = item.get("resourceData")
    if not isinstance(data, dict):
        return None
    message_id = data.get("id") or str(item.get("resource") or "").rpartition("/")[2]
    if not isinstance(message_id, str) or not message_id or len(message_id) > 512:
        return None
    return ChangeNotice(
        mailbox=mailbox.strip().lower(),
        mode=mode,
        message_id=message_id,
        change_key=_change_key(data) if mode is WatchMode.FLAGS else "",
    )


def _lifecycle(item: dict[str, Any]) -> LifecycleNotice | None:
    event = item.get("lifecycleEvent")
    subscription_id = item.get("subscriptionId")
    # A string first: a list or object there is malformed, not a crash (unhashable).
    if not isinstance(event, str) or event not in set(LifecycleEvent):
        return None
    if not isinstance(subscription_id, str):
        return None
    return LifecycleNotice(event=LifecycleEvent(event), subscription_id=subscription_id)


def _sort(
    items: list[Any],
    accepted_states: Sequence[str],
    target: tuple[str, WatchMode] | None,
    parse: Callable[[dict[str, Any], tuple[str, WatchMode]], _Notice | None],
) -> tuple[list[_Notice], int, int]:
    """Split a batch into usable notices and counts of rejected and malformed items.

    Both webhooks judge an item the same way: not an object is malformed, a wrong
    ``clientState`` (or a URL for a mailbox not watched) is rejected, and only then does
    ``parse`` read the item's own fields.
    """
    notices: list[_Notice] = []
    rejected = malformed = 0
    for item in items:
        if not isinstance(item, dict):
            malformed += 1
        elif target is None or not client_state_matches(item.get("clientState"), accepted_states):
            rejected += 1
        elif (notice := parse(item, target)) is None:
            malformed += 1
        else:
            notices.append(notice)
    return notices, rejected, malformed


@router.post(
    "/notifications",
    status_code=202,
    response_model=NotificationReceipt,
    responses={
        200: {"description": "The validation handshake.", "content": {"text/plain": {}}},
        400: {"description": "Not a change notification (nothing was started)."},
        403: {"description": "No notification carried the right clientState."},
        503: {"description": "Temporal cannot take the work now; Graph will retry."},
    },
)
async def change_notifications(
    request: Request,
    config: ConfigDep,
    temporal: TemporalDep,
    validation_token: ValidationToken = None,
    mailbox: MailboxQuery = None,
    mode: ModeQuery = None,
) -> Response:
    """Take Graph's change notifications for a watched mailbox and start reading each message."""
    if validation_token is not None:
        return PlainTextResponse(validation_token)
    items = await _items(request)
    if isinstance(items, JSONResponse):
        log.info("notification_malformed")
        return items
    target = _watched(config.webhooks, mailbox, mode)
    notices, rejected, malformed = _sort(
        items, config.webhooks.client_states, target, lambda item, watch: _notice(item, *watch)
    )
    if rejected:
        # Counts only: neither the secret that was sent nor the one expected.
        log.warning("notification_rejected", rejected=rejected)
    if malformed:
        log.info("notification_items_malformed", malformed=malformed)
    if not notices:
        if rejected:
            return _problem(
                403,
                "notification-rejected",
                "The notification was not accepted",
                "No notification carried the expected clientState; nothing was started.",
            )
        return _problem(
            400,
            "malformed-notification",
            "No usable notification",
            "Each notification needs resourceData with the message id; nothing was started.",
        )
    try:
        async with asyncio.timeout(HAND_OVER_TIMEOUT):
            for notice in notices:
                await start_message_intake(temporal, notice, config.task_queue)
    except (TimeoutError, RPCError):
        log.warning("notification_hand_over_failed", count=len(notices))
        return _problem(
            503,
            "unavailable",
            "Accord cannot take notifications right now",
            "Nothing is lost: Graph retries, and the next catch-up finds the message.",
        )
    receipt = NotificationReceipt(accepted=len(notices), rejected=rejected, malformed=malformed)
    log.info("notifications_accepted", accepted=len(notices), mode=mode.value if mode else None)
    return JSONResponse(receipt.model_dump(), status_code=202)


@router.post(
    "/lifecycle",
    status_code=202,
    response_model=NotificationReceipt,
    responses={
        200: {"description": "The validation handshake.", "content": {"text/plain": {}}},
        400: {"description": "Not a lifecycle notification."},
        403: {"description": "No notification carried the right clientState."},
        503: {"description": "Temporal cannot take the work now; Graph will retry."},
    },
)
async def lifecycle_notifications(
    request: Request,
    config: ConfigDep,
    temporal: TemporalDep,
    validation_token: ValidationToken = None,
    mailbox: MailboxQuery = None,
    mode: ModeQuery = None,
) -> Response:
    """Pass Graph's lifecycle notifications to the watch that owns the subscription."""
    if validation_token is not None:
        return PlainTextResponse(validation_token)
    items = await _items(request)
    if isinstance(items, JSONResponse):
        return items
    target = _watched(config.webhooks, mailbox, mode)
    notices, rejected, malformed = _sort(
        items, config.webhooks.client_states, target, lambda item, _watch: _lifecycle(item)
    )
    if rejected:
        log.warning("lifecycle_rejected", rejected=rejected)
    if not notices:
        status, slug = (
            (403, "notification-rejected") if rejected else (400, "malformed-notification")
        )
        return _problem(status, slug, "No usable lifecycle notification", "Nothing was done.")
    assert target is not None  # noqa: S101 - every accepted notice had one
    try:
        async with asyncio.timeout(HAND_OVER_TIMEOUT):
            for notice in notices:
                await signal_watch(temporal, *target, notice, config.task_queue)
    except (TimeoutError, RPCError):
        log.warning("lifecycle_hand_over_failed", count=len(notices))
        return _problem(
            503, "unavailable", "Accord cannot take notifications right now", "Please retry."
        )
    receipt = NotificationReceipt(accepted=len(notices), rejected=rejected, malformed=malformed)
    return JSONResponse(receipt.model_dump(), status_code=202)

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

import re
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.config import WebhookConfig
from api.dependencies import ConfigDep, TemporalDep
from api.graph_webhooks import (
    BodyFault,
    ValidationToken,
    hand_over,
    handshake,
    lifecycle_fields,
    notification_items,
    problem,
    sort_notifications,
    webhook_responses,
)
from workflows.intake.client import signal_watch, start_message_intake
from workflows.intake.contracts import ChangeNotice, LifecycleEvent, LifecycleNotice, WatchMode

_ETAG = re.compile(r'^(?:W/)?"(?P<key>[^"]*)"$')

log = structlog.get_logger("accord.api.notifications")
router = APIRouter(prefix="/graph", tags=["graph webhooks"])

MailboxQuery = Annotated[str | None, Query(description="The watched mailbox (Accord's URL).")]
ModeQuery = Annotated[WatchMode | None, Query(description="What the mailbox is watched for.")]


class NotificationReceipt(BaseModel):
    """What happened to a batch of notifications."""

    accepted: int
    rejected: int
    malformed: int


async def _items(request: Request) -> list[Any] | JSONResponse:
    items = await notification_items(request)
    if items is BodyFault.NOT_JSON:
        return problem(
            400, "malformed-notification", "The notification is not JSON", "Send Graph's JSON."
        )
    if items is BodyFault.NO_VALUE_LIST:
        return problem(
            400,
            "malformed-notification",
            "The notification has no `value` list",
            "A change notification is an object whose `value` is a list of notifications.",
        )
    return items


def _watched(
    webhooks: WebhookConfig, mailbox: str | None, mode: WatchMode | None
) -> tuple[str, WatchMode] | None:
    if mailbox is None or mode is None:
        return None
    target = (mailbox.strip().lower(), mode)
    return target if target in webhooks.watched else None


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
    fields = lifecycle_fields(item, LifecycleEvent)
    if fields is None:
        return None
    event, subscription_id = fields
    return LifecycleNotice(event=event, subscription_id=subscription_id)


@router.post(
    "/notifications",
    status_code=202,
    response_model=NotificationReceipt,
    responses=webhook_responses("Not a change notification (nothing was started)."),
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
    if (answer := handshake(validation_token)) is not None:
        return answer
    items = await _items(request)
    if isinstance(items, JSONResponse):
        log.info("notification_malformed")
        return items
    target = _watched(config.webhooks, mailbox, mode)
    notices, rejected, malformed = sort_notifications(
        items, config.webhooks.client_states, target, lambda item, watch: _notice(item, *watch)
    )
    if rejected:
        # Counts only: neither the secret that was sent nor the one expected.
        log.warning("notification_rejected", rejected=rejected)
    if malformed:
        log.info("notification_items_malformed", malformed=malformed)
    if not notices:
        if rejected:
            return problem(
                403,
                "notification-rejected",
                "The notification was not accepted",
                "No notification carried the expected clientState; nothing was started.",
            )
        return problem(
            400,
            "malformed-notification",
            "No usable notification",
            "Each notification needs resourceData with the message id; nothing was started.",
        )

    async def send() -> None:
        for notice in notices:
            await start_message_intake(temporal, notice, config.task_queue)

    if not await hand_over(send):
        log.warning("notification_hand_over_failed", count=len(notices))
        return problem(
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
    responses=webhook_responses("Not a lifecycle notification."),
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
    if (answer := handshake(validation_token)) is not None:
        return answer
    items = await _items(request)
    if isinstance(items, JSONResponse):
        return items
    target = _watched(config.webhooks, mailbox, mode)
    notices, rejected, malformed = sort_notifications(
        items, config.webhooks.client_states, target, lambda item, _watch: _lifecycle(item)
    )
    if rejected:
        log.warning("lifecycle_rejected", rejected=rejected)
    if not notices:
        status, slug = (
            (403, "notification-rejected") if rejected else (400, "malformed-notification")
        )
        return problem(status, slug, "No usable lifecycle notification", "Nothing was done.")
    assert target is not None  # noqa: S101 - every accepted notice had one
    watch = target

    async def send() -> None:
        for notice in notices:
            await signal_watch(temporal, *watch, notice, config.task_queue)

    if not await hand_over(send):
        log.warning("lifecycle_hand_over_failed", count=len(notices))
        return problem(
            503, "unavailable", "Accord cannot take notifications right now", "Please retry."
        )
    receipt = NotificationReceipt(accepted=len(notices), rejected=rejected, malformed=malformed)
    return JSONResponse(receipt.model_dump(), status_code=202)

"""Graph change-notification subscriptions and delta catch-up for the mailbox watches.

A watch's workflow decides when; these activities do the talking: create a subscription,
renew (or reauthorize) it, and read a folder's delta to hand every message found to intake
(the same workflow ids the webhook uses, so nothing is read twice).
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.message import Message
from msgraph.generated.models.subscription import Subscription
from msgraph.generated.users.item.mail_folders.item.messages.delta.delta_request_builder import (
    DeltaRequestBuilder,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.intake.contracts import (
    CATCH_UP_MAILBOX,
    CREATE_MAIL_SUBSCRIPTION,
    RENEW_MAIL_SUBSCRIPTION,
    CatchUpRequest,
    CatchUpResult,
    SubscriptionInfo,
    SubscriptionRenewal,
    SubscriptionRequest,
)
from integrations.graph.errors import graph_errors
from integrations.graph.subscriptions import create_subscription, renew_subscription
from workflows.intake.client import start_message_intake
from workflows.intake.contracts import ChangeNotice, WatchConfig, WatchMode

log = structlog.get_logger("accord.activities.subscriptions")

_DELTA_PAGE = 50
_DELTA_FIELDS = ["id", "changeKey", "flag", "categories", "receivedDateTime"]
# Graph's answers when a deltaLink can no longer be used: start a fresh round instead.
_STALE_DELTA_STATUSES = frozenset({400, 404, 410})


def resource_of(config: WatchConfig) -> tuple[str, str]:
    """Return the resource and change type a watch subscribes to.

    Args:
        config: the watch.

    Returns:
        ``(resource, changeType)``: new messages in the agent's inbox, or updates to any
        message of a manager's mailbox (a flag is an update).
    """
    if config.mode is WatchMode.AGENT_INBOX:
        return f"users/{config.mailbox}/mailFolders('inbox')/messages", "created"
    return f"users/{config.mailbox}/messages", "updated"


def _graph_instant(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _info(subscription: Subscription | None) -> SubscriptionInfo:
    if subscription is None or not subscription.id:
        raise ApplicationError("Graph answered without a subscription", type="GraphUnavailable")
    return SubscriptionInfo(
        subscription_id=subscription.id, expires_at=subscription.expiration_date_time
    )


def flagged_for_intake(message: Message, category: str) -> bool:
    """Whether a message (as delta returns it) is flagged with the intake category."""
    flag = message.flag
    status = getattr(getattr(flag, "flag_status", None), "value", None)
    categories = {name.strip().lower() for name in message.categories or []}
    return status == "flagged" and category.strip().lower() in categories


class SubscriptionActivities:
    """Keeps Graph subscriptions and reads delta for the watches.

    Args:
        graph: the SDK client.
        temporal: the Temporal client, to start message intake.
        task_queue: where intake workflows run.
    """

    def __init__(self, graph: GraphServiceClient, temporal: Client, *, task_queue: str) -> None:
        self._graph = graph
        self._temporal = temporal
        self._task_queue = task_queue

    @activity.defn(name=CREATE_MAIL_SUBSCRIPTION)
    async def create_mail_subscription(self, request: SubscriptionRequest) -> SubscriptionInfo:
        """Create the watch's subscription (Graph validates both URLs first).

        Args:
            request: the watch and the expiry to ask for.

        Returns:
            The new subscription.
        """
        resource, change_type = resource_of(request.config)
        subscription = Subscription(
            change_type=change_type,
            resource=resource,
            notification_url=request.config.notification_url,
            lifecycle_notification_url=request.config.lifecycle_url,
            client_state=request.config.client_state,
            expiration_date_time=request.expires_at,
        )
        info = _info(await create_subscription(self._graph, subscription))
        log.info(
            "subscription_created",
            subscription_id=info.subscription_id,
            mode=request.config.mode.value,
        )
        return info

    @activity.defn(name=RENEW_MAIL_SUBSCRIPTION)
    async def renew_mail_subscription(self, renewal: SubscriptionRenewal) -> SubscriptionInfo:
        """Extend a subscription (reauthorizing it first when Graph asked for that).

        Args:
            renewal: which subscription, until when.

        Returns:
            The renewed subscription, or ``found=False`` when Graph no longer has it.
        """
        found, renewed = await renew_subscription(
            self._graph,
            renewal.subscription_id,
            renewal.expires_at,
            reauthorize=renewal.reauthorize,
        )
        if not found:
            log.info("subscription_gone", subscription_id=renewal.subscription_id)
            return SubscriptionInfo(found=False)
        info = _info(renewed)
        log.info("subscription_renewed", subscription_id=info.subscription_id)
        return info

    @activity.defn(name=CATCH_UP_MAILBOX)
    async def catch_up_mailbox(self, request: CatchUpRequest) -> CatchUpResult:
        """Read a folder's changes since the last round and hand each message to intake.

        Without a usable deltaLink, a new round starts at messages received since
        ``request.since`` (the watch's start), so the mailbox's history is not read.

        Args:
            request: the watch, the folder, the last deltaLink and the fallback start.

        Returns:
            The next deltaLink and how many messages were handed on.
        """
        config = request.config
        dispatched = 0
        link = request.delta_link
        try:
            link, dispatched = await self._rounds(request, link)
        except ApplicationError as exc:
            status = exc.details[0] if exc.details else None
            if link is None or status not in _STALE_DELTA_STATUSES:
                raise
            log.info("delta_restarted", folder=request.folder, status=status)
            link, dispatched = await self._rounds(request, None)
        log.info(
            "mailbox_caught_up", mode=config.mode.value, folder=request.folder, found=dispatched
        )
        return CatchUpResult(delta_link=link, dispatched=dispatched)

    async def _rounds(self, request: CatchUpRequest, link: str | None) -> tuple[str, int]:
        config = request.config
        delta = (
            self._graph.users.by_user_id(config.mailbox)
            .mail_folders.by_mail_folder_id(request.folder)
            .messages.delta
        )
        dispatched = 0
        with graph_errors():
            if link is None:
                query = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(
                    select=_DELTA_FIELDS,
                    filter=f"receivedDateTime ge {_graph_instant(request.since)}",
                )
                page = await delta.get(RequestConfiguration(query_parameters=query))
            else:
                page = await delta.with_url(link).get()
            while page is not None:
                for message in page.value or []:
                    if await self._hand_on(config, message):
                        dispatched += 1
                if page.odata_next_link:
                    page = await delta.with_url(page.odata_next_link).get()
                    continue
                if not page.odata_delta_link:
                    raise ApplicationError(
                        "delta ended without a deltaLink", type="GraphUnavailable"
                    )
                return page.odata_delta_link, dispatched
        raise ApplicationError("Graph answered delta with nothing", type="GraphUnavailable")

    async def _hand_on(self, config: WatchConfig, message: Message) -> bool:
        if not message.id or (message.additional_data or {}).get("@removed"):
            return False
        if config.mode is WatchMode.FLAGS and not flagged_for_intake(message, config.category):
            return False
        notice = ChangeNotice(
            mailbox=config.mailbox,
            mode=config.mode,
            message_id=message.id,
            change_key=message.change_key or "" if config.mode is WatchMode.FLAGS else "",
        )
        await start_message_intake(self._temporal, notice, config.task_queue)
        return True

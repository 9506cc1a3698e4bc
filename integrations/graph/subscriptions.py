"""Creating, renewing and deleting Graph change-notification subscriptions.

The mail intake's watches and the calendar's decline watch keep their subscriptions the
same way; what each subscribes to, and what it logs, stays with its activities.
"""

from __future__ import annotations

from datetime import datetime

from msgraph.generated.models.subscription import Subscription
from msgraph.graph_service_client import GraphServiceClient
from temporalio.exceptions import ApplicationError

from integrations.graph.errors import graph_errors

VALIDATION_FAILED = "ValidationError"
"""Graph's error code when the webhook did not pass the validation handshake."""
ENDPOINT_UNREACHABLE = "SubscriptionEndpointUnreachable"
_NOT_FOUND = 404


async def create_subscription(
    graph: GraphServiceClient, subscription: Subscription
) -> Subscription | None:
    """Create a subscription (Graph validates both URLs first).

    Args:
        graph: the SDK client.
        subscription: what to subscribe to, where to notify, the secret and the expiry.

    Returns:
        What Graph answered.

    Raises:
        ApplicationError: ``SubscriptionEndpointUnreachable`` when Graph could not validate
            the webhook, else as :func:`integrations.graph.errors.graph_errors` raises.
    """
    try:
        with graph_errors():
            return await graph.subscriptions.post(subscription)
    except ApplicationError as exc:
        if exc.details[1:2] == (VALIDATION_FAILED,):
            # Graph could not reach the webhook: usually the API is still starting (the
            # worker often starts first), so this is worth retrying soon.
            raise ApplicationError(
                "Graph could not validate the notification URL", type=ENDPOINT_UNREACHABLE
            ) from None
        raise


async def renew_subscription(
    graph: GraphServiceClient,
    subscription_id: str,
    expires_at: datetime | None,
    *,
    reauthorize: bool,
) -> tuple[bool, Subscription | None]:
    """Extend a subscription, reauthorizing it first when Graph asked for that.

    Args:
        graph: the SDK client.
        subscription_id: which subscription.
        expires_at: the new expiry.
        reauthorize: whether Graph asked for a reauthorization.

    Returns:
        ``(found, renewed)``: ``found`` is false when Graph no longer has the subscription.
    """
    item = graph.subscriptions.by_subscription_id(subscription_id)
    try:
        with graph_errors():
            if reauthorize:
                await item.reauthorize.post()
            renewed = await item.patch(Subscription(expiration_date_time=expires_at))
    except ApplicationError as exc:
        if exc.details and exc.details[0] == _NOT_FOUND:
            return False, None
        raise
    return True, renewed


async def delete_subscription(graph: GraphServiceClient, subscription_id: str) -> None:
    """Delete a subscription; one Graph no longer has counts as deleted.

    Args:
        graph: the SDK client.
        subscription_id: which subscription.
    """
    item = graph.subscriptions.by_subscription_id(subscription_id)
    try:
        with graph_errors():
            await item.delete()
    except ApplicationError as exc:
        if not (exc.details and exc.details[0] == _NOT_FOUND):
            raise

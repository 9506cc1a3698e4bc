"""The subscription on an organizer's events, for the watch that sees declines within minutes.

The watch (``workflows/calendar/decline_watch.py``) decides when; these activities talk to
Graph. ``MeetingWatch`` is what the booking uses to register each 1:1 with the watch.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import structlog
from msgraph.generated.models.subscription import Subscription
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.calendar.contracts import (
    CREATE_EVENT_SUBSCRIPTION,
    DELETE_EVENT_SUBSCRIPTION,
    RENEW_EVENT_SUBSCRIPTION,
    EventSubscriptionInfo,
    EventSubscriptionRenewal,
    EventSubscriptionRequest,
)
from integrations.graph.subscriptions import (
    create_subscription,
    delete_subscription,
    renew_subscription,
)
from workflows.calendar.client import watch_meeting
from workflows.calendar.contracts import CalendarWatchConfig, WatchedMeeting

log = structlog.get_logger("accord.activities.calendar.watch")

EVENT_CHANGES = "updated,deleted"
"""An attendee's answer updates the organizer's event; a deleted event ends the meeting."""


def events_resource(organizer: str) -> str:
    """Return the resource of an organizer's events (Graph allows it app-only)."""
    return f"users/{organizer}/events"


def for_organizer(url: str, organizer: str) -> str:
    """Return a webhook URL that names the organizer whose calendar it is about."""
    query = urlencode({"organizer": organizer.strip().lower()})
    return f"{url}{'&' if '?' in url else '?'}{query}"


@dataclass(frozen=True)
class MeetingWatch:
    """Registers booked 1:1s with their organizer's watch.

    Attributes:
        temporal: the Temporal client.
        config: where Graph notifies (the worker's settings).
    """

    temporal: Client
    config: CalendarWatchConfig

    async def register(self, organizer: str, meeting: WatchedMeeting) -> None:
        """Watch the organizer's calendar for this meeting's answers until it starts."""
        await watch_meeting(self.temporal, organizer, self.config, meeting)


def _info(subscription: Subscription | None) -> EventSubscriptionInfo:
    if subscription is None or not subscription.id:
        raise ApplicationError("Graph answered without a subscription", type="GraphUnavailable")
    return EventSubscriptionInfo(
        subscription_id=subscription.id, expires_at=subscription.expiration_date_time
    )


class CalendarWatchActivities:
    """Create, renew and delete the subscription on an organizer's events.

    Args:
        graph: the SDK client.
    """

    def __init__(self, graph: GraphServiceClient) -> None:
        self._graph = graph

    @activity.defn(name=CREATE_EVENT_SUBSCRIPTION)
    async def create_event_subscription(
        self, request: EventSubscriptionRequest
    ) -> EventSubscriptionInfo:
        """Subscribe to the organizer's events (Graph validates both URLs first).

        Args:
            request: the organizer, where to notify, the secret to echo, the expiry.

        Returns:
            The new subscription.
        """
        subscription = Subscription(
            change_type=EVENT_CHANGES,
            resource=events_resource(request.organizer),
            notification_url=for_organizer(request.notification_url, request.organizer),
            lifecycle_notification_url=for_organizer(request.lifecycle_url, request.organizer),
            client_state=request.client_state,
            expiration_date_time=request.expires_at,
        )
        info = _info(await create_subscription(self._graph, subscription))
        log.info("event_subscription_created", subscription_id=info.subscription_id)
        return info

    @activity.defn(name=RENEW_EVENT_SUBSCRIPTION)
    async def renew_event_subscription(
        self, renewal: EventSubscriptionRenewal
    ) -> EventSubscriptionInfo:
        """Extend a subscription, reauthorizing it first when Graph asked for that.

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
            log.info("event_subscription_gone", subscription_id=renewal.subscription_id)
            return EventSubscriptionInfo(found=False)
        return _info(renewed)

    @activity.defn(name=DELETE_EVENT_SUBSCRIPTION)
    async def delete_event_subscription(self, renewal: EventSubscriptionRenewal) -> None:
        """Delete a subscription no meeting needs any more; already gone is fine.

        Args:
            renewal: which subscription (its expiry is not used).
        """
        await delete_subscription(self._graph, renewal.subscription_id)
        log.info("event_subscription_deleted", subscription_id=renewal.subscription_id)

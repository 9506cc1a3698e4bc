"""Change notifications: Graph's subscriptions over the sandbox's mail and calendar.

A subscription is checked as Graph checks it (schema, resource, expiry bound, and the
validation handshake with its receivers) and kept in the store, so it survives a restart.
Every write the change hub reports is matched against the live subscriptions and queued for
delivery; :mod:`sandbox.subscription_delivery` posts the queue in the background.

Where the sandbox differs from Graph, on purpose:

- ``notificationUrl`` and ``lifecycleNotificationUrl`` must be https, except that plain
  http is accepted for the hosts in the delivery policy's ``plain_http_hosts`` (127.0.0.1,
  localhost and ::1 by default), so a receiver on the developer's machine works;
- ``includeResourceData`` must be false (no encrypted rich notifications);
- supported resources are a user's messages (all, or one folder's) and events.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sandbox.changes import ResourceChange
from sandbox.clock import graph_datetime
from sandbox.errors import GraphError
from sandbox.schema import GraphSchema
from sandbox.state import SandboxState
from sandbox.subscription_delivery import (
    DeliveryPolicy,
    DeliveryQueue,
    Item,
    load_policy,
    save_policy,
    validate_endpoint,
)

SUBSCRIPTIONS = "subscriptions"
CHANGE_TYPES = ("created", "updated", "deleted")
LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")
TLS_VERSIONS = ("v1_0", "v1_1", "v1_2", "v1_3")
MAX_CLIENT_STATE = 128
_REQUIRED = ("changeType", "notificationUrl", "resource", "expirationDateTime")
_USER = r"users(?:/(?P<user>[^/()']+)|\('(?P<quoted>[^']+)'\))"
_RESOURCES = (
    (re.compile(rf"^{_USER}/messages$", re.IGNORECASE), "messages", False),
    (re.compile(rf"^{_USER}/events$", re.IGNORECASE), "events", False),
    (
        re.compile(
            rf"^{_USER}/mailfolders(?:\('(?P<folder>[^']+)'\)|/(?P<plain>[^/()']+))/messages$",
            re.IGNORECASE,
        ),
        "messages",
        True,
    ),
)
_ODATA_TYPES = {"messages": "#Microsoft.Graph.Message", "events": "#Microsoft.Graph.Event"}
_PATH_NAMES = {"messages": "Messages", "events": "Events"}
_HIDDEN = "_sandbox"
_VALIDATION_FAILED = (
    "Subscription validation request failed. Notification endpoint must respond with 200 OK "
    "to validation request."
)
# The service lives on its state (a reference cycle the collector frees with the state), so
# each sandbox has exactly one listener on its change hub however many apps serve it.
_SERVICE_ATTRIBUTE = "_subscription_service"


@dataclass(frozen=True)
class Target:
    """What a subscription's resource watches.

    Attributes:
        user_id: the mailbox owner.
        collection: ``messages`` or ``events``.
        folder_id: for a folder's messages, that folder; ``None`` for the whole collection.
    """

    user_id: str
    collection: str
    folder_id: str | None

    def matches(self, change: ResourceChange) -> bool:
        """Whether a change falls inside the watched resource."""
        return (
            change.user_id == self.user_id
            and change.collection == self.collection
            and (self.folder_id is None or change.folder_id == self.folder_id)
        )


def _invalid(message: str, code: str = "InvalidRequest") -> GraphError:
    return GraphError(400, code, message)


def _not_found(subscription_id: str) -> GraphError:
    return GraphError(404, "ResourceNotFound", f"The object '{subscription_id}' was not found.")


def parse_resource(state: SandboxState, resource: str) -> Target:
    """Resolve a subscription's ``resource`` to the mailbox collection it watches.

    Raises:
        GraphError: 400 for a resource the sandbox does not notify about; 404 for an
            unknown user or folder.
    """
    path = resource.strip().lstrip("/")
    for pattern, collection, in_folder in _RESOURCES:
        match = pattern.match(path)
        if match is None:
            continue
        user = state.directory.user(match.group("user") or match.group("quoted"))
        user_id = str(user["id"])
        folder_id = None
        if in_folder:
            folder_key = match.group("folder") or match.group("plain")
            folder_id = str(state.directory.folder(user_id, folder_key)["id"])
        return Target(user_id, collection, folder_id)
    raise _invalid(
        f"Resource '{resource}' is not supported for change notifications. Supported "
        "resources: users/{id}/messages, users/{id}/mailFolders('{folder}')/messages, "
        "users/{id}/events."
    )


def _parse_time(value: object) -> datetime:
    # The schema check already made sure this is an Edm.DateTimeOffset literal.
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_change_type(value: str) -> str:
    parts = [part.strip() for part in value.split(",")]
    for part in parts:
        if part.lower() not in CHANGE_TYPES:
            raise _invalid(f"Invalid 'changeType' attribute: '{part}'.")
    return ",".join(part.lower() for part in parts)


def public_view(subscription: dict[str, Any]) -> dict[str, Any]:
    """Return a stored subscription as Graph shows it (without the sandbox's own fields)."""
    return {key: value for key, value in subscription.items() if key != _HIDDEN}


class SubscriptionService:
    """Subscriptions of one sandbox: create, renew, delete, match changes, lifecycle events."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._policy = load_policy(state.store)
        self.queue = DeliveryQueue(
            state.store,
            lambda: self._policy,
            deliverable=self._deliverable,
            abandoned=self._report_missed,
            tick=self._remind_before_expiry,
        )
        state.changes.listen(self._on_change)

    @classmethod
    def of(cls, state: SandboxState) -> SubscriptionService:
        """Return the one service of a sandbox state, creating it on first use."""
        service = getattr(state, _SERVICE_ATTRIBUTE, None)
        if not isinstance(service, SubscriptionService):
            service = cls(state)
            setattr(state, _SERVICE_ATTRIBUTE, service)
        return service

    # -- settings -----------------------------------------------------------------------

    @property
    def policy(self) -> DeliveryPolicy:
        """The delivery policy in force."""
        return self._policy

    def set_policy(self, policy: DeliveryPolicy) -> None:
        """Replace the delivery policy and keep it across restarts."""
        self._policy = policy
        save_policy(self._state.store, policy)
        self.queue.wake()

    # -- reading ------------------------------------------------------------------------

    def _expired(self, subscription: dict[str, Any]) -> bool:
        return _parse_time(subscription["expirationDateTime"]) <= self._state.clock.now()

    def all(self) -> list[dict[str, Any]]:
        """Return every stored subscription, expired ones included."""
        return self._state.store.list(SUBSCRIPTIONS, "")

    def live(self) -> list[dict[str, Any]]:
        """Return the subscriptions that have not expired."""
        return [sub for sub in self.all() if not self._expired(sub)]

    def list_for(self, app_id: str) -> list[dict[str, Any]]:
        """Return the live subscriptions an app created (Graph shows an app only its own)."""
        return [sub for sub in self.live() if sub.get("applicationId") == app_id]

    def find(self, subscription_id: str) -> dict[str, Any] | None:
        """Return a live subscription by id, or ``None``."""
        found = self._state.store.get(SUBSCRIPTIONS, "", subscription_id)
        return None if found is None or self._expired(found) else found

    def get_for(self, app_id: str, subscription_id: str) -> dict[str, Any]:
        """Return one of an app's live subscriptions.

        Raises:
            GraphError: 404 ``ResourceNotFound`` when it does not exist, expired, or belongs
                to another app.
        """
        found = self.find(subscription_id)
        if found is None or found.get("applicationId") != app_id:
            raise _not_found(subscription_id)
        return found

    # -- writing ------------------------------------------------------------------------

    def _check_url(self, value: object, name: str) -> str:
        url = str(value)
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        plain_ok = parts.scheme == "http" and host in {
            allowed.lower() for allowed in self._policy.plain_http_hosts
        }
        if not host or (parts.scheme != "https" and not plain_ok):
            raise _invalid(
                f"Invalid {name} '{url}': the URL must use https (the sandbox also accepts "
                f"http for {', '.join(self._policy.plain_http_hosts)})."
            )
        return url

    def _check_expiry(self, value: object) -> datetime:
        expiry = _parse_time(value)
        now = self._state.clock.now()
        limit = self._state.config.max_subscription_minutes
        if expiry <= now:
            raise _invalid("Subscription expiration must be in the future.", "ExtensionError")
        if expiry > now + timedelta(minutes=limit):
            raise _invalid(
                f"Subscription expiration can only be {limit} minutes in the future.",
                "ExtensionError",
            )
        return expiry

    async def _validate_receiver(self, url: str, purpose: str) -> None:
        if self._state.config.receivers_unreachable:
            # As if a firewall kept Graph out: the receiver is never reached.
            failure: str | None = "ConnectError: the notification URL cannot be reached"
        else:
            failure = await validate_endpoint(url, self._policy.validation_timeout_seconds)
        self.queue.record(
            kind="validation",
            subscriptionId=None,
            url=url,
            count=1,
            attempt=1,
            outcome="failed" if failure else "validated",
            status=None,
            detail=failure or purpose,
        )
        if failure == "timeout":
            raise _invalid("Subscription validation request timed out.")
        if failure is not None:
            raise _invalid(_VALIDATION_FAILED, "ValidationError")

    async def create(self, body: dict[str, Any], app_id: str) -> dict[str, Any]:
        """Check and create a subscription, after its receivers pass validation.

        Args:
            body: the request body.
            app_id: the calling app's client id.

        Returns:
            The stored subscription (public view).

        Raises:
            GraphError: 400 for an invalid body, resource, expiry or failed validation;
                404 for an unknown user or folder.
        """
        GraphSchema.load().validate_entity("subscription", body)
        for name in _REQUIRED:
            if body.get(name) in (None, ""):
                raise _invalid(f"{name} is a required property for subscription creation.")
        change_type = _check_change_type(str(body["changeType"]))
        resource = str(body["resource"])
        target = parse_resource(self._state, resource)
        notification_url = self._check_url(body["notificationUrl"], "notificationUrl")
        lifecycle_url = body.get("lifecycleNotificationUrl")
        if lifecycle_url is not None:
            lifecycle_url = self._check_url(lifecycle_url, "lifecycleNotificationUrl")
        client_state = body.get("clientState")
        if client_state is not None and len(str(client_state)) > MAX_CLIENT_STATE:
            raise _invalid(
                f"The clientState can be at most {MAX_CLIENT_STATE} characters long.",
                "ValidationError",
            )
        tls = body.get("latestSupportedTlsVersion") or "v1_2"
        if tls not in TLS_VERSIONS:
            raise _invalid(
                "Invalid property value for LatestSupportedTlsVersion", "ValidationError"
            )
        if body.get("includeResourceData"):
            raise _invalid(
                "The sandbox does not send notifications with resource data: set "
                "includeResourceData to false and read the resource after a notification."
            )
        expiry = self._check_expiry(body["expirationDateTime"])
        await self._validate_receiver(notification_url, "notificationUrl validated")
        if lifecycle_url is not None:
            await self._validate_receiver(lifecycle_url, "lifecycleNotificationUrl validated")
        subscription_id = str(uuid.uuid4())
        subscription: dict[str, Any] = {
            "id": subscription_id,
            "resource": resource,
            "applicationId": app_id,
            "changeType": change_type,
            "clientState": client_state,
            "notificationUrl": notification_url,
            "notificationQueryOptions": None,
            "lifecycleNotificationUrl": lifecycle_url,
            "expirationDateTime": graph_datetime(expiry),
            "creatorId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"serviceprincipal:{app_id}")),
            "includeResourceData": False,
            "latestSupportedTlsVersion": tls,
            "encryptionCertificate": None,
            "encryptionCertificateId": None,
            "notificationUrlAppId": None,
            _HIDDEN: {
                "userId": target.user_id,
                "collection": target.collection,
                "folderId": target.folder_id,
                "dropNext": 0,
                "reminded": False,
            },
        }
        self._state.store.put(SUBSCRIPTIONS, "", subscription_id, subscription)
        return public_view(subscription)

    async def update(
        self, app_id: str, subscription_id: str, patch: dict[str, Any]
    ) -> dict[str, Any]:
        """Renew a subscription (``expirationDateTime``) or move it (``notificationUrl``).

        Raises:
            GraphError: 400 for other properties, a bad expiry or a failed validation; 404
                when the app has no such live subscription.
        """
        subscription = self.get_for(app_id, subscription_id)
        GraphSchema.load().validate_entity("subscription", patch, for_update=True)
        names = {key for key in patch if "@" not in key}
        if not names & {"expirationDateTime", "notificationUrl"}:
            raise _invalid(
                "Subscription must contain either the 'expirationDateTime' or "
                "'notificationUrl' property and its value."
            )
        others = sorted(names - {"expirationDateTime", "notificationUrl"})
        if others:
            raise _invalid(
                f"The property '{others[0]}' of a subscription cannot be updated: only "
                "expirationDateTime and notificationUrl can."
            )
        if patch.get("expirationDateTime") is not None:
            expiry = self._check_expiry(patch["expirationDateTime"])
            subscription["expirationDateTime"] = graph_datetime(expiry)
            subscription[_HIDDEN]["reminded"] = False
        if patch.get("notificationUrl") is not None:
            url = self._check_url(patch["notificationUrl"], "notificationUrl")
            if url != subscription["notificationUrl"]:
                await self._validate_receiver(url, "notificationUrl validated")
            subscription["notificationUrl"] = url
        self._state.store.put(SUBSCRIPTIONS, "", subscription_id, subscription)
        return public_view(subscription)

    def reauthorize(self, app_id: str, subscription_id: str) -> None:
        """Reauthorize a subscription: it may be reminded again before it expires.

        Raises:
            GraphError: 404 when the app has no such live subscription.
        """
        subscription = self.get_for(app_id, subscription_id)
        subscription[_HIDDEN]["reminded"] = False
        self._state.store.put(SUBSCRIPTIONS, "", subscription_id, subscription)

    def delete(self, app_id: str, subscription_id: str) -> None:
        """Delete one of an app's subscriptions and forget its pending notifications.

        Raises:
            GraphError: 404 when the app has no such live subscription.
        """
        self.get_for(app_id, subscription_id)
        self._remove(subscription_id)

    def _remove(self, subscription_id: str) -> None:
        self._state.store.delete(SUBSCRIPTIONS, "", subscription_id)
        self.queue.discard(subscription_id, "notification")

    # -- notifications ------------------------------------------------------------------

    def _on_change(self, change: ResourceChange) -> None:
        # Called inside request handlers: match and queue only; the worker does the posting.
        for subscription in self.live():
            hidden = subscription[_HIDDEN]
            target = Target(hidden["userId"], hidden["collection"], hidden["folderId"])
            wanted = subscription["changeType"].split(",")
            if change.change_type not in wanted or not target.matches(change):
                continue
            if hidden.get("dropNext", 0) > 0:
                hidden["dropNext"] -= 1
                self._state.store.put(SUBSCRIPTIONS, "", subscription["id"], subscription)
                self.queue.record(
                    kind="notification",
                    subscriptionId=subscription["id"],
                    url=subscription["notificationUrl"],
                    count=1,
                    attempt=0,
                    outcome="dropped",
                    status=None,
                    detail="dropped on request (admin drop)",
                )
                self._send_missed(subscription)
                continue
            self.queue.enqueue(
                "notification",
                subscription["id"],
                subscription["notificationUrl"],
                [self._notification(subscription, change)],
            )

    def _notification(self, subscription: dict[str, Any], change: ResourceChange) -> Item:
        path = f"Users/{change.user_id}/{_PATH_NAMES[change.collection]}/{change.doc_id}"
        resource_data: dict[str, Any] = {
            "@odata.type": _ODATA_TYPES[change.collection],
            "@odata.id": path,
        }
        document = self._state.store.get(change.collection, change.user_id, change.doc_id)
        if document is not None and document.get("changeKey"):
            resource_data["@odata.etag"] = f'W/"{document["changeKey"]}"'
        resource_data["id"] = change.doc_id
        return {
            "subscriptionId": subscription["id"],
            "subscriptionExpirationDateTime": subscription["expirationDateTime"],
            "changeType": change.change_type,
            "resource": path,
            "resourceData": resource_data,
            "clientState": subscription.get("clientState"),
            "tenantId": self._state.tenant.tenant_id,
        }

    def _deliverable(self, item: Item) -> bool:
        # Lifecycle events outlive their subscription (subscriptionRemoved deletes it first).
        return item["kind"] == "lifecycle" or self.find(item["subscriptionId"]) is not None

    # -- lifecycle ----------------------------------------------------------------------

    def _send_lifecycle(self, subscription: dict[str, Any], event: str) -> bool:
        url = subscription.get("lifecycleNotificationUrl")
        if not url:
            return False
        payload = {
            "subscriptionId": subscription["id"],
            "subscriptionExpirationDateTime": subscription["expirationDateTime"],
            "tenantId": self._state.tenant.tenant_id,
            "clientState": subscription.get("clientState"),
            "lifecycleEvent": event,
        }
        self.queue.enqueue("lifecycle", subscription["id"], str(url), [payload])
        return True

    def trigger(self, subscription_id: str, event: str) -> dict[str, Any]:
        """Raise a lifecycle event on a subscription, as Graph would on its own.

        ``subscriptionRemoved`` deletes the subscription; ``missed`` first drops its pending
        change notifications, as a real loss would.

        Returns:
            What happened: whether a lifecycle notification was queued, and how many change
            notifications were dropped.

        Raises:
            GraphError: 404 when there is no such live subscription; 400 for an unknown event.
        """
        if event not in LIFECYCLE_EVENTS:
            raise _invalid(f"Unknown lifecycle event '{event}': use one of {LIFECYCLE_EVENTS}.")
        subscription = self.find(subscription_id)
        if subscription is None:
            raise _not_found(subscription_id)
        dropped = 0
        if event == "missed":
            dropped = self.queue.discard(subscription_id, "notification")
        if event == "subscriptionRemoved":
            self._remove(subscription_id)
        queued = self._send_lifecycle(subscription, event)
        return {
            "subscriptionId": subscription_id,
            "lifecycleEvent": event,
            "queued": queued,
            "droppedNotifications": dropped,
        }

    def drop_next(self, subscription_id: str, count: int) -> dict[str, Any]:
        """Make the sandbox lose the next ``count`` change notifications of a subscription.

        Each loss is reported to the lifecycle URL as ``missed``, as Graph does.

        Raises:
            GraphError: 404 when there is no such live subscription.
        """
        subscription = self.find(subscription_id)
        if subscription is None:
            raise _not_found(subscription_id)
        subscription[_HIDDEN]["dropNext"] = count
        self._state.store.put(SUBSCRIPTIONS, "", subscription_id, subscription)
        return {"subscriptionId": subscription_id, "dropNext": count}

    def _report_missed(self, items: list[Item]) -> None:
        for subscription_id in dict.fromkeys(item["subscriptionId"] for item in items):
            subscription = self.find(subscription_id)
            if subscription is not None:
                self._send_missed(subscription)

    def _send_missed(self, subscription: dict[str, Any]) -> None:
        # One pending ``missed`` per subscription says it all, and bounds the queue.
        already = any(
            item["kind"] == "lifecycle" and item["payload"].get("lifecycleEvent") == "missed"
            for item in self.queue.pending(subscription["id"])
        )
        if not already:
            self._send_lifecycle(subscription, "missed")

    def _remind_before_expiry(self) -> None:
        minutes = self._policy.reauthorize_minutes_before_expiry
        if minutes is None:
            return
        horizon = self._state.clock.now() + timedelta(minutes=minutes)
        for subscription in self.live():
            hidden = subscription[_HIDDEN]
            if hidden.get("reminded") or _parse_time(subscription["expirationDateTime"]) > horizon:
                continue
            hidden["reminded"] = True
            self._state.store.put(SUBSCRIPTIONS, "", subscription["id"], subscription)
            self._send_lifecycle(subscription, "reauthorizationRequired")

    # -- running ------------------------------------------------------------------------

    def start(self) -> None:
        """Start background delivery on the running event loop (idempotent)."""
        self.queue.start()

    async def stop(self) -> None:
        """Stop background delivery; pending notifications stay in the store."""
        await self.queue.stop()

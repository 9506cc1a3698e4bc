"""Change-notification subscriptions (``/v1.0/subscriptions``) and their admin endpoints.

The admin side (``/_sandbox/subscriptions``) lets tests and the web page see every
subscription and recent deliveries, shorten retry timing, raise lifecycle events and make the
sandbox lose notifications.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import jwt
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from sandbox.http import context_url, read_json_object, state_of
from sandbox.state import SandboxState
from sandbox.subscription_delivery import DeliveryPolicy
from sandbox.subscriptions import SubscriptionService, public_view

router = APIRouter(tags=["subscriptions"])
State = Annotated[SandboxState, Depends(state_of)]


def _service(state: SandboxState) -> SubscriptionService:
    service = SubscriptionService.of(state)
    # Normally the app's lifespan starts delivery; this covers apps served without one.
    service.start()
    return service


def _app_id(request: Request) -> str:
    # The gateway has verified the token already; only its claims are needed here.
    _, _, token = request.headers.get("authorization", "").partition(" ")
    claims = jwt.decode(token, options={"verify_signature": False})
    return str(claims.get("appid") or claims.get("azp") or claims.get("sub") or "")


def _entity(request: Request, subscription: dict[str, Any]) -> dict[str, Any]:
    return {"@odata.context": context_url(request, "subscriptions/$entity"), **subscription}


@router.post("/v1.0/subscriptions", status_code=201)
async def create_subscription(request: Request, state: State) -> dict[str, Any]:
    """Create a subscription once its receivers pass Graph's validation handshake."""
    service = _service(state)
    created = await service.create(await read_json_object(request), _app_id(request))
    return _entity(request, created)


@router.get("/v1.0/subscriptions")
async def list_subscriptions(request: Request, state: State) -> dict[str, Any]:
    """List the calling app's live subscriptions."""
    found = _service(state).list_for(_app_id(request))
    return {
        "@odata.context": context_url(request, "subscriptions"),
        "value": [public_view(subscription) for subscription in found],
    }


@router.get("/v1.0/subscriptions/{subscription_id}")
async def get_subscription(subscription_id: str, request: Request, state: State) -> dict[str, Any]:
    """Get one of the calling app's live subscriptions."""
    found = _service(state).get_for(_app_id(request), subscription_id)
    return _entity(request, public_view(found))


@router.patch("/v1.0/subscriptions/{subscription_id}")
async def update_subscription(
    subscription_id: str, request: Request, state: State
) -> dict[str, Any]:
    """Renew a subscription (``expirationDateTime``) or change its ``notificationUrl``."""
    patch = await read_json_object(request)
    updated = await _service(state).update(_app_id(request), subscription_id, patch)
    return _entity(request, updated)


@router.delete("/v1.0/subscriptions/{subscription_id}", status_code=204)
async def delete_subscription(subscription_id: str, request: Request, state: State) -> Response:
    """Delete a subscription; no further notifications are sent for it."""
    _service(state).delete(_app_id(request), subscription_id)
    return Response(status_code=204)


@router.post("/v1.0/subscriptions/{subscription_id}/reauthorize", status_code=204)
async def reauthorize_subscription(
    subscription_id: str, request: Request, state: State
) -> Response:
    """Reauthorize a subscription after ``reauthorizationRequired`` (204, no body)."""
    _service(state).reauthorize(_app_id(request), subscription_id)
    return Response(status_code=204)


class LifecycleRequest(BaseModel):
    """The lifecycle event to raise."""

    model_config = ConfigDict(extra="forbid")

    event: Literal["reauthorizationRequired", "subscriptionRemoved", "missed"]


class DropRequest(BaseModel):
    """How many of the next change notifications to lose."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(default=1, ge=0, le=10_000)


@router.get("/_sandbox/subscriptions")
async def admin_subscriptions(state: State) -> dict[str, Any]:
    """List every subscription of every app, with whether it expired and what is pending."""
    service = _service(state)
    live = {subscription["id"] for subscription in service.live()}
    return {
        "value": [
            {
                **public_view(subscription),
                "expired": subscription["id"] not in live,
                "pending": len(service.queue.pending(subscription["id"])),
            }
            for subscription in service.all()
        ]
    }


@router.get("/_sandbox/subscriptions/deliveries")
async def admin_deliveries(state: State) -> dict[str, Any]:
    """List recent validations and deliveries (newest first) and what is still pending."""
    service = _service(state)
    return {"value": service.queue.recent(), "pending": service.queue.pending()}


@router.get("/_sandbox/subscriptions/policy")
async def get_policy(state: State) -> DeliveryPolicy:
    """Return the delivery timeouts and retry timing in force."""
    return _service(state).policy


@router.put("/_sandbox/subscriptions/policy")
async def put_policy(policy: DeliveryPolicy, state: State) -> DeliveryPolicy:
    """Replace the delivery timeouts and retry timing (kept across restarts)."""
    service = _service(state)
    service.set_policy(policy)
    return service.policy


@router.post("/_sandbox/subscriptions/{subscription_id}/lifecycle", status_code=202)
async def raise_lifecycle_event(
    subscription_id: str, change: LifecycleRequest, state: State
) -> dict[str, Any]:
    """Send a lifecycle notification as Graph would (subscriptionRemoved also deletes)."""
    return _service(state).trigger(subscription_id, change.event)


@router.post("/_sandbox/subscriptions/{subscription_id}/drop")
async def drop_notifications(
    subscription_id: str, change: DropRequest, state: State
) -> dict[str, Any]:
    """Lose the next change notifications of a subscription (each reported as missed)."""
    return _service(state).drop_next(subscription_id, change.count)

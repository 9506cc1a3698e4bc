"""What every Microsoft Graph webhook of Accord does the same way.

Graph's validation handshake (``?validationToken=...``: the token back as ``text/plain``),
reading a batch of notifications, the constant-time ``clientState`` check, the fields of a
lifecycle notification, and handing the work to Temporal within Graph's 3 seconds. What a
notification means stays with each webhook's router.
"""

from __future__ import annotations

import asyncio
import enum
import hmac
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from temporalio.service import RPCError

from api.limits import MalformedJsonError, loads_json
from api.problems import PROBLEM_TYPE_PREFIX, Problem, problem_response

HAND_OVER_TIMEOUT = 2.5
"""Seconds to hand notifications to Temporal; Graph wants an answer within 3."""
MAX_TOKEN_LENGTH = 1024

_Notice = TypeVar("_Notice")
_Target = TypeVar("_Target")
_Event = TypeVar("_Event", bound=enum.Enum)

ValidationToken = Annotated[
    str | None,
    Query(
        alias="validationToken",
        max_length=MAX_TOKEN_LENGTH,
        description="Graph's validation handshake; answered with the token as text/plain.",
    ),
]


class BodyFault(enum.Enum):
    """Why a request body is not a batch of notifications."""

    NOT_JSON = "not-json"
    NO_VALUE_LIST = "no-value-list"


def problem(status: int, slug: str, title: str, detail: str) -> JSONResponse:
    """Return a problem response (RFC 9457) of Accord's problem types.

    Args:
        status: the HTTP status.
        slug: the problem type's last part.
        title: the short summary.
        detail: what happened and what to do.

    Returns:
        The response.
    """
    return problem_response(
        Problem(type=f"{PROBLEM_TYPE_PREFIX}{slug}", title=title, status=status, detail=detail)
    )


def webhook_responses(bad_request: str) -> dict[int | str, dict[str, Any]]:
    """Return the OpenAPI answers every Graph webhook documents besides its ``202``.

    Args:
        bad_request: what the ``400`` says the request was not.

    Returns:
        The ``responses`` of the route.
    """
    return {
        200: {"description": "The validation handshake.", "content": {"text/plain": {}}},
        400: {"description": bad_request},
        403: {"description": "No notification carried the right clientState."},
        503: {"description": "Temporal cannot take the work now; Graph will retry."},
    }


def handshake(validation_token: str | None) -> PlainTextResponse | None:
    """Answer Graph's validation handshake, or ``None`` when the request is not one."""
    return None if validation_token is None else PlainTextResponse(validation_token)


async def notification_items(request: Request) -> list[Any] | BodyFault:
    """Return the items of a notification body's ``value`` list, or why there are none.

    Args:
        request: the webhook request.

    Returns:
        The items (not yet checked), or what is wrong with the body.
    """
    try:
        body = loads_json(await request.body())
    except MalformedJsonError:
        return BodyFault.NOT_JSON
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        return BodyFault.NO_VALUE_LIST
    return list(body["value"])


def client_state_matches(given: object, accepted: Sequence[str]) -> bool:
    """Compare a notification's ``clientState`` with the accepted ones in constant time."""
    if not isinstance(given, str):
        return False
    return any(hmac.compare_digest(given.encode(), state.encode()) for state in accepted)


def sort_notifications(
    items: list[Any],
    accepted_states: Sequence[str],
    target: _Target | None,
    parse: Callable[[dict[str, Any], _Target], _Notice | None],
) -> tuple[list[_Notice], int, int]:
    """Split a batch into usable notices and counts of rejected and malformed items.

    Every webhook judges an item the same way: not an object is malformed, a wrong
    ``clientState`` (or a URL that names nothing Accord watches, ``target`` is ``None``)
    is rejected, and only then does ``parse`` read the item's own fields.

    Args:
        items: the body's ``value`` list.
        accepted_states: the ``clientState`` values Accord subscribes with.
        target: what the webhook URL names as watched, ``None`` when nothing is.
        parse: reads a notice from an accepted item, ``None`` when it is malformed.

    Returns:
        ``(notices, rejected, malformed)``.
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


def lifecycle_fields(item: dict[str, Any], events: type[_Event]) -> tuple[_Event, str] | None:
    """Return a lifecycle notification's event and subscription id, ``None`` if unusable.

    Args:
        item: one accepted notification.
        events: the lifecycle events the watch understands.

    Returns:
        ``(event, subscription_id)``.
    """
    event = item.get("lifecycleEvent")
    subscription_id = item.get("subscriptionId")
    # A string first: a list or object there is malformed, not a crash (unhashable).
    if not isinstance(event, str) or event not in {member.value for member in events}:
        return None
    if not isinstance(subscription_id, str):
        return None
    return events(event), subscription_id


async def hand_over(send: Callable[[], Awaitable[None]]) -> bool:
    """Run ``send`` within :data:`HAND_OVER_TIMEOUT`; false when Temporal did not take it."""
    try:
        async with asyncio.timeout(HAND_OVER_TIMEOUT):
            await send()
    except (TimeoutError, RPCError):
        return False
    return True

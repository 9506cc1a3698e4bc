"""What the watches that keep a Graph subscription share (the mailbox and decline watches).

The timing (renew at a fraction of the lifetime, back off after failures, continue as new
when the history grows long) and the way a subscription activity is called. Each watch
still decides what it subscribes to and what a lifecycle notification means to it. Nothing
here issues a command a watch did not issue before, in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

# A watch outlives any failure: a few quick retries, then the workflow backs off itself.
WATCH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    maximum_attempts=5,
    non_retryable_error_types=["GraphClientError"],
)
ACTIVITY_TIMEOUT = timedelta(seconds=60)
MAX_BACKOFF = timedelta(hours=1)

_Result = TypeVar("_Result")
_Renewal = TypeVar("_Renewal")


def history_is_long(limit: int | None) -> bool:
    """Whether the run should continue as new: past ``limit`` events, or when Temporal says."""
    info = workflow.info()
    if limit is not None:
        return info.get_current_history_length() > limit
    return info.is_continue_as_new_suggested()


def renew_at(
    expires_at: datetime | None, lifetime: timedelta, renew_at_fraction: float
) -> datetime | None:
    """When a subscription expiring at ``expires_at`` is due for renewal (``None``: none)."""
    if expires_at is None:
        return None
    return expires_at - lifetime * (1 - renew_at_fraction)


def backoff(failures: int) -> timedelta:
    """How long a watch pauses after ``failures`` failed steps in a row."""
    return min(timedelta(minutes=2**failures), MAX_BACKOFF)


async def call_subscription_activity(
    activity: str, argument: Any, result_type: type[_Result]
) -> _Result:
    """Run a subscription activity with the watches' timeout and retry policy.

    Args:
        activity: the activity's name.
        argument: its input.
        result_type: what it returns.

    Returns:
        The activity's result.
    """
    # The activity is named, not referenced, so the SDK types its result as Any.
    result: _Result = await workflow.execute_activity(
        activity,
        argument,
        result_type=result_type,
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=WATCH_RETRY,
    )
    return result


async def renew_subscription(
    activity: str,
    renewal: Callable[..., _Renewal],
    result_type: type[_Result],
    *,
    subscription_id: str,
    lifetime: timedelta,
    reauthorize: bool,
) -> _Result:
    """Extend a subscription by ``lifetime`` from now (reauthorizing it first if asked).

    Args:
        activity: the renewal activity's name.
        renewal: the activity's input model.
        result_type: what it returns.
        subscription_id: which subscription.
        lifetime: how long from now it should last.
        reauthorize: whether Graph asked for a reauthorization.

    Returns:
        The activity's result.
    """
    argument = renewal(
        subscription_id=subscription_id,
        expires_at=workflow.now() + lifetime,
        reauthorize=reauthorize,
    )
    return await call_subscription_activity(activity, argument, result_type)

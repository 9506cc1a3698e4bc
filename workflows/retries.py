"""Retry policies of the activities that call Microsoft Graph, shared by every workflow.

Graph's 4xx answers are final (``GraphClientError``, see integrations/graph/errors.py); 429s
and 5xx are retried with backoff, honouring ``Retry-After``.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy


def graph_retry(*also_final: str) -> RetryPolicy:
    """Return the policy for a Graph read or write that is not a send.

    Args:
        *also_final: error types, besides ``GraphClientError``, that no retry can cure.

    Returns:
        Retries from 2 s, doubling up to 5 minutes, at most 25 attempts.
    """
    return RetryPolicy(
        initial_interval=timedelta(seconds=2),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=5),
        maximum_attempts=25,
        non_retryable_error_types=["GraphClientError", *also_final],
    )


GRAPH_RETRY = graph_retry()
# Exchange files the Sent Items copy a little after it accepts a message; a send retried too
# soon could miss the copy its duplicate check looks for, so sends wait longer before a retry.
SEND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=20),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
    maximum_attempts=25,
    non_retryable_error_types=["GraphClientError", "InvalidMessage"],
)

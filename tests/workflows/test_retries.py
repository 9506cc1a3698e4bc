"""The Graph retry policies every workflow shares."""

from __future__ import annotations

from datetime import timedelta

from workflows.retries import GRAPH_RETRY, SEND_RETRY, graph_retry


def test_graph_client_errors_are_final_and_others_can_be_added() -> None:
    assert GRAPH_RETRY.non_retryable_error_types == ["GraphClientError"]
    digest = graph_retry("InvalidMailboxSettings")
    assert digest.non_retryable_error_types == ["GraphClientError", "InvalidMailboxSettings"]
    assert digest.maximum_attempts == GRAPH_RETRY.maximum_attempts == 25


def test_sends_wait_long_enough_for_sent_items_before_retrying() -> None:
    assert SEND_RETRY.initial_interval >= timedelta(seconds=20)
    assert SEND_RETRY.non_retryable_error_types == ["GraphClientError", "InvalidMessage"]

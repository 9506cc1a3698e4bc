"""The timing both subscription watches share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.subscription_watch import MAX_BACKOFF, backoff, renew_at


def test_renewal_is_due_at_the_fraction_of_the_lifetime() -> None:
    expires = datetime(2026, 12, 7, 12, tzinfo=UTC)
    due = renew_at(expires, timedelta(hours=3), 2 / 3)
    assert due == expires - timedelta(hours=1)
    assert renew_at(None, timedelta(hours=3), 2 / 3) is None


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (2, 4, 8)]
    assert backoff(20) == MAX_BACKOFF

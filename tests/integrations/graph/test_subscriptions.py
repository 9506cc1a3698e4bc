"""The subscription calls both watches share: Graph's answers become the right outcome."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from msgraph.generated.models.o_data_errors.main_error import MainError
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.subscription import Subscription
from temporalio.exceptions import ApplicationError

from integrations.graph.subscriptions import (
    ENDPOINT_UNREACHABLE,
    create_subscription,
    delete_subscription,
    renew_subscription,
)

EXPIRY = datetime(2026, 12, 7, tzinfo=UTC)


def _error(status: int, code: str) -> ODataError:
    error = ODataError(error=MainError(code=code))
    error.response_status_code = status
    return error


class _Item:
    def __init__(self, failure: ODataError | None) -> None:
        self._failure = failure
        self.calls: list[str] = []
        self.reauthorize = SimpleNamespace(post=self._reauthorize)

    async def _reauthorize(self) -> None:
        self.calls.append("reauthorize")

    async def patch(self, body: Subscription) -> Subscription:
        self.calls.append("patch")
        if self._failure is not None:
            raise self._failure
        return Subscription(id="sub-1", expiration_date_time=body.expiration_date_time)

    async def delete(self) -> None:
        self.calls.append("delete")
        if self._failure is not None:
            raise self._failure


class _Subscriptions:
    def __init__(self, failure: ODataError | None = None) -> None:
        self.item = _Item(failure)
        self._failure = failure

    async def post(self, body: Subscription) -> Subscription:
        if self._failure is not None:
            raise self._failure
        return Subscription(id="sub-1", expiration_date_time=body.expiration_date_time)

    def by_subscription_id(self, subscription_id: str) -> _Item:
        del subscription_id
        return self.item


def _graph(failure: ODataError | None = None) -> Any:
    return SimpleNamespace(subscriptions=_Subscriptions(failure))


async def test_a_webhook_graph_cannot_validate_is_worth_retrying() -> None:
    graph = _graph(_error(400, "ValidationError"))
    with pytest.raises(ApplicationError) as raised:
        await create_subscription(graph, Subscription(expiration_date_time=EXPIRY))
    assert raised.value.type == ENDPOINT_UNREACHABLE


async def test_other_refusals_stay_graphs_own() -> None:
    graph = _graph(_error(403, "Forbidden"))
    with pytest.raises(ApplicationError) as raised:
        await create_subscription(graph, Subscription(expiration_date_time=EXPIRY))
    assert raised.value.type != ENDPOINT_UNREACHABLE


async def test_renewal_reauthorizes_first_when_asked() -> None:
    graph = _graph()
    found, renewed = await renew_subscription(graph, "sub-1", EXPIRY, reauthorize=True)
    assert found and renewed is not None and renewed.expiration_date_time == EXPIRY
    assert graph.subscriptions.item.calls == ["reauthorize", "patch"]


async def test_a_subscription_graph_lost_is_not_found_and_deleting_it_is_fine() -> None:
    graph = _graph(_error(404, "ResourceNotFound"))
    assert await renew_subscription(graph, "sub-1", EXPIRY, reauthorize=False) == (False, None)
    await delete_subscription(graph, "sub-1")
    assert graph.subscriptions.item.calls == ["patch", "delete"]

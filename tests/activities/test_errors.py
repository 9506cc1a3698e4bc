"""How Graph and transport failures become Temporal errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from kiota_abstractions.api_error import APIError
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.o_data_errors.main_error import MainError
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
    MessagesRequestBuilder,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio.exceptions import ApplicationError

from integrations.graph.errors import graph_error_to_temporal, graph_errors, retry_after
from tests.support.people import SAM


def _odata(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> ODataError:
    error = ODataError(error=MainError(code=code, message=message))
    error.response_status_code = status
    # kiota declares a dict but hands over httpx's case-insensitive headers, as here.
    error.response_headers = httpx.Headers(headers or {})  # type: ignore[assignment]
    return error


def _translated(exc: BaseException) -> ApplicationError:
    translated = graph_error_to_temporal(exc)
    assert isinstance(translated, ApplicationError)
    return translated


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413])
def test_client_errors_do_not_retry(status: int) -> None:
    error = _translated(_odata(status, "ErrorInvalidRequest", "Bad thing."))
    assert error.non_retryable is True
    assert error.type == "GraphClientError"
    assert str(status) in error.message
    assert "ErrorInvalidRequest" in error.message
    assert "Bad thing." in error.message
    assert list(error.details) == [status, "ErrorInvalidRequest"]


def test_throttling_retries_after_the_delay_graph_asks_for() -> None:
    error = _translated(_odata(429, "ApplicationThrottled", "Slow down.", {"Retry-After": "7"}))
    assert error.non_retryable is False
    assert error.type == "GraphThrottled"
    assert error.next_retry_delay is not None
    assert timedelta(seconds=7) <= error.next_retry_delay <= timedelta(seconds=8.4)


def test_retries_after_one_throttling_answer_spread_over_time() -> None:
    delays = {
        _translated(
            _odata(429, "ApplicationThrottled", "Slow.", {"Retry-After": "1"})
        ).next_retry_delay
        for _ in range(20)
    }
    assert len(delays) > 10
    assert all(d is not None and timedelta(seconds=1) <= d <= timedelta(seconds=2) for d in delays)


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_timeouts_and_server_errors_retry(status: int) -> None:
    error = _translated(_odata(status, "serviceNotAvailable", "Later.", {"retry-after": "3"}))
    assert error.non_retryable is False
    assert error.type == "GraphUnavailable"
    assert error.next_retry_delay is not None
    assert timedelta(seconds=3) <= error.next_retry_delay <= timedelta(seconds=4)


def test_without_retry_after_temporal_chooses_the_delay() -> None:
    error = _translated(_odata(503, "serviceNotAvailable", "Later."))
    assert error.next_retry_delay is None


def test_a_plain_api_error_without_a_body() -> None:
    exc = APIError("no error class registered", 502, {"Retry-After": "2"})
    error = _translated(exc)
    assert error.type == "GraphUnavailable"
    assert error.next_retry_delay is not None
    assert timedelta(seconds=2) <= error.next_retry_delay <= timedelta(seconds=3)
    assert "unknown" in error.message


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
    headers = {"Retry-After": "Mon, 07 Jan 2030 12:00:30 GMT"}
    assert retry_after(headers, now) == timedelta(seconds=30)
    assert retry_after({"Retry-After": "soon"}, now) is None
    assert retry_after(None) is None


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
    ],
)
def test_transport_failures_retry_without_their_text(exc: httpx.TransportError) -> None:
    error = _translated(exc)
    assert error.non_retryable is False
    assert error.type == "GraphUnreachable"
    assert error.message == f"Graph could not be reached: {type(exc).__name__}"


def test_other_exceptions_pass_through() -> None:
    original = KeyError("x")
    assert graph_error_to_temporal(original) is original
    already = ApplicationError("done", non_retryable=True)
    assert graph_error_to_temporal(already) is already


async def test_a_400_from_graph_fails_for_good(graph: GraphServiceClient) -> None:
    # An unknown property in $filter is a 400 from Graph (and the sandbox).
    parameters = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
        filter="colour eq 'blue'"
    )
    inbox = graph.users.by_user_id(SAM).mail_folders.by_mail_folder_id("inbox").messages
    with pytest.raises(ApplicationError) as caught, graph_errors():
        await inbox.get(RequestConfiguration(query_parameters=parameters))
    assert caught.value.non_retryable is True
    assert caught.value.type == "GraphClientError"
    assert caught.value.details[0] == 400
    assert caught.value.__cause__ is None

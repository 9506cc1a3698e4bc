"""Reading Graph's JSON as Graph wrote it, through the SDK's own request path.

The SDK's generated models turn ``mailboxSettings`` and ``getSchedule`` answers into typed
objects (enums, ``datetime.time``, nested zone objects). The domain already reads Graph's REST
JSON (:meth:`domain.working_time.PersonSchedule.from_graph`,
:meth:`domain.slots.ScheduleAvailability.from_graph`), so rather than convert models back to
JSON, these activities let the SDK build the request (URL, auth, middleware, error mapping)
and take the response body as bytes.
"""

from __future__ import annotations

import json
from typing import Any

from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.graph_service_client import GraphServiceClient


async def send_for_json(graph: GraphServiceClient, request_info: Any) -> dict[str, Any]:
    """Send a request the SDK built and return the JSON object Graph answered with.

    Args:
        graph: the SDK client whose adapter sends the request.
        request_info: a kiota ``RequestInformation``, e.g. from a request builder's
            ``to_get_request_information()``.

    Returns:
        The response body; empty when Graph sent none.

    Raises:
        kiota_abstractions.api_error.APIError: when Graph answered with an error (an
            ``ODataError`` carrying Graph's code and message).
        ValueError: when the body is not a JSON object.
    """
    # Kiota's error map keys status codes by pattern; "XXX" means every error status.
    raw: bytes | None = await graph.request_adapter.send_primitive_async(
        request_info, "bytes", {"XXX": ODataError}
    )
    if not raw:
        return {}
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("Graph answered with JSON that is not an object")
    return body

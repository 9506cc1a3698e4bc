"""A Temporal client that starts workflows without search attributes, for the test server.

The time-skipping test server knows no custom search attributes and refuses a start that
sets them; the API's starts set them (to list commitments). Tests that drive the API on that
server give it this client: the same server, the same workflows, only the index left out.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from temporalio.client import (
    Client,
    Interceptor,
    OutboundInterceptor,
    StartWorkflowInput,
    WorkflowHandle,
)


class _Unindexed(OutboundInterceptor):
    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[Any, Any]:
        return await super().start_workflow(dataclasses.replace(input, search_attributes=None))


class _LeaveTheIndexOut(Interceptor):
    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _Unindexed(next)


def unindexed_client(client: Client) -> Client:
    """Return a client of the same server that starts workflows without search attributes."""
    config = client.config()
    config["interceptors"] = [*config["interceptors"], _LeaveTheIndexOut()]
    return Client(**config)

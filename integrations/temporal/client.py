"""Connecting to Temporal (a local dev server, a self-hosted cluster or Temporal Cloud).

Everything here takes explicit arguments; accord/wiring/temporal.py reads them from the
settings. Callers pass the encrypting data converter, so nothing Accord sends is stored in
the clear whichever cluster holds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import structlog
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client, Interceptor
from temporalio.common import SearchAttributeIndexedValueType, SearchAttributeKey
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

log = structlog.get_logger("accord.temporal")


class TemporalSetupError(Exception):
    """Temporal cannot be used as configured; the message says what to change."""


async def connect(
    target: str,
    *,
    namespace: str,
    data_converter: DataConverter,
    api_key: str | None = None,
    tls: TLSConfig | bool | None = None,
    runtime: Runtime | None = None,
    interceptors: Sequence[Interceptor] = (),
) -> Client:
    """Connect to Temporal.

    Args:
        target: ``host:port`` of the frontend.
        namespace: the namespace to use.
        data_converter: the converter every payload goes through (Accord's encrypts).
        api_key: a Temporal Cloud API key; unset: none.
        tls: a ``TLSConfig`` (mTLS or a private CA), ``True`` for TLS against the system's
            roots, or ``None`` to let the SDK decide (TLS exactly when an API key is set).
        runtime: the SDK runtime (the worker's carries its metrics); default: the SDK's.
        interceptors: client interceptors (workers built on the client inherit them).

    Returns:
        A connected client.

    Raises:
        RuntimeError: when Temporal cannot be reached (from the SDK).
    """
    metadata: Mapping[str, str] = {}
    if api_key:
        # Temporal Cloud's regional endpoints route an API-key call by this header.
        metadata = {"temporal-namespace": namespace}
    client = await Client.connect(
        target,
        namespace=namespace,
        api_key=api_key,
        tls=tls,
        rpc_metadata=metadata,
        data_converter=data_converter,
        runtime=runtime,
        interceptors=interceptors,
    )
    log.info("temporal_connected", address=target, namespace=client.namespace)
    return client


async def ensure_search_attributes(
    client: Client, namespace: str, keys: Sequence[SearchAttributeKey[Any]]
) -> list[str]:
    """Register custom search attributes on a dev or self-hosted server.

    Temporal Cloud manages search attributes outside the client API; call this only where
    the operator service is allowed.

    Args:
        client: a connected client.
        namespace: the namespace the attributes belong to.
        keys: the attributes, as typed keys.

    Returns:
        The names that were added (empty when all already existed).

    Raises:
        TemporalSetupError: when an attribute exists with another type.
    """
    wanted = {key.name: key.indexed_value_type for key in keys}
    existing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    present = {**existing.system_attributes, **existing.custom_attributes}
    for name, value_type in wanted.items():
        if name in present and present[name] != int(value_type):
            raise TemporalSetupError(
                f"search attribute {name} exists as {IndexedValueType.Name(present[name])}, "
                f"Accord needs {SearchAttributeIndexedValueType(value_type).name}"
            )
    missing = {name: value_type for name, value_type in wanted.items() if name not in present}
    if not missing:
        return []
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=namespace,
                search_attributes={
                    name: IndexedValueType.ValueType(int(value_type))
                    for name, value_type in missing.items()
                },
            )
        )
    except RPCError as exc:
        # Another process (the API, a second worker) may have added them a moment ago.
        if exc.status != RPCStatusCode.ALREADY_EXISTS:
            raise
    log.info("search_attributes_added", names=sorted(missing), namespace=namespace)
    return sorted(missing)

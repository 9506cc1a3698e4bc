"""Connecting to Temporal (a local dev server, a self-hosted cluster or Temporal Cloud).

Every connection uses the encrypting pydantic data converter, so nothing Accord sends is
stored in the clear whichever cluster holds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
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

from accord.keys import payload_key_ring
from accord.settings import AccordSettings
from integrations.temporal.codec import EncryptionCodec
from integrations.temporal.converter import build_data_converter
from workflows.contracts import SEARCH_ATTRIBUTE_KEYS

log = structlog.get_logger("accord.temporal")


class TemporalSetupError(Exception):
    """Temporal cannot be used as configured; the message says what to change."""


def temporal_target(settings: AccordSettings) -> str:
    """Return ``host:port`` of Temporal: the configured address or the local dev server."""
    return settings.temporal_address or f"127.0.0.1:{settings.temporal_dev_port}"


def data_converter_for(settings: AccordSettings) -> DataConverter:
    """Return the encrypting data converter with the settings' payload keys.

    Args:
        settings: Accord's settings (``payload_keys`` or the local key under ``data_dir``).

    Returns:
        The data converter.
    """
    return build_data_converter(EncryptionCodec(payload_key_ring(settings)))


def tls_config(settings: AccordSettings) -> TLSConfig | bool | None:
    """Return the TLS setting for the client: mTLS, TLS with a private CA, system TLS, or off.

    Args:
        settings: Accord's settings.

    Returns:
        A ``TLSConfig`` when a client certificate, a CA or a server name is configured,
        ``True`` for TLS verified against the system's roots, or ``None`` to let the SDK
        decide (TLS exactly when an API key is set).

    Raises:
        TemporalSetupError: when only one of the certificate and key is set or a file
            cannot be read.
    """
    cert, key = settings.temporal_tls_cert, settings.temporal_tls_key
    if (cert is None) != (key is None):
        raise TemporalSetupError(
            "ACCORD_TEMPORAL_TLS_CERT and ACCORD_TEMPORAL_TLS_KEY must be set together"
        )
    ca, server_name = settings.temporal_tls_ca_cert, settings.temporal_tls_server_name
    if cert is None and ca is None and server_name is None:
        return True if settings.temporal_tls else None
    return TLSConfig(
        server_root_ca_cert=_read_pem(ca, "ACCORD_TEMPORAL_TLS_CA_CERT"),
        domain=server_name,
        client_cert=_read_pem(cert, "ACCORD_TEMPORAL_TLS_CERT"),
        client_private_key=_read_pem(key, "ACCORD_TEMPORAL_TLS_KEY"),
    )


def _read_pem(path: Path | None, variable: str) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        # The OS's reason (missing, no permission), not the content: it may be a key.
        raise TemporalSetupError(f"{variable}: cannot read {path}: {exc.strerror}") from None


async def connect(
    settings: AccordSettings,
    *,
    data_converter: DataConverter | None = None,
    runtime: Runtime | None = None,
    interceptors: Sequence[Interceptor] = (),
) -> Client:
    """Connect to Temporal as the settings say.

    Args:
        settings: address, namespace, TLS (mTLS files or Temporal Cloud API key) and keys.
        data_converter: overrides the encrypting converter built from the settings.
        runtime: the SDK runtime (the worker's carries its metrics); default: the SDK's.
        interceptors: client interceptors (workers built on the client inherit them).

    Returns:
        A connected client.

    Raises:
        TemporalSetupError: when TLS is misconfigured.
        RuntimeError: when Temporal cannot be reached (from the SDK).
    """
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    metadata: Mapping[str, str] = {}
    if api_key:
        # Temporal Cloud's regional endpoints route an API-key call by this header.
        metadata = {"temporal-namespace": settings.temporal_namespace}
    client = await Client.connect(
        temporal_target(settings),
        namespace=settings.temporal_namespace,
        api_key=api_key,
        tls=tls_config(settings),
        rpc_metadata=metadata,
        data_converter=data_converter or data_converter_for(settings),
        runtime=runtime,
        interceptors=interceptors,
    )
    log.info("temporal_connected", address=temporal_target(settings), namespace=client.namespace)
    return client


def search_attribute_keys() -> list[SearchAttributeKey[Any]]:
    """Return Accord's custom search attributes as typed keys (for test servers)."""
    return list(SEARCH_ATTRIBUTE_KEYS)


async def ensure_search_attributes(client: Client, namespace: str) -> list[str]:
    """Register Accord's custom search attributes on a dev or self-hosted server.

    Temporal Cloud manages search attributes outside the client API; call this only where
    the operator service is allowed.

    Args:
        client: a connected client.
        namespace: the namespace the attributes belong to.

    Returns:
        The names that were added (empty when all already existed).

    Raises:
        TemporalSetupError: when an attribute exists with another type.
    """
    wanted = {key.name: key.indexed_value_type for key in search_attribute_keys()}
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

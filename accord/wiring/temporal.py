"""Temporal from the settings: address, namespace, TLS, API key and the payload keys.

The settings are read here; integrations/temporal/client.py connects with what this module
hands it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from temporalio.client import Client, Interceptor
from temporalio.common import SearchAttributeKey
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from accord.keys.secrets import payload_key_ring
from accord.settings import AccordSettings
from integrations.temporal import client as temporal_client
from integrations.temporal.client import TemporalSetupError
from integrations.temporal.codec import EncryptionCodec
from integrations.temporal.converter import build_data_converter
from workflows.commitment.contracts import SEARCH_ATTRIBUTE_KEYS


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
    return await temporal_client.connect(
        temporal_target(settings),
        namespace=settings.temporal_namespace,
        api_key=api_key,
        tls=tls_config(settings),
        data_converter=data_converter or data_converter_for(settings),
        runtime=runtime,
        interceptors=interceptors,
    )


def search_attribute_keys() -> list[SearchAttributeKey[Any]]:
    """Return Accord's custom search attributes as typed keys (for servers and test servers)."""
    return list(SEARCH_ATTRIBUTE_KEYS)

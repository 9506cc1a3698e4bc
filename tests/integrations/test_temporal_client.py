"""Connecting to Temporal from the settings, and registering Accord's search attributes.

The settings are read in accord/wiring/temporal.py; the adapter (integrations/temporal/client.py)
takes explicit arguments.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from accord.keys.secrets import payload_key_ring
from accord.settings import AccordSettings
from accord.wiring.temporal import connect, temporal_target, tls_config
from integrations.temporal.client import TemporalSetupError, ensure_search_attributes
from integrations.temporal.codec import ENCODING
from workflows.commitment.contracts import SEARCH_ATTRIBUTE_KEYS, SEARCH_ATTRIBUTES


async def _new_namespace(client: Client) -> str:
    namespace = f"accord-test-{uuid.uuid4().hex[:8]}"
    await client.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)
        )
    )
    return namespace


@pytest.mark.e2e
async def test_search_attributes_are_added_once(dev_server: WorkflowEnvironment) -> None:
    namespace = await _new_namespace(dev_server.client)

    added = await ensure_search_attributes(dev_server.client, namespace, SEARCH_ATTRIBUTE_KEYS)
    again = await ensure_search_attributes(dev_server.client, namespace, SEARCH_ATTRIBUTE_KEYS)

    assert added == sorted(SEARCH_ATTRIBUTES)
    assert again == []


@pytest.mark.e2e
async def test_a_search_attribute_of_another_type_is_reported(
    dev_server: WorkflowEnvironment,
) -> None:
    namespace = await _new_namespace(dev_server.client)
    await dev_server.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=namespace,
            search_attributes={"AccordOwner": IndexedValueType.INDEXED_VALUE_TYPE_INT},
        )
    )

    with pytest.raises(TemporalSetupError, match="AccordOwner exists as INDEXED_VALUE_TYPE_INT"):
        await ensure_search_attributes(dev_server.client, namespace, SEARCH_ATTRIBUTE_KEYS)


@pytest.mark.e2e
async def test_connect_uses_the_settings_and_encrypts_with_the_local_key(
    dev_server: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = AccordSettings(
        data_dir=tmp_path, temporal_address=dev_server.client.service_client.config.target_host
    )

    client = await connect(settings)

    assert client.namespace == "default"
    codec = client.data_converter.payload_codec
    assert codec is not None
    [payload] = await codec.encode(
        client.data_converter.payload_converter.to_payloads(["a private note"])
    )
    assert payload.metadata["encoding"] == ENCODING
    assert payload_key_ring(settings).current_key_id.encode() in payload.metadata.values()


def test_without_an_address_the_local_dev_server_is_used() -> None:
    assert temporal_target(AccordSettings(temporal_dev_port=17999)) == "127.0.0.1:17999"
    assert temporal_target(AccordSettings(temporal_address="t.example:7233")) == "t.example:7233"


def test_mutual_tls_needs_both_files(tmp_path: Path) -> None:
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    cert.write_bytes(b"certificate")
    key.write_bytes(b"private key")

    with pytest.raises(TemporalSetupError, match="set together"):
        tls_config(AccordSettings(temporal_tls_cert=cert))
    with pytest.raises(TemporalSetupError, match="cannot read"):
        tls_config(AccordSettings(temporal_tls_cert=cert, temporal_tls_key=tmp_path / "nope"))
    both = tls_config(AccordSettings(temporal_tls_cert=cert, temporal_tls_key=key))
    assert not isinstance(both, bool)
    assert both is not None
    assert both.client_cert == b"certificate"
    assert both.client_private_key == b"private key"


def test_tls_is_off_locally_and_on_when_asked() -> None:
    assert tls_config(AccordSettings()) is None
    assert tls_config(AccordSettings(temporal_tls=True)) is True


def test_a_private_ca_and_server_name_verify_a_self_hosted_cluster(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_bytes(b"ca certificate")

    config = tls_config(
        AccordSettings(temporal_tls_ca_cert=ca, temporal_tls_server_name="temporal.internal")
    )

    assert not isinstance(config, bool)
    assert config is not None
    assert config.server_root_ca_cert == b"ca certificate"
    assert config.domain == "temporal.internal"
    assert config.client_cert is None
    with pytest.raises(TemporalSetupError, match="ACCORD_TEMPORAL_TLS_CA_CERT"):
        tls_config(AccordSettings(temporal_tls_ca_cert=tmp_path / "missing.pem"))

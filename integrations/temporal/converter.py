"""The data converter every Accord client, worker and test uses.

Pydantic models go in and out of workflows and activities as JSON; the codec then encrypts
every payload, and failure messages and stack traces are moved into an encoded attribute
first, because an exception's message can quote what a person wrote.

A payload the codec refused (it came unencrypted, from a client without the payload key) does
not convert: it raises :data:`UNENCRYPTED_FAILURE_TYPE`, non-retryable, so the update is
rejected, the workflow start fails and the signal is dropped.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import PydanticPayloadConverter, pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    EncodingPayloadConverter,
    PayloadCodec,
)
from temporalio.exceptions import ApplicationError

from integrations.temporal.codec import REFUSED_ENCODING, REFUSED_FROM_METADATA

UNENCRYPTED_FAILURE_TYPE = "UnencryptedPayload"


class _RefusedPayloadConverter(EncodingPayloadConverter):
    """Reads the codec's refused payloads as a clear error; never writes a value."""

    @property
    def encoding(self) -> str:
        return REFUSED_ENCODING.decode()

    def to_payload(self, value: Any) -> Payload | None:
        return None

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        came_as = payload.metadata.get(REFUSED_FROM_METADATA, b"").decode(errors="replace")
        raise ApplicationError(
            f"refused an unencrypted payload (encoding {came_as!r}): Accord accepts only "
            "payloads sealed with its payload key, so a Temporal client without "
            "ACCORD_PAYLOAD_KEYS cannot start, signal or update a workflow",
            type=UNENCRYPTED_FAILURE_TYPE,
            non_retryable=True,
        )


class _SealedPayloadConverter(PydanticPayloadConverter):
    """Pydantic's converter, plus the refusal of payloads that came unencrypted."""

    def __init__(self) -> None:
        super().__init__()
        # Decoding looks converters up by encoding; the refusal is last and never encodes.
        self._set_converters(*self.converters.values(), _RefusedPayloadConverter())


def build_data_converter(codec: PayloadCodec | None) -> DataConverter:
    """Return the pydantic data converter with ``codec`` and encrypted failure attributes.

    Args:
        codec: the payload codec (``None`` only where nothing is stored, e.g. a unit test of
            conversion itself).

    Returns:
        The data converter.
    """
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=codec,
        payload_converter_class=_SealedPayloadConverter,
        # Same as DefaultFailureConverter(encode_common_attributes=True); the data converter
        # wants a class it can instantiate without arguments.
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )

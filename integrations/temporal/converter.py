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
import functools
from typing import Any

from pydantic import TypeAdapter
from pydantic_core import to_json
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    DefaultPayloadConverter,
    EncodingPayloadConverter,
    JSONPlainPayloadConverter,
    PayloadCodec,
)
from temporalio.exceptions import ApplicationError

from integrations.temporal.codec import REFUSED_ENCODING, REFUSED_FROM_METADATA

UNENCRYPTED_FAILURE_TYPE = "UnencryptedPayload"
JSON_ENCODING = "json/plain"
SHARED_TYPE_ADAPTERS = 1024
"""How many type adapters the process keeps (pydantic's converter keeps as many per instance)."""


@functools.lru_cache(maxsize=SHARED_TYPE_ADAPTERS)
def shared_type_adapter(type_hint: Any) -> TypeAdapter[Any]:
    """Return the process's one type adapter for ``type_hint``, built on first use.

    The worker builds a payload converter for every workflow it holds, and pydantic's keeps
    its type adapters per instance: each cached commitment rebuilt and kept the same dozen,
    about 8 KiB (docs/performance.md, Memory). A type adapter never changes once built, so one
    per type serves every workflow. Payload types are Accord's models and built-in types, and no
    module of Accord's is imported per workflow (tests/test_workflow_runner.py), so no entry
    keeps a workflow's own copy of a module alive.

    Args:
        type_hint: the type a payload converts to (hashable).

    Returns:
        The type adapter.
    """
    return TypeAdapter(type_hint)


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


class _SharedAdaptersJSONConverter(EncodingPayloadConverter):
    """Pydantic's JSON conversion, reading through the process's shared type adapters.

    Writes as ``temporalio.contrib.pydantic``'s converter does (``pydantic_core.to_json``),
    without its cache of type adapters per instance.
    """

    @property
    def encoding(self) -> str:
        return JSON_ENCODING

    def to_payload(self, value: Any) -> Payload | None:
        return Payload(metadata={"encoding": JSON_ENCODING.encode()}, data=to_json(value))

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        hint: Any = type_hint if type_hint is not None else Any
        try:
            adapter = shared_type_adapter(hint)
        except TypeError:
            try:
                hash(hint)
            except TypeError:
                # An unhashable hint cannot be a cache key; it is built each time instead.
                adapter = TypeAdapter(hint)
            else:
                raise
        return adapter.validate_json(payload.data)


class _SealedPayloadConverter(CompositePayloadConverter):
    """Pydantic's converter with shared type adapters, and the refusal of unencrypted payloads."""

    def __init__(self) -> None:
        json_converter = _SharedAdaptersJSONConverter()
        super().__init__(
            *(
                json_converter if isinstance(converter, JSONPlainPayloadConverter) else converter
                for converter in DefaultPayloadConverter.default_encoding_payload_converters
            ),
            # Decoding looks converters up by encoding; the refusal is last and never encodes.
            _RefusedPayloadConverter(),
        )


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

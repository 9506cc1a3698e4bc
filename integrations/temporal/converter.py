"""The data converter every Accord client, worker and test uses.

Pydantic models go in and out of workflows and activities as JSON; the codec then encrypts
every payload, and failure messages and stack traces are moved into an encoded attribute
first, because an exception's message can quote what a person wrote.
"""

from __future__ import annotations

import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
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
        # Same as DefaultFailureConverter(encode_common_attributes=True); the data converter
        # wants a class it can instantiate without arguments.
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )

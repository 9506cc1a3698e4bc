"""Fuzzing ``POST /addin/prefill`` from its OpenAPI description: bad input gets a 4xx, never a 5xx.

Whatever Office.js might hand the pane (any subject, body, addresses, dates, zones) goes
through the intake parser; the answer must be documented, and input that breaks the schema
must be refused. Nothing here needs Temporal, so the app gets none.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.api import app_without_temporal
from tests.support.api_tokens import FakeEntra
from tests.support.fuzzing import send_case
from tests.support.people import MANAGER

EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def entra() -> FakeEntra:
    return FakeEntra()


@pytest.fixture(scope="module")
def app(entra: FakeEntra) -> FastAPI:
    # The pre-fill never reaches Temporal; a client would only be needed by other routes.
    return app_without_temporal(entra)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_prefill_answers_every_input_as_documented(
    data: st.DataObject, app: FastAPI, entra: FakeEntra, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_dict(app.openapi())
    operation = schema.find_operation_by_path("POST", "/addin/prefill")
    assert operation is not None
    case = data.draw(operation.as_strategy(generation_mode=mode), label="case")

    response = await send_case(app, case, entra.headers(MANAGER))

    checks = list(CHECKS)
    # A body over the size limit is refused before it is read (413), which rejects it too.
    if mode is GenerationMode.NEGATIVE and response.status_code != 413:
        checks.append(negative_data_rejection)
    case.validate_response(response, checks=checks)

"""Fuzzing the JSON API from its own OpenAPI document (schemathesis): no 5xx, no surprises.

Each of Accord's commitment operations gets requests that follow the schema (positive) and
requests that break it (negative), sent in-process to the app on the real Temporal dev server
with a valid token; every answer must be a documented status with a documented content type
and body, negative data must be refused with a 4xx, and nothing may be a server error. Actions
are aimed at a commitment that exists, so they reach the workflow, not only the validation.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection

from api.openapi_file import openapi_document
from tests.support.api import commitment
from tests.support.api_tokens import FakeEntra
from tests.support.fuzzing import CHECKS, send_case
from tests.support.people import MANAGER

EXAMPLES_PER_OPERATION = 12


def _owned_operations() -> list[tuple[str, str]]:
    # The commitments API and health: other routers are fuzzed by their own tests.
    paths = openapi_document()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/commitments") or path == "/healthz"
        for method in operations
    ]


SCHEMA = schemathesis.openapi.from_dict(openapi_document())
OPERATIONS = _owned_operations()


@pytest.fixture
async def existing(list_api: httpx.AsyncClient, entra: FakeEntra) -> str:
    response = await list_api.post(
        "/commitments", json=commitment(), headers=entra.headers(MANAGER)
    )
    assert response.status_code == 201, response.text
    return str(response.json()["commitment_id"])


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    [
        (method, path, mode)
        for method, path in OPERATIONS
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        # Health takes no input at all, so nothing about it can be made invalid.
        if (path, mode) != ("/healthz", GenerationMode.NEGATIVE)
    ],
)
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    # No shrinking: a failure is reported as found, which keeps a failing run short too.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_the_api_keeps_its_contract_under_fuzzing(
    data: st.DataObject,
    list_app: FastAPI,
    entra: FakeEntra,
    existing: str,
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    operation = SCHEMA.find_operation_by_path(method, path)
    assert operation is not None
    fixed: dict[str, Any] = {}
    if "{commitment_id}" in path and data.draw(st.booleans(), label="existing commitment"):
        fixed["path_parameters"] = {"commitment_id": existing}
    case = data.draw(operation.as_strategy(generation_mode=mode, **fixed), label="case")

    response = await send_case(list_app, case, entra.headers(MANAGER))
    checks = [*CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CHECKS
    case.validate_response(response, checks=checks)

"""Fuzzing the digest and reliability routes from the OpenAPI document: no 5xx, no surprises."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection

from api.openapi_file import openapi_document
from tests.support.api_tokens import FakeEntra
from tests.support.fuzzing import CHECKS, send_case
from tests.support.people import MANAGER, SAM

SCHEMA = schemathesis.openapi.from_dict(openapi_document())
OPERATIONS = [
    (method.upper(), path)
    for path, operations in openapi_document()["paths"].items()
    if path.startswith("/people/me/digest") or path.endswith("/reliability")
    for method in operations
]


def test_the_digest_routes_are_in_the_document() -> None:
    assert sorted(OPERATIONS) == [
        ("GET", "/people/me/digest"),
        ("GET", "/people/{email}/reliability"),
        ("PUT", "/people/me/digest"),
    ]


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    [
        (method, path, mode)
        for method, path in OPERATIONS
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (method, path, mode) != ("GET", "/people/me/digest", GenerationMode.NEGATIVE)
    ],
)
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_the_digest_routes_keep_their_contract_under_fuzzing(
    data: st.DataObject,
    digest_app: FastAPI,
    entra: FakeEntra,
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    operation = SCHEMA.find_operation_by_path(method, path)
    assert operation is not None
    fixed: dict[str, Any] = {}
    if "{email}" in path and data.draw(st.booleans(), label="a real report"):
        fixed["path_parameters"] = {"email": SAM}
    case = data.draw(operation.as_strategy(generation_mode=mode, **fixed), label="case")
    response = await send_case(digest_app, case, entra.headers(MANAGER))
    checks = [*CHECKS, negative_data_rejection] if mode is GenerationMode.NEGATIVE else CHECKS
    case.validate_response(response, checks=checks)

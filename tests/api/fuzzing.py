"""What the API's schemathesis fuzz tests share: sending a case in-process and its checks."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import PUBLIC_URL

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


async def send_case(app: FastAPI, case: Case[Any], headers: dict[str, str]) -> httpx.Response:
    """Send a generated request to ``app`` in-process, with ``headers`` (e.g. a token)."""
    kwargs: dict[str, Any] = case.as_transport_kwargs(base_url=PUBLIC_URL, headers=headers)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        return await client.request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            headers=kwargs.get("headers"),
            json=kwargs.get("json"),
            content=kwargs.get("data") if "json" not in kwargs else None,
        )

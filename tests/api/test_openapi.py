"""The OpenAPI document: committed in docs/openapi.json, and honest about sign-in."""

from __future__ import annotations

from typing import Any

import httpx

from api.openapi_file import OPENAPI_PATH, openapi_document, render

REGENERATE = "./dev python -m api.openapi_file"


def test_the_committed_document_matches_the_app() -> None:
    committed = OPENAPI_PATH.read_text(encoding="utf-8")

    assert committed == render(openapi_document()), (
        f"docs/openapi.json is stale: regenerate it with `{REGENERATE}` and commit it"
    )


def test_every_commitment_operation_needs_a_bearer_token_and_health_does_not() -> None:
    document = openapi_document()

    assert document["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An Entra ID access token for Accord's API (the sandbox issues them "
        "locally).",
    }
    operations = [
        (path, operation)
        for path, item in document["paths"].items()
        if path.startswith("/commitments")
        for operation in item.values()
    ]
    assert len(operations) == 15
    for path, operation in operations:
        assert operation["security"] == [{"HTTPBearer": []}], path
        assert {"401", "403"} <= set(operation["responses"]), path
    assert "security" not in document["paths"]["/healthz"]["get"]


def _properties(schema: dict[str, Any]) -> set[str]:
    return set(schema.get("properties", {}))


def test_no_request_names_the_acting_person() -> None:
    schemas = openapi_document()["components"]["schemas"]

    requests = [name for name in schemas if name.endswith("Request")]
    assert requests
    for name in requests:
        assert "actor" not in _properties(schemas[name]), name


async def test_the_app_serves_its_document_and_docs_without_a_token(
    http: httpx.AsyncClient,
) -> None:
    del http.headers["Authorization"]

    document = await http.get("/openapi.json")
    docs = await http.get("/docs")

    assert document.status_code == 200
    assert "/commitments" in document.json()["paths"]
    assert docs.status_code == 200

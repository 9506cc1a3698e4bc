"""Bodies that cannot hurt: deep JSON is a 400 problem on every route; every answer: nosniff."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st

from api.dependencies import get_directory
from api.limits import MAX_JSON_DEPTH, MalformedJsonError, json_too_deep, loads_json
from domain.action_links import LinkAction, LinkKeyRing
from tests.support.api import PUBLIC_URL, commitment, create_commitment, link
from tests.support.api_tokens import FakeEntra
from tests.support.people import MANAGER

# Strings full of what the depth check must not be fooled by.
tricky_text = st.text(alphabet='[]{}"\\ab', max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | tricky_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
    max_leaves=40,
)


def depth_of(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((depth_of(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(item) for item in value.values()), default=0)
    return 0


@given(value=json_values, limit=st.integers(min_value=0, max_value=8))
def test_the_depth_check_agrees_with_the_real_depth(value: Any, limit: int) -> None:
    body = json.dumps(value, ensure_ascii=False).encode()

    assert json_too_deep(body, limit) == (depth_of(value) > limit)


def test_deep_or_broken_json_is_refused_and_sound_json_is_read() -> None:
    assert loads_json(b'{"value": [[1], {"a": "[[[["}]}') == {"value": [[1], {"a": "[[[["}]}
    assert loads_json(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH) is not None
    for body in (b"[" * 30_000, b"[" * (MAX_JSON_DEPTH + 1), b"not json", b"\xff\xfe"):
        with pytest.raises(MalformedJsonError):
            loads_json(body)


# Routes left out of the OpenAPI document: the bot's endpoint and the action links.
_UNDOCUMENTED = [("POST", "/api/messages"), ("POST", "/a/t"), ("POST", "/a/t/correct")]


def _routes_taking_bodies(app: FastAPI) -> list[tuple[str, str]]:
    routes = list(_UNDOCUMENTED)
    for path, operations in app.openapi()["paths"].items():
        for method in operations.keys() & {"post", "put", "patch"}:
            routes.append((method.upper(), path.replace("{commitment_id}", "c-1")))
    return sorted(routes)


async def test_every_route_answers_deep_json_with_a_400_problem(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    routes = _routes_taking_bodies(app)
    assert {("POST", "/graph/notifications"), ("POST", "/commitments")} <= set(routes)
    for method, path in routes:
        response = await http.request(
            method, path, content=b"[" * 30_000, headers={"content-type": "application/json"}
        )

        assert response.status_code == 400, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json", path
        assert response.json()["type"] == "/problems/malformed-json", path


async def test_a_form_full_of_brackets_is_not_mistaken_for_json(
    http: httpx.AsyncClient, links: LinkKeyRing
) -> None:
    commitment_id = await create_commitment(http)

    response = await http.post(
        link(links, commitment_id, LinkAction.ACCEPT), data={"note": "[" * 500}
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/healthz", None),
        ("GET", "/nowhere", None),
        ("POST", "/graph/notifications", b"[" * 30_000),
        ("POST", "/graph/notifications", b" " * 100_000),
        ("POST", "/graph/notifications?validationToken=%3Cb%3Ehi%3C%2Fb%3E", None),
    ],
    ids=["health", "not found", "too deep", "too large", "validation echo"],
)
async def test_every_answer_says_nosniff(
    http: httpx.AsyncClient, method: str, path: str, body: bytes | None
) -> None:
    response = await http.request(method, path, content=body)

    assert response.headers["x-content-type-options"] == "nosniff"


async def test_even_an_unexpected_error_says_nosniff(app: FastAPI, entra: FakeEntra) -> None:
    class FailingDirectory:
        async def find(self, email: str) -> None:
            raise RuntimeError("the directory failed")

    app.dependency_overrides[get_directory] = FailingDirectory
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC_URL, headers=entra.headers(MANAGER)
    ) as client:
        response = await client.post("/commitments", json=commitment())

    assert response.status_code == 500
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "body",
    [b'{"title": "unfinished', b"{'single': 'quotes'}", b"[1, 2,]", b"\xff\xfe{}", b"{} {}"],
    ids=["cut short", "single quotes", "trailing comma", "not utf-8", "two documents"],
)
async def test_every_route_answers_broken_json_with_a_400_problem(
    app: FastAPI, http: httpx.AsyncClient, body: bytes
) -> None:
    for method, path in _routes_taking_bodies(app):
        response = await http.request(
            method, path, content=body, headers={"content-type": "application/json"}
        )

        assert response.status_code == 400, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json", path
        assert response.json()["status"] == 400, path


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "text/json", "application/merge-patch+json"]
)
async def test_any_json_content_type_is_checked(http: httpx.AsyncClient, content_type: str) -> None:
    response = await http.post(
        "/commitments", content=b'{"title": ', headers={"content-type": content_type}
    )

    assert response.status_code == 400, response.text
    assert response.json()["type"] == "/problems/malformed-json"


async def test_sound_json_that_breaks_the_schema_is_still_a_422(http: httpx.AsyncClient) -> None:
    response = await http.post("/commitments", json={"title": 5})

    assert response.status_code == 422
    assert response.json()["type"] == "/problems/validation-error"

"""JSON batching: ``POST /v1.0/$batch`` with up to 20 requests and ``dependsOn``.

Each item goes through the same gateway as a direct request (tokens, throttling, faults), so
an item can come back 429 inside a batch that itself answers 200, as in Graph.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sandbox.errors import GraphError, error_body
from sandbox.http import read_json_object, state_of
from sandbox.state import SandboxState

router = APIRouter(prefix="/v1.0", tags=["batch"])
State = Annotated[SandboxState, Depends(state_of)]
MAX_BATCH_REQUESTS = 20
_FAILED_DEPENDENCY = 424


class BatchItem(BaseModel):
    """One request of a batch."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str = Field(min_length=1)
    method: str
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    depends_on: list[str] = Field(default_factory=list, alias="dependsOn")


def _items(body: dict[str, Any]) -> list[BatchItem]:
    raw = body.get("requests")
    if not isinstance(raw, list) or not raw:
        raise GraphError(400, "BadRequest", "The batch must contain a non-empty 'requests' array.")
    if len(raw) > MAX_BATCH_REQUESTS:
        raise GraphError(
            400, "BadRequest", f"Number of requests exceeds the limit of {MAX_BATCH_REQUESTS}."
        )
    try:
        items = [BatchItem.model_validate(item) for item in raw]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise GraphError(
            400, "BadRequest", f"Invalid batch request: {where}: {first['msg']}."
        ) from None
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise GraphError(400, "BadRequest", "Batch request ids must be unique.")
    known = set(ids)
    for item in items:
        for dependency in item.depends_on:
            if dependency not in known or dependency == item.id:
                raise GraphError(
                    400,
                    "BadRequest",
                    f"Request '{item.id}' depends on unknown request '{dependency}'.",
                )
    return items


async def _run_item(
    client: httpx.AsyncClient, item: BatchItem, authorization: str | None
) -> dict[str, Any]:
    path = item.url if item.url.startswith("/") else f"/{item.url}"
    headers = dict(item.headers)
    if authorization:
        headers["Authorization"] = authorization
    content = None
    if item.body is not None:
        content = json.dumps(item.body).encode()
        headers.setdefault("Content-Type", "application/json")
    response = await client.request(
        item.method.upper(), f"/v1.0{path}", headers=headers, content=content
    )
    answer: dict[str, Any] = {
        "id": item.id,
        "status": response.status_code,
        "headers": {
            key: value
            for key, value in response.headers.items()
            if key.lower() in {"content-type", "retry-after", "location"}
        },
    }
    if response.content:
        try:
            answer["body"] = response.json()
        except ValueError:
            answer["body"] = response.text
    return answer


@router.post("/$batch")
async def batch(request: Request, state: State) -> dict[str, Any]:
    """Run up to 20 requests; each is answered on its own inside a 200 response."""
    items = _items(await read_json_object(request))
    authorization = request.headers.get("authorization")
    transport = httpx.ASGITransport(app=request.app.state.gateway)
    results: dict[str, dict[str, Any]] = {}
    done: dict[str, asyncio.Event] = {item.id: asyncio.Event() for item in items}

    async def run(client: httpx.AsyncClient, item: BatchItem) -> None:
        for dependency in item.depends_on:
            await done[dependency].wait()
        failed = [d for d in item.depends_on if results[d]["status"] >= 400]
        if failed:
            results[item.id] = {
                "id": item.id,
                "status": _FAILED_DEPENDENCY,
                "body": error_body("FailedDependency", f"Depends on failed request '{failed[0]}'."),
            }
        else:
            results[item.id] = await _run_item(client, item, authorization)
        done[item.id].set()

    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        await asyncio.gather(*(run(client, item) for item in items))
    return {"responses": [results[item.id] for item in items]}

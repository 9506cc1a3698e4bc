"""Directory groups: distribution lists and Microsoft 365 groups, and their members.

``GET /groups`` (with ``$filter=mail eq '...'`` to find a list by its address, as Graph
allows), ``GET /groups/{id}`` and ``GET /groups/{id}/members`` (users, typed as directory
objects), and a user's side: ``GET /users/{id}/memberOf`` and ``/transitiveMemberOf`` (groups,
typed; the sandbox's groups hold only users, so both list the same). Mail sent to a group's
address reaches its members (:mod:`sandbox.mailbox`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from sandbox.errors import GraphError
from sandbox.http import collection_url, context_url, state_of
from sandbox.odata import page, parse_query, project
from sandbox.schema import GraphSchema
from sandbox.state import SandboxState

router = APIRouter(prefix="/v1.0", tags=["directory"])
State = Annotated[SandboxState, Depends(state_of)]


def _group(state: SandboxState, group_id: str) -> dict[str, Any]:
    found = state.directory.find_group(group_id)
    if found is None:
        raise GraphError(
            404,
            "Request_ResourceNotFound",
            f"Resource '{group_id}' does not exist or one of its queried reference-property "
            "objects are not present.",
        )
    return found


def _typed(kind: str, document: dict[str, Any]) -> dict[str, Any]:
    return {"@odata.type": f"#microsoft.graph.{kind}", **document}


@router.get("/groups")
async def list_groups(request: Request, state: State) -> dict[str, Any]:
    """List the tenant's groups (``$filter=mail eq '...'`` finds one by its address)."""
    options = parse_query(request.query_params)
    GraphSchema.load().check_properties("group", options.property_names())
    return page(
        state.directory.all_groups(),
        options,
        base_url=collection_url(request),
        query=request.query_params,
        default_top=100,
        context=context_url(request, "groups"),
    )


@router.get("/groups/{group_id}")
async def get_group(group_id: str, request: Request, state: State) -> dict[str, Any]:
    """Get a group by id."""
    options = parse_query(request.query_params)
    GraphSchema.load().check_properties("group", options.property_names())
    body = project(_group(state, group_id), options.select)
    return {"@odata.context": context_url(request, "groups/$entity"), **body}


@router.get("/groups/{group_id}/members")
async def list_members(group_id: str, request: Request, state: State) -> dict[str, Any]:
    """List a group's direct members, each typed (``#microsoft.graph.user``)."""
    group = _group(state, group_id)
    members = [_typed("user", member) for member in state.directory.group_members(group["id"])]
    return page(
        members,
        parse_query(request.query_params),
        base_url=collection_url(request),
        query=request.query_params,
        default_top=100,
        context=context_url(request, "directoryObjects"),
    )


@router.get("/users/{user_id}/memberOf")
@router.get("/users/{user_id}/transitiveMemberOf")
async def list_memberships(user_id: str, request: Request, state: State) -> dict[str, Any]:
    """List the groups a user (by id or user principal name) belongs to, each typed."""
    options = parse_query(request.query_params)
    GraphSchema.load().check_properties("group", options.property_names())
    user = state.directory.user(user_id)
    groups = [
        _typed("group", group)
        for group in state.directory.all_groups()
        if any(member["id"] == user["id"] for member in state.directory.group_members(group["id"]))
    ]
    return page(
        groups,
        options,
        base_url=collection_url(request),
        query=request.query_params,
        default_top=100,
        context=context_url(request, "directoryObjects"),
    )

"""Directory: users, managers, direct reports and mailbox settings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from domain.timezones import resolve_zone
from sandbox.errors import GraphError
from sandbox.http import collection_url, context_url, read_json_object, state_of
from sandbox.odata import page, parse_query, project
from sandbox.schema import GraphSchema
from sandbox.state import SandboxState

router = APIRouter(prefix="/v1.0", tags=["directory"])
State = Annotated[SandboxState, Depends(state_of)]


def _with_type(user: dict[str, Any]) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.user", **user}


@router.get("/users")
async def list_users(request: Request, state: State) -> dict[str, Any]:
    """List the tenant's users."""
    options = parse_query(request.query_params)
    GraphSchema.load().check_properties("user", options.property_names())
    return page(
        state.directory.all_users(),
        options,
        base_url=collection_url(request),
        query=request.query_params,
        default_top=100,
        context=context_url(request, "users"),
    )


@router.get("/users/{user_key}")
async def get_user(user_key: str, request: Request, state: State) -> dict[str, Any]:
    """Get a user by id or user principal name."""
    options = parse_query(request.query_params)
    GraphSchema.load().check_properties("user", options.property_names())
    user = state.directory.user(user_key)
    body = project(user, options.select)
    return {"@odata.context": context_url(request, "users/$entity"), **body}


@router.get("/users/{user_key}/manager")
async def get_manager(user_key: str, request: Request, state: State) -> dict[str, Any]:
    """Get a user's manager."""
    user = state.directory.user(user_key)
    manager = state.directory.manager_of(str(user["id"]))
    if manager is None:
        raise GraphError(
            404,
            "Request_ResourceNotFound",
            "Resource 'manager' does not exist or one of its queried reference-property "
            "objects are not present.",
        )
    return {
        "@odata.context": context_url(request, "directoryObjects/$entity"),
        **_with_type(manager),
    }


@router.get("/users/{user_key}/directReports")
async def get_direct_reports(user_key: str, request: Request, state: State) -> dict[str, Any]:
    """List a user's direct reports."""
    user = state.directory.user(user_key)
    reports = [_with_type(report) for report in state.directory.direct_reports(str(user["id"]))]
    return page(
        reports,
        parse_query(request.query_params),
        base_url=collection_url(request),
        query=request.query_params,
        default_top=100,
        context=context_url(request, "directoryObjects"),
    )


@router.get("/users/{user_key}/mailboxSettings")
async def get_mailbox_settings(user_key: str, request: Request, state: State) -> dict[str, Any]:
    """Get a user's mailbox settings (time zone, working hours, automatic replies)."""
    user = state.directory.user(user_key)
    settings = state.directory.mailbox_settings(str(user["id"]))
    return {
        "@odata.context": context_url(request, f"users('{user['id']}')/mailboxSettings"),
        **settings,
    }


def _check_time_zone(name: object, where: str) -> None:
    try:
        resolve_zone(str(name))
    except ValueError:
        raise GraphError(
            400, "ErrorTimeZoneNotSupported", f"The time zone '{name}' in {where} is not supported."
        ) from None


def _merge(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@router.patch("/users/{user_key}/mailboxSettings")
async def patch_mailbox_settings(user_key: str, request: Request, state: State) -> dict[str, Any]:
    """Update a user's mailbox settings; only the properties sent change."""
    user = state.directory.user(user_key)
    patch = await read_json_object(request)
    patch = {key: value for key, value in patch.items() if not key.startswith("@odata")}
    GraphSchema.load().validate_entity("mailboxSettings", patch, for_update=True)
    if "timeZone" in patch:
        _check_time_zone(patch["timeZone"], "timeZone")
    zone = ((patch.get("workingHours") or {}).get("timeZone") or {}).get("name")
    if zone is not None:
        _check_time_zone(zone, "workingHours.timeZone")
    replies = patch.get("automaticRepliesSetting") or {}
    if str(replies.get("status", "")).lower() == "scheduled":
        current = state.directory.mailbox_settings(str(user["id"])).get("automaticRepliesSetting")
        merged_replies = _merge(current or {}, replies)
        if not merged_replies.get("scheduledStartDateTime") or not merged_replies.get(
            "scheduledEndDateTime"
        ):
            raise GraphError(
                400,
                "ErrorInvalidRequest",
                "Scheduled automatic replies need scheduledStartDateTime and scheduledEndDateTime.",
            )
    settings = _merge(state.directory.mailbox_settings(str(user["id"])), patch)
    state.store.put("mailboxSettings", str(user["id"]), "settings", settings)
    return {
        "@odata.context": context_url(request, f"users('{user['id']}')/mailboxSettings"),
        **settings,
    }

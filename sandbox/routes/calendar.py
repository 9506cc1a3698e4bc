"""Calendar: events, calendarView, meeting responses, cancel and getSchedule."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from sandbox.calendar import Calendars
from sandbox.errors import GraphError
from sandbox.event_times import event_interval, preferred_zone, render
from sandbox.freebusy import parse_query as parse_schedule_query
from sandbox.freebusy import schedule_information
from sandbox.http import collection_url, context_url, read_json_object, state_of
from sandbox.meeting_messages import Response as MeetingResponse
from sandbox.odata import Comparison, QueryOptions, page, parse_query, project
from sandbox.schema import GraphSchema
from sandbox.state import SandboxState

router = APIRouter(prefix="/v1.0/users/{user_key}", tags=["calendar"])
State = Annotated[SandboxState, Depends(state_of)]
_DEFAULT_PAGE = 10
# Graph keeps event times as wall-clock strings; these are compared as instants here.
_TIME_PATHS: dict[tuple[str, ...], int] = {("start", "dateTime"): 0, ("end", "dateTime"): 1}
_WINDOW_REQUIRED = (
    "This request requires a time window specified by the query string parameters "
    "StartDateTime and EndDateTime."
)


def _zone(request: Request) -> str | None:
    return preferred_zone(request.headers.get("prefer"))


def _json(request: Request, body: dict[str, Any], status: int = 200) -> JSONResponse:
    zone = _zone(request)
    headers = {"Preference-Applied": f'outlook.timezone="{zone}"'} if zone else {}
    return JSONResponse(body, status_code=status, headers=headers)


def _event_context(request: Request, user_id: str) -> str:
    return context_url(request, f"users('{user_id}')/events/$entity")


def _query(request: Request) -> QueryOptions:
    options = parse_query(request.query_params)
    GraphSchema.load().check_properties("event", options.property_names())
    return options


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _time_filter(term: Comparison, event: dict[str, Any]) -> bool:
    wanted = _instant(term.value)
    if wanted is None:
        raise GraphError(
            400, "BadRequest", f"Invalid filter clause: '{term.value}' is not a date and time."
        )
    actual = event_interval(event)[_TIME_PATHS[term.path]]
    checks = {
        "eq": actual == wanted,
        "ne": actual != wanted,
        "gt": actual > wanted,
        "ge": actual >= wanted,
        "lt": actual < wanted,
        "le": actual <= wanted,
    }
    return checks[term.op]


def _listing(request: Request, events: list[dict[str, Any]], context: str) -> JSONResponse:
    options = _query(request)
    time_terms = [
        term
        for term in options.filters
        if isinstance(term, Comparison) and term.path in _TIME_PATHS
    ]
    options.filters = [term for term in options.filters if term not in time_terms]
    events = [event for event in events if all(_time_filter(t, event) for t in time_terms)]
    if options.order_by is not None and "/" in options.order_by[0]:
        # Stored times are UTC with one format, so their text sorts as the instants do.
        path, descending = tuple(options.order_by[0].split("/")), options.order_by[1]
        events = sorted(events, key=lambda event: str(_at_path(event, path) or ""))
        if descending:
            events.reverse()
        options.order_by = None
    zone = _zone(request)
    body = page(
        [render(event, zone) for event in events],
        options,
        base_url=collection_url(request),
        query=request.query_params,
        default_top=_DEFAULT_PAGE,
        context=context,
    )
    return _json(request, body)


def _at_path(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


@router.get("/calendar")
async def get_calendar(user_key: str, request: Request, state: State) -> dict[str, Any]:
    """Get the user's default calendar."""
    user = state.directory.user(user_key)
    return {
        "@odata.context": context_url(request, f"users('{user['id']}')/calendar/$entity"),
        "id": f"calendar-{user['id']}",
        "name": "Calendar",
        "color": "auto",
        "hexColor": "",
        "isDefaultCalendar": True,
        "changeKey": "",
        "canShare": True,
        "canViewPrivateItems": True,
        "canEdit": True,
        "allowedOnlineMeetingProviders": ["teamsForBusiness"],
        "defaultOnlineMeetingProvider": "teamsForBusiness",
        "isTallyingResponses": True,
        "isRemovable": False,
        "owner": {"name": user.get("displayName"), "address": user["mail"]},
    }


@router.post("/events")
@router.post("/calendar/events")
async def create_event(user_key: str, request: Request, state: State) -> JSONResponse:
    """Create an event; tenant attendees receive an invitation and a tentative copy."""
    user = state.directory.user(user_key)
    body = await read_json_object(request)
    event = Calendars(state).create(user, body)
    shown = {"@odata.context": _event_context(request, str(user["id"]))}
    shown.update(render(event, _zone(request)))
    return _json(request, shown, 201)


@router.get("/events")
@router.get("/calendar/events")
async def list_events(user_key: str, request: Request, state: State) -> JSONResponse:
    """List the user's events."""
    user = state.directory.user(user_key)
    events = Calendars(state).events(str(user["id"]))
    return _listing(request, events, context_url(request, f"users('{user['id']}')/events"))


def _window_parameter(request: Request, name: str) -> datetime:
    lowered = {key.lower(): value for key, value in request.query_params.items()}
    raw = lowered.get(name.lower())
    if not raw:
        raise GraphError(400, "ErrorInvalidParameter", _WINDOW_REQUIRED)
    at = _instant(raw.replace(" ", "+"))
    if at is None:
        raise GraphError(
            400, "ErrorInvalidParameter", f"The value '{raw}' of {name} is not a date and time."
        )
    return at


@router.get("/calendarView")
@router.get("/calendar/calendarView")
async def calendar_view(user_key: str, request: Request, state: State) -> JSONResponse:
    """List the events overlapping a window, earliest first."""
    user = state.directory.user(user_key)
    start = _window_parameter(request, "startDateTime")
    end = _window_parameter(request, "endDateTime")
    events = Calendars(state).view(str(user["id"]), start, end)
    return _listing(request, events, context_url(request, f"users('{user['id']}')/calendarView"))


@router.get("/events/{event_id}/instances")
@router.get("/calendar/events/{event_id}/instances")
async def event_instances(
    user_key: str, event_id: str, request: Request, state: State
) -> JSONResponse:
    """List a series' occurrences and exceptions in a window (a single event has none)."""
    user = state.directory.user(user_key)
    start = _window_parameter(request, "startDateTime")
    end = _window_parameter(request, "endDateTime")
    calendars = Calendars(state)
    master = calendars.get(str(user["id"]), event_id)
    events = []
    if master.get("type") == "seriesMaster" and master.get("recurrence"):
        events = calendars.expand(str(user["id"]), master, start, end)
    context = context_url(request, f"users('{user['id']}')/events('{event_id}')/instances")
    return _listing(request, events, context)


@router.get("/events/{event_id}")
@router.get("/calendar/events/{event_id}")
async def get_event(user_key: str, event_id: str, request: Request, state: State) -> JSONResponse:
    """Get one event."""
    user = state.directory.user(user_key)
    options = _query(request)
    event = Calendars(state).get(str(user["id"]), event_id)
    shown = {"@odata.context": _event_context(request, str(user["id"]))}
    shown.update(project(render(event, _zone(request)), options.select))
    return _json(request, shown)


@router.patch("/events/{event_id}")
@router.patch("/calendar/events/{event_id}")
async def update_event(
    user_key: str, event_id: str, request: Request, state: State
) -> JSONResponse:
    """Update an event; the organizer's changes reach the attendees."""
    user = state.directory.user(user_key)
    calendars = Calendars(state)
    event = calendars.get(str(user["id"]), event_id)
    patch = await read_json_object(request)
    updated = calendars.update(user, event, patch)
    shown = {"@odata.context": _event_context(request, str(user["id"]))}
    shown.update(render(updated, _zone(request)))
    return _json(request, shown)


@router.delete("/events/{event_id}", status_code=204)
@router.delete("/calendar/events/{event_id}", status_code=204)
async def delete_event(user_key: str, event_id: str, state: State) -> Response:
    """Delete an event; an organizer deleting a meeting cancels it for the attendees."""
    user = state.directory.user(user_key)
    calendars = Calendars(state)
    calendars.delete(user, calendars.get(str(user["id"]), event_id))
    return Response(status_code=204)


def _responder(
    action: str, response: MeetingResponse
) -> Callable[[str, str, Request, SandboxState], Awaitable[Response]]:
    async def respond(user_key: str, event_id: str, request: Request, state: State) -> Response:
        user = state.directory.user(user_key)
        calendars = Calendars(state)
        event = calendars.get(str(user["id"]), event_id)
        params = GraphSchema.load().validate_action(action, await read_json_object(request))
        comment = params.get("Comment")
        calendars.respond(
            user,
            event,
            response,
            comment=comment if isinstance(comment, str) else None,
            send_response=params.get("SendResponse") is not False,
        )
        return Response(status_code=202)

    respond.__doc__ = f"Answer a meeting invitation ({action})."
    return respond


_RESPONSES: tuple[tuple[str, MeetingResponse], ...] = (
    ("accept", "accepted"),
    ("tentativelyAccept", "tentativelyAccepted"),
    ("decline", "declined"),
)
for _action, _response in _RESPONSES:
    for _prefix in ("/events", "/calendar/events"):
        router.add_api_route(
            f"{_prefix}/{{event_id}}/{_action}",
            _responder(_action, _response),
            methods=["POST"],
            status_code=202,
        )


@router.post("/events/{event_id}/cancel", status_code=202)
@router.post("/calendar/events/{event_id}/cancel", status_code=202)
async def cancel_event(user_key: str, event_id: str, request: Request, state: State) -> Response:
    """Cancel a meeting (organizer only); attendees receive a cancellation."""
    user = state.directory.user(user_key)
    calendars = Calendars(state)
    event = calendars.get(str(user["id"]), event_id)
    params = GraphSchema.load().validate_action("cancel", await read_json_object(request))
    comment = params.get("Comment")
    calendars.cancel(user, event, comment if isinstance(comment, str) else None)
    return Response(status_code=202)


@router.post("/calendar/getSchedule")
async def get_schedule(user_key: str, request: Request, state: State) -> JSONResponse:
    """Free/busy, working hours and absence of up to 100 people over a window."""
    state.directory.user(user_key)
    query = parse_schedule_query(await read_json_object(request))
    zone = _zone(request)
    return _json(
        request,
        {
            "@odata.context": context_url(
                request, "Collection(microsoft.graph.scheduleInformation)"
            ),
            "value": [
                schedule_information(state, address, query, zone) for address in query.schedules
            ],
        },
    )

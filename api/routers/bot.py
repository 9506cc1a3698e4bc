"""``POST /api/messages``: where the Bot Connector delivers Teams activities to Accord's bot.

Every activity's token is validated first (``integrations/teams/auth.py``): a missing,
forged, expired or misdirected one gets 401 and nothing else happens. A body that is not an
activity gets 400. Invokes are answered in the response (the refreshed card); everything else
gets 200 once handled (answers to messages go back through the Bot Connector). With Teams
not configured, the endpoint answers 404.
"""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response
from microsoft_agents.activity import Activity
from pydantic import ValidationError
from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.service import RPCError

from api.dependencies import ClockDep, ConfigDep, LinksDep, TemporalDep
from api.limits import MalformedJsonError, loads_json
from api.problems import Problem, problem_response
from api.teams_bot import (
    CARD_ACTION_INVOKE,
    TeamsBot,
    Turn,
    invoke_error,
    on_card_action,
    on_conversation_update,
    on_installation,
    on_message,
)
from integrations.teams.auth import InvalidBotToken
from integrations.teams.directory import DirectoryLookupError

log = structlog.get_logger("accord.api.bot")
router = APIRouter(tags=["teams"], include_in_schema=False)


def _problem(status: int, title: str, detail: str) -> Response:
    return problem_response(Problem(type="about:blank", title=title, status=status, detail=detail))


@router.post("/api/messages")
async def messages(
    request: Request,
    temporal: TemporalDep,
    links: LinksDep,
    clock: ClockDep,
    config: ConfigDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    """Receive one activity from the Bot Connector."""
    bot: TeamsBot | None = getattr(request.app.state, "teams_bot", None)
    if bot is None:
        return _problem(404, "Not Found", "Teams is not configured for this Accord.")
    try:
        body: Any = loads_json(await request.body())
    except MalformedJsonError:
        body = None
    if not isinstance(body, dict):
        return _problem(400, "Bad Request", "The body is not an activity.")
    try:
        await bot.validator.validate(
            authorization,
            service_url=body.get("serviceUrl") if isinstance(body.get("serviceUrl"), str) else None,
            channel_id=body.get("channelId") if isinstance(body.get("channelId"), str) else None,
        )
    except InvalidBotToken as exc:
        log.warning("teams_activity_refused", reason=exc.reason)
        return _problem(401, "Unauthorized", "The activity's token is not valid.")
    try:
        activity = Activity.model_validate(body)
    except ValidationError:
        return _problem(400, "Bad Request", "The body is not an activity.")
    turn = Turn(
        activity=activity,
        bot=bot,
        temporal=temporal,
        links=links,
        now=clock(),
        task_queue=config.task_queue,
    )
    kind = activity.type
    if kind == "invoke":
        if activity.name != CARD_ACTION_INVOKE:
            return JSONResponse(invoke_error(400, "Accord does not handle this invoke."))
        return JSONResponse(await on_card_action(turn))
    try:
        if kind == "message":
            await on_message(turn)
        elif kind == "installationUpdate":
            await on_installation(turn)
        elif kind == "conversationUpdate":
            await on_conversation_update(turn)
    except (DirectoryLookupError, RPCError, RPCTimeoutOrCancelledError):
        log.warning("teams_activity_unavailable", type=kind)
        return problem_response(
            Problem(
                type="about:blank",
                title="Service Unavailable",
                status=503,
                detail="Accord cannot handle this activity right now.",
            ),
            headers={"Retry-After": "5"},
        )
    return Response(status_code=200)

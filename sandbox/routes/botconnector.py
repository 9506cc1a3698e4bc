"""The Bot Connector's HTTP surface: tokens and keys, the conversations API, and people's side.

``/v3/conversations...`` is what a bot calls (with its token); ``/botframework...`` publishes
the token endpoint, OpenID metadata and keys; ``/_sandbox/teams/...`` is where the sandbox
page and tests act as people in Teams (install the app, write, press a card's button).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from sandbox.botconnector.rate import RateLimits
from sandbox.botconnector.service import TOKEN_LIFETIME, BotConnectorService, ConnectorError
from sandbox.http import read_json_object, state_of
from sandbox.schema import GraphSchema
from sandbox.state import SandboxState

router = APIRouter(tags=["bot connector"])
State = Annotated[SandboxState, Depends(state_of)]
Authorization = Annotated[str | None, Header()]


def _connector(state: State) -> BotConnectorService:
    return BotConnectorService.of(state)


Connector = Annotated[BotConnectorService, Depends(_connector)]


def _refusal(exc: ConnectorError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ConnectorError(400, "BadSyntax", "The body is not JSON.") from None
    if not isinstance(body, dict):
        raise ConnectorError(400, "BadSyntax", "The body is not a JSON object.")
    return body


async def _from_bot(
    request: Request, connector: BotConnectorService, authorization: str | None
) -> dict[str, Any]:
    """The body of a conversations API call, once the bot's token is accepted."""
    connector.check_bot_token(authorization)
    return await _json_object(request)


# ----- identity ----------------------------------------------------------------------------


@router.post("/botframework.com/oauth2/v2.0/token")
async def bot_token(
    connector: Connector,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str, Form()],
    scope: Annotated[str, Form()],
    client_secret: Annotated[str | None, Form()] = None,
) -> JSONResponse:
    """The Bot Framework's client-credentials flow for the bot."""
    if grant_type != "client_credentials":
        return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
    if scope != "https://api.botframework.com/.default":
        return JSONResponse({"error": "invalid_scope"}, status_code=400)
    try:
        token = connector.issue_bot_token(client_id, client_secret)
    except ConnectorError as exc:
        return JSONResponse(
            {"error": exc.code, "error_description": exc.message}, status_code=exc.status
        )
    lifetime = int(TOKEN_LIFETIME.total_seconds())
    return JSONResponse(
        {"token_type": "Bearer", "expires_in": lifetime, "access_token": token},
    )


@router.get("/botframework/v1/.well-known/openidconfiguration")
async def openid_configuration(connector: Connector) -> dict[str, Any]:
    """Where the Bot Connector's signing keys are (as login.botframework.com publishes)."""
    return connector.openid_configuration()


@router.get("/botframework/v1/.well-known/keys")
async def keys(connector: Connector) -> dict[str, Any]:
    """The Bot Connector's signing keys, endorsed for Teams."""
    return connector.jwks()


# ----- the conversations API (called by the bot) -------------------------------------------


@router.post("/v3/conversations")
async def create_conversation(
    request: Request, connector: Connector, authorization: Authorization = None
) -> Response:
    """Open the personal chat with a person who has the app."""
    try:
        body = await _from_bot(request, connector, authorization)
        return JSONResponse(connector.create_conversation(body), 201)
    except ConnectorError as exc:
        return _refusal(exc)


@router.post("/v3/conversations/{conversation_id}/activities")
async def send_to_conversation(
    conversation_id: str,
    request: Request,
    connector: Connector,
    authorization: Authorization = None,
) -> Response:
    """The bot posts an activity to a chat."""
    try:
        body = await _from_bot(request, connector, authorization)
        return JSONResponse(connector.post_from_bot(conversation_id, body), status_code=201)
    except ConnectorError as exc:
        return _refusal(exc)


@router.post("/v3/conversations/{conversation_id}/activities/{activity_id}")
async def reply_to_activity(
    conversation_id: str,
    activity_id: str,
    request: Request,
    connector: Connector,
    authorization: Authorization = None,
) -> Response:
    """The bot answers an activity in the chat."""
    try:
        body = await _from_bot(request, connector, authorization)
        return JSONResponse(
            connector.post_from_bot(conversation_id, body, reply_to=activity_id), status_code=201
        )
    except ConnectorError as exc:
        return _refusal(exc)


@router.put("/v3/conversations/{conversation_id}/activities/{activity_id}")
async def update_activity(
    conversation_id: str,
    activity_id: str,
    request: Request,
    connector: Connector,
    authorization: Authorization = None,
) -> Response:
    """The bot replaces one of its activities."""
    try:
        body = await _from_bot(request, connector, authorization)
        return JSONResponse(connector.update_from_bot(conversation_id, activity_id, body))
    except ConnectorError as exc:
        return _refusal(exc)


# ----- Graph's activity feed (authenticated by the Graph gateway like all of /v1.0) ----------


@router.post("/v1.0/users/{user_key}/teamwork/sendActivityNotification", status_code=204)
async def send_activity_notification(
    user_key: str, request: Request, connector: Connector
) -> Response:
    """Notify a person's Teams activity feed as Accord's app (Graph's shapes and errors)."""
    body = GraphSchema.load().validate_action(
        "sendActivityNotification", await read_json_object(request)
    )
    connector.notify(user_key, body)
    return Response(status_code=204)


@router.get("/_sandbox/teams/users/{upn}/feed")
async def feed(upn: str, connector: Connector) -> Response:
    """The person's activity feed from Accord, oldest first."""
    try:
        return JSONResponse({"value": connector.feed(upn)})
    except ConnectorError as exc:
        return _refusal(exc)


# ----- people's side (the sandbox page and tests) -------------------------------------------


class BotRegistration(BaseModel):
    """The bot's app id and messaging endpoint (``.../api/messages``)."""

    app_id: str = Field(min_length=1)
    endpoint: str = Field(min_length=8)


class Said(BaseModel):
    """What a person writes to the bot."""

    text: str = Field(min_length=1, max_length=4000)


class Press(BaseModel):
    """A button press; ``as_user`` lets a test press as someone else (a forwarded card)."""

    as_user: str | None = None


@router.put("/_sandbox/teams/bot")
async def register_bot(registration: BotRegistration, connector: Connector) -> dict[str, Any]:
    """Register the bot, as Azure Bot Service's messaging endpoint setting does."""
    return connector.register_bot(registration.app_id, registration.endpoint)


@router.put("/_sandbox/teams/limits")
async def set_limits(limits: RateLimits, connector: Connector) -> dict[str, Any]:
    """Change the per-conversation and per-app limits (tests shrink them)."""
    connector.rates.limits = limits
    return limits.model_dump()


@router.post("/_sandbox/teams/activities")
async def deliver_activity(request: Request, connector: Connector) -> Response:
    """Send any activity to the bot, signed like every other (tests use it for odd payloads)."""
    try:
        return JSONResponse(await connector.send_to_bot(await _json_object(request)))
    except ConnectorError as exc:
        return _refusal(exc)


@router.post("/_sandbox/teams/users/{upn}/install")
async def install(upn: str, connector: Connector) -> Response:
    """The person adds Accord in Teams."""
    try:
        return JSONResponse(await connector.install(upn))
    except ConnectorError as exc:
        return _refusal(exc)


@router.post("/_sandbox/teams/users/{upn}/uninstall")
async def uninstall(upn: str, connector: Connector, notify: bool = True) -> Response:
    """The person removes Accord from Teams (``notify=false``: the bot is not told)."""
    try:
        return JSONResponse(await connector.uninstall(upn, notify=notify))
    except ConnectorError as exc:
        return _refusal(exc)


@router.post("/_sandbox/teams/users/{upn}/messages")
async def say(upn: str, said: Said, connector: Connector) -> Response:
    """The person writes to the bot; answers with the bot's HTTP answer."""
    try:
        return JSONResponse(await connector.say(upn, said.text))
    except ConnectorError as exc:
        return _refusal(exc)


@router.get("/_sandbox/teams/users/{upn}/chat")
async def chat(upn: str, connector: Connector) -> Response:
    """The person's chat with the bot, oldest first."""
    try:
        conversation = connector.conversation_of(upn)
        return JSONResponse({"conversation": conversation, "activities": connector.chat(upn)})
    except ConnectorError as exc:
        return _refusal(exc)


@router.post(
    "/_sandbox/teams/conversations/{conversation_id}/activities/{activity_id}/press/{index}"
)
async def press(
    conversation_id: str, activity_id: str, index: int, press: Press, connector: Connector
) -> Response:
    """The person presses the card's ``index``-th button; answers with the bot's answer."""
    try:
        answer = await connector.press(conversation_id, activity_id, index, as_user=press.as_user)
        return JSONResponse(answer)
    except ConnectorError as exc:
        return _refusal(exc)

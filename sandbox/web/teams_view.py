"""The page's Teams tab: a person's chat with Accord's bot, with cards whose buttons work.

Pressing a button posts a properly signed ``adaptiveCard/action`` invoke to the bot (through
the sandbox's Bot Connector), and the card is replaced by the one the bot answers with, as in
Teams. The tab can also add or remove the app and write to the bot.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from sandbox.botconnector import BotConnectorService, ConnectorError
from sandbox.http import state_of
from sandbox.state import SandboxState

# The page's own helpers: one layout, one set of people and tabs for every tab.
from sandbox.web.pages import _common, _not_found, _render, _viewer
from sandbox.web.teams_tab import router as tab_router

router = APIRouter(tags=["web"], include_in_schema=False)
# Accord's personal tab, framed as Teams frames it (before the page's own static files).
router.include_router(tab_router)
State = Annotated[SandboxState, Depends(state_of)]


@dataclass(frozen=True)
class ChatLine:
    """One activity as the chat shows it."""

    id: str
    from_bot: bool
    text: str | None
    card: dict[str, Any] | None
    time: str
    updated: bool


def _local(timestamp: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(timestamp).astimezone(zone).strftime("%a %d %b, %H:%M")


def _lines(activities: list[dict[str, Any]], zone: ZoneInfo) -> list[ChatLine]:
    lines = []
    for activity in activities:
        card = None
        for attachment in activity.get("attachments") or []:
            if isinstance(attachment.get("content"), dict):
                card = attachment["content"]
        lines.append(
            ChatLine(
                id=activity["id"],
                from_bot=activity["sender"] == "bot",
                text=activity.get("text"),
                card=card,
                time=_local(activity["timestamp"], zone),
                updated=bool(activity.get("updated")),
            )
        )
    return lines


@router.get("/web/users/{user_key}/teams", response_class=Response)
async def teams_chat(user_key: str, state: State) -> Response:
    """Show the person's chat with Accord in Teams."""
    viewer = _viewer(state, user_key)
    if viewer is None:
        return _not_found(f"There is no user {user_key!r} in this tenant.")
    connector = BotConnectorService.of(state)
    conversation = connector.conversation_of(viewer.email)
    return _render(
        "teams.html",
        **_common(state, viewer, "teams", f"/web/users/{viewer.id}/live?view=inbox"),
        conversation=conversation,
        installed=bool(conversation and conversation["installed"]),
        bot=connector.bot(),
        lines=_lines(connector.chat(viewer.email), viewer.zone),
        feed=[
            (item.get("previewText") or "", _local(item["timestamp"], viewer.zone))
            for item in reversed(connector.feed(viewer.email))
        ],
    )


@router.post("/web/users/{user_key}/teams/install")
async def install_app(user_key: str, state: State) -> Response:
    """Add Accord in Teams for the person."""
    with contextlib.suppress(ConnectorError):
        await BotConnectorService.of(state).install(user_key)
    return RedirectResponse(f"/web/users/{user_key}/teams", status_code=303)


@router.post("/web/users/{user_key}/teams/uninstall")
async def uninstall_app(user_key: str, state: State) -> Response:
    """Remove Accord from the person's Teams."""
    with contextlib.suppress(ConnectorError):
        await BotConnectorService.of(state).uninstall(user_key)
    return RedirectResponse(f"/web/users/{user_key}/teams", status_code=303)


@router.post("/web/users/{user_key}/teams/say")
async def say(user_key: str, state: State, text: Annotated[str, Form(max_length=4000)]) -> Response:
    """Write to the bot as the person."""
    if text.strip():
        with contextlib.suppress(ConnectorError):
            await BotConnectorService.of(state).say(user_key, text.strip())
    return RedirectResponse(f"/web/users/{user_key}/teams", status_code=303)


@router.post("/web/users/{user_key}/teams/press/{activity_id}/{index}")
async def press(user_key: str, activity_id: str, index: int, state: State) -> Response:
    """Press a card's button as the person; the card refreshes with the bot's answer."""
    connector = BotConnectorService.of(state)
    conversation = connector.conversation_of(user_key)
    if conversation is not None:
        # A refusal leaves the card as it was, which is what the page then shows.
        with contextlib.suppress(ConnectorError):
            await connector.press(conversation["id"], activity_id, index)
    return RedirectResponse(f"/web/users/{user_key}/teams", status_code=303)

"""Accord's Teams bot: what it does with each activity the Bot Connector sends.

* ``installationUpdate`` / ``conversationUpdate`` (the app added) and any personal message:
  the person's chat is remembered (their conversation reference) in their entity.
* Messages in the personal chat: ``help``, ``my commitments``, ``status <title>`` and
  ``prefer email|teams|both``; anything else gets a short hint.
* ``invoke`` ``adaptiveCard/action`` (a card's ``Action.Execute``): the card's signed token is
  verified like an action link, the presser must be the person the card was sent to, and the
  same update as the email's link is applied; the answer is a refreshed card saying what was
  recorded, or why nothing was. A promise of support reads its inputs (what, by when) from
  the action's data and goes through the email form's own ``apply_promise``; short of them,
  the answer is the form again, saying what is missing.

The token of every activity is validated before any of this (``api/routers/bot.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from microsoft_agents.activity import Activity
from temporalio.client import Client

from api.routers.actions import PromiseFormError, apply_promise, link_thanks, link_update
from api.schemas import NOTE_MAX_LENGTH
from domain.action_links import InvalidActionLink, LinkAction, LinkKeyRing
from domain.messages.cards import (
    CARD_CONTENT_TYPE,
    CardButton,
    form_card,
    list_card,
    outcome_card,
)
from domain.messages.formatting import describe_instant
from domain.preferences import Channel, ConversationReference
from domain.timezones import resolve_zone
from integrations.teams.auth import BotTokenValidator
from integrations.teams.connector import (
    BotConnector,
    ConversationGoneError,
    TeamsRejectedError,
    TeamsThrottledError,
    TeamsUnavailableError,
)
from integrations.teams.directory import DirectoryLookupError, ObjectIdDirectory
from workflows.commitment.client import (
    ActionRejectedError,
    CommitmentNotFoundError,
    CommitmentUnavailableError,
    apply_update,
    open_commitments_query,
    read_view,
)
from workflows.commitment.contracts import CommitmentView
from workflows.person.client import PersonStore, PreferenceRejectedError

log = structlog.get_logger("accord.api.teams")

CARD_ACTION_INVOKE = "adaptiveCard/action"
ERROR_CONTENT_TYPE = "application/vnd.microsoft.error"
_LIST_LIMIT = 20
_VIEW_WAIT = timedelta(seconds=3)
_REPLY_ATTEMPTS = 3
_MAX_REPLY_WAIT = 5.0

HELP = (
    "Hi, I'm Accord. I help you and your manager keep track of what you've agreed, kindly.\n\n"
    "Write to me:\n"
    "- my commitments: what you've taken on, and what you've asked of others\n"
    "- status and part of a title: where one of them stands\n"
    "- prefer teams, prefer email or prefer both: where my messages reach you\n"
    "- help: this list\n\n"
    "Check-ins arrive here as cards; one click answers them."
)
UNKNOWN = "I didn't catch that. Write help to see what I can do."


@dataclass(frozen=True)
class TeamsBot:
    """What the bot needs besides the API's own dependencies."""

    validator: BotTokenValidator
    connector: BotConnector
    people: PersonStore
    directory: ObjectIdDirectory


@dataclass(frozen=True)
class Turn:
    """One activity and everything needed to handle it."""

    activity: Activity
    bot: TeamsBot
    temporal: Client
    links: LinkKeyRing
    now: datetime
    task_queue: str
    """The commitments' task queue (a promise of support starts a commitment of its own)."""


def invoke_card(card: dict[str, Any]) -> dict[str, Any]:
    """The invoke response that replaces the pressed card with ``card``."""
    return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}


def invoke_error(status: int, message: str) -> dict[str, Any]:
    """An invoke response saying the action could not be handled now."""
    return {
        "statusCode": status,
        "type": ERROR_CONTENT_TYPE,
        "value": {"code": "Unavailable" if status >= 500 else "BadRequest", "message": message},
    }


async def _email_of(turn: Turn) -> str | None:
    sender = turn.activity.from_property
    aad_id = sender.aad_object_id if sender else None
    if not aad_id:
        return None
    return await turn.bot.directory.email_of(aad_id)


def _reference(activity: Activity) -> ConversationReference | None:
    conversation = activity.conversation
    sender = activity.from_property
    if conversation is None or sender is None or activity.recipient is None:
        return None
    if (conversation.conversation_type or "personal") != "personal":
        return None
    return ConversationReference(
        service_url=activity.service_url or "",
        conversation_id=conversation.id,
        user_id=sender.id,
        aad_object_id=sender.aad_object_id,
        bot_id=activity.recipient.id,
        tenant_id=conversation.tenant_id,
        channel_id=str(activity.channel_id or "msteams"),
    )


async def remember_chat(turn: Turn, email: str) -> None:
    """Keep the person's chat, unless it is already the one on record."""
    reference = _reference(turn.activity)
    if reference is None:
        return
    record = await turn.bot.people.get(email)
    if record.conversation != reference:
        await turn.bot.people.remember_conversation(email, reference)
        log.info("teams_chat_remembered", conversation_id=reference.conversation_id)


# ----- installation ------------------------------------------------------------------------


async def on_installation(turn: Turn) -> None:
    """The app was added (remember the chat, say hello) or removed (forget the chat)."""
    email = await _email_of(turn)
    if email is None:
        log.info("teams_install_unknown_person")
        return
    action = (turn.activity.action or "add").lower()
    if action.startswith("remove"):
        conversation = turn.activity.conversation
        if conversation is not None:
            await turn.bot.people.forget_conversation(email, conversation.id)
            log.info("teams_chat_forgotten", conversation_id=conversation.id)
        return
    await remember_chat(turn, email)
    if turn.activity.type == "installationUpdate":
        await _say(turn, HELP, reply=False)


async def on_conversation_update(turn: Turn) -> None:
    """The bot joined a personal chat: the same as an installation."""
    added = turn.activity.members_added or []
    recipient = turn.activity.recipient
    if recipient is not None and any(member.id == recipient.id for member in added):
        email = await _email_of(turn)
        if email is not None:
            await remember_chat(turn, email)


# ----- messages ----------------------------------------------------------------------------


async def on_message(turn: Turn) -> None:
    """A person wrote to the bot: remember the chat and answer the command."""
    email = await _email_of(turn)
    if email is None:
        await _say(turn, "I can only help people in this organisation's directory.")
        return
    await remember_chat(turn, email)
    text = " ".join((turn.activity.text or "").split())
    command, _, argument = text.partition(" ")
    command = command.lower()
    if text.lower() in ("help", "hi", "hello", "?"):
        await _say(turn, HELP)
    elif text.lower() in ("my commitments", "commitments", "list"):
        await _list(turn, email)
    elif command == "status":
        await _status(turn, email, argument)
    elif command == "prefer":
        await _prefer(turn, email, argument.lower())
    else:
        log.info("teams_unknown_command")
        await _say(turn, UNKNOWN)


async def _commitments_of(turn: Turn, email: str) -> list[CommitmentView]:
    query = open_commitments_query(involving=email)
    commitment_ids = [
        execution.id.removeprefix("commitment-")
        async for execution in turn.temporal.list_workflows(query, limit=_LIST_LIMIT)
    ]
    # Asked together, each with a short wait: one commitment that cannot answer (its worker
    # is down) must not hold up the whole reply past the Bot Connector's timeout.
    views = await asyncio.gather(*(_view_or_none(turn, id_) for id_ in commitment_ids))
    return [view for view in views if view is not None]


async def _view_or_none(turn: Turn, commitment_id: str) -> CommitmentView | None:
    try:
        return await read_view(turn.temporal, commitment_id, wait=_VIEW_WAIT)
    except (CommitmentNotFoundError, CommitmentUnavailableError):
        return None


def _status_line(view: CommitmentView, email: str, zone: str) -> str:
    status = view.status.value.replace("_", " ")
    due = describe_instant(view.spec.due, resolve_zone(zone))
    if view.spec.owner.email == email:
        whose = f"for {view.spec.manager.display_name}"
    else:
        whose = f"by {view.spec.owner.display_name}"
    line = f"{status.capitalize()}, {whose}, due {due}."
    if view.check_ins:
        last = view.check_ins[-1]
        line += f" Last check-in: {last.answer.value.replace('_', ' ')}."
    return line


async def _list(turn: Turn, email: str) -> None:
    views = await _commitments_of(turn, email)
    zone = _zone_of(turn)
    rows = [(view.spec.title, _status_line(view, email, zone)) for view in views]
    card = list_card("Your commitments", rows, "Nothing open right now.")
    await _send_card(turn, card)


async def _status(turn: Turn, email: str, title: str) -> None:
    wanted = title.strip().strip('"').lower()
    if not wanted:
        await _say(turn, "Which one? Write status and part of its title.")
        return
    views = await _commitments_of(turn, email)
    exact = [view for view in views if view.spec.title.lower() == wanted]
    matches = exact or [view for view in views if wanted in view.spec.title.lower()]
    zone = _zone_of(turn)
    if not matches:
        await _say(turn, "I couldn't find an open commitment with that title.")
        return
    rows = [(view.spec.title, _status_line(view, email, zone)) for view in matches]
    heading = "Where it stands" if len(rows) == 1 else "A few match; here they all are"
    await _send_card(turn, list_card(heading, rows, ""))


async def _prefer(turn: Turn, email: str, choice: str) -> None:
    try:
        channel = Channel(choice)
    except ValueError:
        await _say(turn, "Write prefer teams, prefer email or prefer both.")
        return
    try:
        await turn.bot.people.set_channel(email, channel)
    except PreferenceRejectedError as exc:
        await _say(turn, exc.reason)
        return
    where = {
        Channel.TEAMS: "here in Teams",
        Channel.EMAIL: "by email",
        Channel.BOTH: "here in Teams and by email",
    }[channel]
    await _say(turn, f"Done: Accord's messages will reach you {where}.")


def _zone_of(turn: Turn) -> str:
    # Teams sends the person's IANA zone with each message; UTC when it does not.
    return turn.activity.local_timezone or "UTC"


async def _say(turn: Turn, text: str, *, reply: bool = True) -> None:
    await _send(turn, Activity(type="message", text=text, text_format="plain"), reply=reply)


async def _send_card(turn: Turn, card: dict[str, Any]) -> None:
    activity = Activity.model_validate(
        {"type": "message", "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}]}
    )
    await _send(turn, activity, reply=True)


async def _send(turn: Turn, activity: Activity, *, reply: bool) -> None:
    reference = _reference(turn.activity)
    if reference is None:
        return
    for attempt in range(_REPLY_ATTEMPTS):
        try:
            if reply and turn.activity.id:
                await turn.bot.connector.reply(
                    reference.service_url, reference.conversation_id, turn.activity.id, activity
                )
            else:
                await turn.bot.connector.send(reference, activity)
        except TeamsThrottledError as exc:
            # A person is waiting for this answer: wait briefly as Teams asks, then try again.
            if attempt + 1 < _REPLY_ATTEMPTS and exc.retry_after <= _MAX_REPLY_WAIT:
                await asyncio.sleep(exc.retry_after)
                continue
            log.warning("teams_reply_throttled", retry_after=exc.retry_after)
        except (TeamsUnavailableError, TeamsRejectedError, ConversationGoneError) as exc:
            log.warning("teams_reply_failed", error_type=type(exc).__name__)
        return


# ----- card actions ------------------------------------------------------------------------


def _card_token(value: Any) -> tuple[str, str, dict[str, Any]] | None:
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if not isinstance(action, dict) or action.get("type") != "Action.Execute":
        return None
    verb, data = action.get("verb"), action.get("data")
    if not isinstance(verb, str) or not isinstance(data, dict):
        return None
    token = data.get("token")
    return (verb, token, data) if isinstance(token, str) and token else None


def _typed(data: dict[str, Any], name: str) -> str | None:
    """An input's value as Teams merged it into the action's data (strings only)."""
    value = data.get(name)
    return value[:NOTE_MAX_LENGTH] if isinstance(value, str) else None


async def on_card_action(turn: Turn) -> dict[str, Any]:
    """A card's button was pressed; answer with the card that replaces it.

    Returns:
        The invoke response body.
    """
    found = _card_token(turn.activity.value)
    if found is None:
        log.info("teams_card_malformed")
        return invoke_card(
            outcome_card(
                "This card can't be used",
                ["Nothing was changed. The latest message from Accord has buttons that work."],
                style="attention",
            )
        )
    verb, token, data = found
    try:
        claims = turn.links.verify(token, turn.now)
    except InvalidActionLink as exc:
        expired = "expired" in exc.reason.lower()
        log.info("teams_card_expired" if expired else "teams_card_invalid")
        heading = "This card has expired" if expired else "This card can't be used"
        return invoke_card(
            outcome_card(
                heading,
                ["Nothing was changed. The latest message from Accord has buttons that work."],
                style="attention",
            )
        )
    if verb != claims.action.value:
        log.info("teams_card_verb_mismatch")
        return invoke_card(
            outcome_card("This card can't be used", ["Nothing was changed."], style="attention")
        )
    try:
        presser = await _email_of(turn)
    except DirectoryLookupError:
        return invoke_error(503, "Accord can't check who you are right now; nothing changed.")
    if presser != claims.person.lower():
        log.info("teams_card_other_person", commitment_id=claims.commitment_id)
        return invoke_card(
            outcome_card(
                "This card is for someone else",
                ["It was sent to another person, so only they can answer it. Nothing was changed."],
                style="attention",
            )
        )
    try:
        if claims.action is LinkAction.PROMISE_SUPPORT:
            # The same path as the email's form: read, checked, then promised.
            view = await apply_promise(
                turn.temporal,
                claims,
                what=_typed(data, "what"),
                by=_typed(data, "by"),
                now=turn.now,
                task_queue=turn.task_queue,
            )
        else:
            update, arg = link_update(claims, _typed(data, "note"))
            view = await apply_update(
                turn.temporal, claims.commitment_id, update, arg, update_id=arg.action_id
            )
    except PromiseFormError as exc:
        log.info("teams_card_form_incomplete", commitment_id=claims.commitment_id)
        return invoke_card(_promise_again(exc.message, token, data))
    except CommitmentNotFoundError:
        return invoke_card(
            outcome_card(
                "We couldn't find this commitment",
                ["It may have been removed since this card was sent. Nothing was changed."],
                style="attention",
            )
        )
    except ActionRejectedError as exc:
        log.info("teams_card_stale", commitment_id=claims.commitment_id)
        title = await _title_of(turn, claims.commitment_id)
        return invoke_card(
            outcome_card(
                "This has moved on since the card was sent",
                [exc.reason, "The latest message from Accord fits where things stand now."],
                title=title,
                style="warning",
            )
        )
    except CommitmentUnavailableError:
        return invoke_error(503, "Accord can't record this right now; please try again soon.")
    log.info(
        "teams_card_applied",
        commitment_id=claims.commitment_id,
        link_id=claims.link_id,
        action=claims.action.value,
    )
    thanks, follow_up = link_thanks(claims.action)
    lines = [follow_up] if follow_up else []
    if claims.action is LinkAction.CHECK_IN_AT_RISK or claims.action is LinkAction.CHECK_IN_BLOCKED:
        lines.append(f"I'll let {view.spec.manager.display_name} know, so they can help.")
    return invoke_card(outcome_card(thanks, lines, title=view.spec.title, style="good"))


def _promise_again(problem: str, token: str, data: dict[str, Any]) -> dict[str, Any]:
    """The promise's form again, saying what is missing and keeping what was typed."""
    values = {"what": _typed(data, "what") or ""}
    by = _typed(data, "by") or ""
    # Not a date: the date input starts empty rather than keep what it cannot show.
    with contextlib.suppress(ValueError):
        values["by"] = date.fromisoformat(by).isoformat()
    return form_card(
        problem,
        ["Nothing was recorded yet."],
        label="Promise this support",
        button=CardButton(action=LinkAction.PROMISE_SUPPORT, token=token),
        values=values,
    )


async def _title_of(turn: Turn, commitment_id: str) -> str | None:
    try:
        return (await read_view(turn.temporal, commitment_id)).spec.title
    except (CommitmentNotFoundError, CommitmentUnavailableError):
        return None

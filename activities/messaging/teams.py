"""Teams as a channel of ``send_message``, with email as the fallback.

The card goes to the person's personal chat when they prefer Teams (or both); when Teams
cannot reach them, the message goes by email. The card is the Teams adapter's view
(``domain/messages/cards.py``) of the message ``send_message`` rendered once, the same one
the email shows.

Exactly once, as far as the Bot Connector allows: it has no idempotency key, so the activity
id each message key became is recorded in the person's entity (``workflows/person/``) right
after the Bot Connector accepts it, and an attempt that finds the key recorded does not post
again. What remains is the moment between the Bot Connector accepting a card and the record
being written (a worker crash there, or a lost response to an accepted post): a retry then
posts the card a second time. docs/teams.md describes this window.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import structlog
from pydantic import BaseModel
from temporalio.exceptions import ApplicationError

from activities.messaging.contracts import OutgoingMessage
from domain.messages.cards import CARD_ACTIONS, CardButton, message_card
from domain.messages.kinds import ASKING_KINDS, CONTEXT_TYPES, MessageContext
from domain.messages.rendered import RenderedMessage
from domain.models import Person
from domain.preferences import Channel, ConversationReference, PersonRecord, SentActivity
from integrations.teams.connector import (
    BotConnector,
    ConversationGoneError,
    TeamsRejectedError,
    TeamsThrottledError,
    TeamsUnavailableError,
    card_activity,
)
from integrations.teams.feed import ActivityFeed
from integrations.teams.pacing import Pacer
from workflows.person.client import PersonStore

TEAMS_THROTTLED = "TeamsThrottled"
TEAMS_UNAVAILABLE = "TeamsUnavailable"
MAX_PACING_WAIT = 20.0
"""Longer waits are handed back to Temporal's retry, so no worker slot idles meanwhile."""

log = structlog.get_logger("accord.activities.teams")


class TeamsRoute(BaseModel):
    """What Teams did with a message."""

    channel: Channel
    delivered: bool = False
    already_sent: bool = False
    unreachable: bool = False

    @property
    def email_needed(self) -> bool:
        """Whether the email must go too (email or both, or Teams could not reach them)."""
        return self.channel is not Channel.TEAMS or not self.delivered


def fits_a_card(message: OutgoingMessage) -> bool:
    """Whether a message can go to Teams: about one commitment, with buttons cards know."""
    context_type = CONTEXT_TYPES.get(message.kind)
    return (
        context_type is not None
        and issubclass(context_type, MessageContext)
        and all(action in CARD_ACTIONS for action in message.actions.values())
    )


def build_card(
    message: OutgoingMessage, rendered: RenderedMessage, tokens: Mapping[str, str]
) -> tuple[dict[str, Any], str]:
    """Build the Adaptive Card for a message, its buttons carrying the signed tokens.

    Args:
        message: the message, as the workflow asked for it (its link fields' actions).
        rendered: the message, rendered once.
        tokens: link field (e.g. ``accept_url``) -> the signed action-link token.

    Returns:
        The card, and its one-line summary (the message's subject) for notifications.
    """
    buttons = {
        field: CardButton(action=action, token=tokens[field])
        for field, action in message.actions.items()
    }
    return message_card(rendered, buttons), rendered.subject


class TeamsChannel:
    """Delivers cards to people who prefer Teams.

    Args:
        connector: the Bot Connector client.
        people: the person store (preferences, chats, sent activities).
        pacer: paces sends per chat and for the app.
        default_channel: the tenant's default for people who chose nothing.
        feed: notifies the activity feed of people who have the app but prefer email
            (questions only); unset: no feed notifications.
    """

    def __init__(
        self,
        *,
        connector: BotConnector,
        people: PersonStore,
        pacer: Pacer,
        default_channel: Channel = Channel.EMAIL,
        feed: ActivityFeed | None = None,
    ) -> None:
        self._feed = feed
        self._connector = connector
        self._people = people
        self._pacer = pacer
        self._default = default_channel

    async def route(
        self,
        message: OutgoingMessage,
        recipient: Person,
        rendered: RenderedMessage,
        tokens: Mapping[str, str],
    ) -> TeamsRoute:
        """Send the message's card if the person prefers Teams; say whether email must go.

        Args:
            message: the message.
            recipient: who reads it.
            rendered: the message, rendered once (the email shows the same).
            tokens: the signed action-link tokens, per link field.

        Returns:
            Which channel applies and what happened in Teams.

        Raises:
            ApplicationError: retryable, when Teams throttles or fails; after
                ``Retry-After`` for a 429 (nothing is dropped).
        """
        if not fits_a_card(message):
            # e.g. intake's confirmation, whose links act on no commitment: email only.
            return TeamsRoute(channel=Channel.EMAIL)
        record = await self._people.get(recipient.email)
        channel = record.channel_or(self._default)
        if not channel.uses_teams:
            await self._nudge_in_feed(record, message, rendered)
            return TeamsRoute(channel=channel)
        logger = log.bind(idempotency_key=message.idempotency_key, channel=channel.value)
        reference = record.conversation
        if reference is None:
            logger.info("teams_not_installed")
            return TeamsRoute(channel=channel, unreachable=True)
        if message.idempotency_key in record.sent:
            logger.info("teams_card_already_sent")
            return TeamsRoute(channel=channel, delivered=True, already_sent=True)
        card, summary = build_card(message, rendered, tokens)
        try:
            await self._post(record, reference, message, card, summary)
        except ConversationGoneError as exc:
            logger.info("teams_conversation_gone", status=exc.status)
            await self._people.forget_conversation(record.email, reference.conversation_id)
            return TeamsRoute(channel=channel, unreachable=True)
        except TeamsRejectedError as exc:
            logger.warning("teams_card_rejected", status=exc.status)
            return TeamsRoute(channel=channel, unreachable=True)
        logger.info("teams_card_sent")
        return TeamsRoute(channel=channel, delivered=True)

    async def _nudge_in_feed(
        self, record: PersonRecord, message: OutgoingMessage, rendered: RenderedMessage
    ) -> None:
        """Also show a question in the activity feed of someone who has the app but wants email.

        Best effort: the email is the message; a feed that fails never holds it up.
        """
        if self._feed is None or record.conversation is None or message.kind not in ASKING_KINDS:
            return
        key = f"feed:{message.idempotency_key}"
        if key in record.sent:
            return
        try:
            await self._feed.notify(
                record.email, preview=rendered.subject, title=message.spec.title
            )
        except ApplicationError as exc:
            log.info("teams_feed_skipped", error_type=exc.type)
            return
        await self._people.record_sent(
            record.email, key, SentActivity(conversation_id="activity-feed", activity_id=key)
        )
        log.info("teams_feed_notified", idempotency_key=message.idempotency_key)

    async def _post(
        self,
        record: PersonRecord,
        reference: ConversationReference,
        message: OutgoingMessage,
        card: dict[str, Any],
        summary: str,
    ) -> None:
        wait = await self._pacer.reserve(reference.conversation_id, max_wait=MAX_PACING_WAIT)
        if wait:
            raise ApplicationError(
                "pacing sends to this chat",
                type=TEAMS_THROTTLED,
                next_retry_delay=timedelta(seconds=wait),
            )
        activity = card_activity(card, summary=summary)
        try:
            activity_id = await self._connector.send(reference, activity)
        except TeamsThrottledError as exc:
            self._pacer.hold(reference.conversation_id, exc.retry_after)
            raise ApplicationError(
                str(exc), type=TEAMS_THROTTLED, next_retry_delay=timedelta(seconds=exc.retry_after)
            ) from None
        except TeamsUnavailableError as exc:
            raise ApplicationError(str(exc), type=TEAMS_UNAVAILABLE) from None
        await self._people.record_sent(
            record.email,
            message.idempotency_key,
            SentActivity(conversation_id=reference.conversation_id, activity_id=activity_id),
        )

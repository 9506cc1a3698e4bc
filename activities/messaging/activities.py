"""Sending Accord's emails through Graph, exactly once per idempotency key.

``sendMail`` answers 202 with nothing to identify the message, and a send can take effect even
when the client then sees a 503, a 504 or a dropped connection. So each message carries its
idempotency key, and every attempt first asks the sender's Sent Items for that key: an earlier
attempt that got through is reported as ``already_sent`` instead of being sent again.

The key travels twice. The ``x-accord-idempotency-key`` internet message header reaches the
recipient's copy, but Exchange Online keeps no internet headers on the Sent Items copy
(microsoft-graph-docs issues #2716 and #18761), so the key is also a named MAPI property
(a single-value extended property), which the Sent Items copy keeps and Graph can expand.
The lookup is one request that lets Exchange find the property's value
(``$filter=singleValueExtendedProperties/any(ep: ep/id eq '...' and ep/value eq '...')``, as
Graph documents for extended properties), so its cost does not grow with the mailbox; an
earlier version paged through a week of Sent Items and spent most of a send's CPU there.
Exchange compares the value without regard to case, so the answer is checked for the exact key.
On Sent Items only the property is there, in the sandbox too, so the tests exercise the route
production depends on.

Exchange files the Sent Items copy shortly after accepting a send, so the retry policy of
``send_message`` should wait some seconds before its first retry (Graph's ``Retry-After``,
when it sends one, is honoured on its own).

A message goes down once: its links are signed, it is rendered once into a channel-neutral
form (``domain/messages/rendering.py``), and that form goes to Teams as a card
(``activities/messaging/teams.py``) and/or to email through the email layout
(``domain/messages/email.py``), then to Graph.

Every send of Accord's (messages, digests, intake's questions) goes through
:meth:`MessagingActivities.send_once`: the mailbox's pacer (integrations/graph/pacing.py) is
asked for a turn first, then Sent Items, then the submission waits for its turn. People are
spread over the sending mailboxes by ``domain.sending.sender_for``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

import structlog
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.internet_message_header import InternetMessageHeader
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.models.single_value_legacy_extended_property import (
    SingleValueLegacyExtendedProperty,
)
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity

from activities.messaging.contracts import SEND_MESSAGE, OutgoingMessage, SentMessage
from activities.messaging.rendering import recipient_of, render_outgoing
from activities.messaging.teams import TeamsChannel, TeamsRoute
from domain.action_links import DEFAULT_LINK_LIFETIME, ActionClaims, LinkAction, LinkKeyRing
from domain.messages.email import email_body
from domain.messages.rendered import RenderedMessage
from domain.models import Actor, Person
from domain.preferences import Channel
from domain.sending import sender_for
from integrations.graph.errors import graph_errors
from integrations.graph.pacing import MailboxPacer, SendTurn, Unpaced
from integrations.telemetry.metrics import EMAIL, count_message_sent

IDEMPOTENCY_HEADER = "x-accord-idempotency-key"
IDEMPOTENCY_PROPERTY = "String {9a03eba4-b327-4cea-b748-28a68e4256c1} Name AccordIdempotencyKey"
"""The named MAPI property (in Accord's own property set) that carries the key."""
_LOOKUP_PAGE = 10
_EXPANDED_PROPERTY = f"singleValueExtendedProperties($filter=id eq '{IDEMPOTENCY_PROPERTY}')"

log = structlog.get_logger("accord.activities.messaging")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _graph_instant(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _address(person: Person) -> Recipient:
    return Recipient(email_address=EmailAddress(address=person.email, name=person.display_name))


class MessagingActivities:
    """Sends emails from Accord's mailbox.

    Args:
        graph: the SDK client.
        sender_mailbox: Accord's own mailbox: it sends when ``sending_mailboxes`` is empty,
            and it sends intake's replies in the threads it was copied on.
        links: the key ring that signs action links.
        public_url: where Accord's API is reached; links are ``{public_url}/a/{token}``.
        clock: the current instant, for link expiry; it should
            agree with the mail server's clock.
        teams: delivers cards to people who prefer Teams (see ``activities/messaging/teams.py``);
            unset: email only.
        sending_mailboxes: the mailboxes people's messages are spread over (each person
            always hears from the same one); empty: ``sender_mailbox`` alone.
        pacer: keeps sends within each mailbox's message rate; ``None``: no pacing (the
            Graph client's transport should share it, see ``PacedTransport``).
    """

    def __init__(
        self,
        graph: GraphServiceClient,
        *,
        sender_mailbox: str,
        links: LinkKeyRing,
        public_url: str,
        clock: Callable[[], datetime] = _utc_now,
        teams: TeamsChannel | None = None,
        sending_mailboxes: Sequence[str] = (),
        pacer: MailboxPacer | None = None,
    ) -> None:
        self._teams = teams
        self._graph = graph
        self.agent_mailbox = sender_mailbox
        self._senders = tuple(sending_mailboxes) or (sender_mailbox,)
        self._pacer = pacer
        self._links = links
        self._public_url = public_url.rstrip("/")
        self._clock = clock

    @activity.defn(name=SEND_MESSAGE)
    async def send_message(self, message: OutgoingMessage) -> SentMessage:
        """Render and send one message, unless an earlier attempt already sent it.

        Args:
            message: what to send, to whom, with which action links.

        Returns:
            The recipient's address and whether an earlier attempt had sent it.
        """
        recipient = recipient_of(message.spec, message.recipient_role)
        if message.deliver_until is not None and self._clock() >= message.deliver_until:
            # Re-checked right before sending: pacing or retries ran past the reader's day.
            log.info("message_deferred", idempotency_key=message.idempotency_key)
            return SentMessage(
                idempotency_key=message.idempotency_key,
                recipient=recipient.email,
                already_sent=False,
                deferred=True,
            )
        tokens = self._sign(message, recipient.email)
        links = {field: f"{self._public_url}/a/{token}" for field, token in tokens.items()}
        rendered = render_outgoing(message, links)
        route = await self._route_to_teams(message, recipient, rendered, tokens)
        if route is not None and not route.email_needed:
            return SentMessage(
                idempotency_key=message.idempotency_key,
                recipient=recipient.email,
                already_sent=route.already_sent,
                channel=Channel.TEAMS.value,
            )
        # Told to the workflow, which tells the manager once (Teams alone was wanted).
        unreachable = route is not None and route.unreachable and route.channel is Channel.TEAMS
        logger = log.bind(
            idempotency_key=message.idempotency_key,
            commitment_id=message.commitment_id,
            kind=str(message.kind),
            recipient_role=str(message.recipient_role),
            attempt=activity.info().attempt,
        )
        sender = self.sender_for(recipient.email)
        request = SendMailPostRequestBody(
            message=self._graph_message(message, recipient, rendered), save_to_sent_items=True
        )
        already_sent = await self.send_once(
            sender,
            message.idempotency_key,
            lambda: self._graph.users.by_user_id(sender).send_mail.post(request),
        )
        if already_sent:
            logger.info("message_already_sent")
        else:
            logger.info("message_sent")
            count_message_sent(activity.metric_meter(), channel=EMAIL, kind=str(message.kind))
        return SentMessage(
            idempotency_key=message.idempotency_key,
            recipient=recipient.email,
            already_sent=already_sent,
            teams_unreachable=unreachable,
        )

    def sender_for(self, recipient: str) -> str:
        """Return the mailbox that writes to a person (always the same one for them).

        Args:
            recipient: the person's address.

        Returns:
            One of the sending mailboxes.
        """
        return sender_for(recipient, self._senders)

    async def send_once(
        self, mailbox: str, idempotency_key: str, submit: Callable[[], Awaitable[object]]
    ) -> bool:
        """Submit a message from a mailbox, unless an earlier attempt already did.

        The order matters: the pacer's turn first (a send that must wait long costs no
        request, see ``MailboxPacer.turn``), then the Sent Items check, then the
        submission when the turn comes.

        Args:
            mailbox: the sending mailbox; ``submit`` must send from it.
            idempotency_key: the key the message carries (header and extended property).
            submit: makes the Graph request that submits the message.

        Returns:
            True when an earlier attempt had sent it (``submit`` was not called).

        Raises:
            ApplicationError: Graph's failures (see integrations/graph/errors.py), or
                ``MailboxBusy`` when the mailbox's turn is far off.
        """
        async with self._turn(mailbox, idempotency_key) as turn:
            if await self._already_sent(mailbox, idempotency_key):
                return True
            async with turn.submission():
                with graph_errors():
                    await submit()
        return False

    async def _route_to_teams(
        self,
        message: OutgoingMessage,
        recipient: Person,
        rendered: RenderedMessage,
        tokens: dict[str, str],
    ) -> TeamsRoute | None:
        if self._teams is None:
            return None
        route = await self._teams.route(message, recipient, rendered, tokens)
        if route.delivered and not route.already_sent:
            count_message_sent(activity.metric_meter(), channel="teams", kind=str(message.kind))
        return route

    @contextlib.asynccontextmanager
    async def _turn(self, mailbox: str, idempotency_key: str) -> AsyncIterator[SendTurn]:
        if self._pacer is None:
            yield Unpaced()
            return
        async with self._pacer.turn(mailbox, idempotency_key) as turn:
            yield turn

    def action_url(self, commitment_id: str, person: str, action: LinkAction, link_id: str) -> str:
        """Return a signed action link for a message rendered outside :meth:`send_message`.

        Args:
            commitment_id: what the link names (for intake, a conversation's commitment id).
            person: who may use it.
            action: what it does.
            link_id: the link's id (a second use of the same link applies once).

        Returns:
            The link's URL, valid for the usual lifetime.
        """
        token = self._links.sign(
            ActionClaims(
                commitment_id=commitment_id,
                person=person,
                action=action,
                link_id=link_id,
                expires_at=self._clock() + DEFAULT_LINK_LIFETIME,
            )
        )
        return f"{self._public_url}/a/{token}"

    def _sign(self, message: OutgoingMessage, person: str) -> dict[str, str]:
        """Sign each link field once: the card's button and the email's link carry the same."""
        expires_at = self._clock() + DEFAULT_LINK_LIFETIME
        return {
            field: self._token(message, person, field, action, expires_at)
            for field, action in message.actions.items()
        }

    def _token(
        self,
        message: OutgoingMessage,
        person: str,
        field: str,
        action: LinkAction,
        expires_at: datetime,
    ) -> str:
        return self._links.sign(
            ActionClaims(
                commitment_id=message.commitment_id,
                person=person,
                action=action,
                link_id=f"{message.idempotency_key}:{field}",
                expires_at=expires_at,
            )
        )

    def _graph_message(
        self, message: OutgoingMessage, recipient: Person, rendered: RenderedMessage
    ) -> Message:
        manager = message.spec.manager
        return Message(
            subject=rendered.subject,
            # Graph mail has one body; HTML carries the links as buttons.
            body=ItemBody(content_type=BodyType.Html, content=email_body(rendered).html),
            to_recipients=[_address(recipient)],
            # Replies should reach a person, not Accord's mailbox; the manager writing to
            # themself would gain nothing, so their own messages keep the default.
            reply_to=[_address(manager)] if message.recipient_role is Actor.OWNER else None,
            internet_message_headers=[
                InternetMessageHeader(name=IDEMPOTENCY_HEADER, value=message.idempotency_key)
            ],
            single_value_extended_properties=[
                SingleValueLegacyExtendedProperty(
                    id=IDEMPOTENCY_PROPERTY, value=message.idempotency_key
                )
            ],
        )

    async def _already_sent(self, mailbox: str, idempotency_key: str) -> bool:
        key_literal = idempotency_key.replace("'", "''")
        query = urlencode(
            {
                "$filter": "singleValueExtendedProperties/any(ep: "
                f"ep/id eq '{IDEMPOTENCY_PROPERTY}' and ep/value eq '{key_literal}')",
                "$select": "internetMessageHeaders",
                "$expand": _EXPANDED_PROPERTY,
                "$top": str(_LOOKUP_PAGE),
            },
            quote_via=quote,
        )
        # Written here rather than expanded from the SDK's URI template, which takes over
        # twice as long for this long query (0.56 against 0.22 ms a look-up, measured).
        url = (
            f"{self._graph.request_adapter.base_url}/users/{quote(mailbox, safe='')}"
            f"/mailFolders/sentitems/messages?{query}"
        )
        messages = self._graph.users.by_user_id(mailbox).mail_folders.by_mail_folder_id("sentitems")
        with graph_errors():
            found = await messages.messages.with_url(url).get()
        candidates = (found.value if found is not None else None) or []
        return any(carries_key(item, idempotency_key) for item in candidates)


def carries_key(message: Message, idempotency_key: str) -> bool:
    """Tell whether a message carries an idempotency key, in its header or its property.

    Args:
        message: a message read with its headers and the expanded property.
        idempotency_key: the key to look for.

    Returns:
        True when either carries exactly that key.
    """
    in_header = any(
        (header.name or "").lower() == IDEMPOTENCY_HEADER and header.value == idempotency_key
        for header in message.internet_message_headers or []
    )
    in_property = any(
        (prop.id or "").lower() == IDEMPOTENCY_PROPERTY.lower() and prop.value == idempotency_key
        for prop in message.single_value_extended_properties or []
    )
    return in_header or in_property

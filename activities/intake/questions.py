"""Asking a manager, in their own thread, for what their email left out: exactly once.

The question is a Graph ``reply`` to Accord's copy of the email, so it lands in the same
conversation and the manager's answer comes back into it (and to the waiting conversation
workflow). Flag intake has no copy in Accord's mailbox; there the question is a new email.
The same way, a sender who may not set the owner an expectation hears who can
(:func:`domain.intake.refusal.render_refusal`). Either way the message carries its idempotency
key as the header and the MAPI property that :mod:`activities.messaging.activities` uses, and
Sent Items is searched for it before every attempt.
"""

from __future__ import annotations

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
from msgraph.generated.users.item.messages.item.reply.reply_post_request_body import (
    ReplyPostRequestBody,
)
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity

from activities.intake.contracts import (
    ASK_MANAGER,
    REPLY_NO_REQUEST,
    REPLY_REFUSAL,
    NoRequestReply,
    QuestionRequest,
    RefusalRequest,
)
from activities.messaging.activities import (
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_PROPERTY,
    MessagingActivities,
)
from activities.messaging.contracts import SentMessage
from domain.action_links import LinkAction
from domain.intake.models import Mailbox
from domain.intake.question import IntakeQuestion, render_question
from domain.intake.refusal import IntakeRefusal, render_refusal
from domain.messages.email import email_body
from domain.messages.intake_no_request import IntakeNoRequest, render_no_request
from domain.messages.rendered import RenderedMessage
from domain.models import Person
from integrations.graph.people import DirectoryUnavailableError, GraphGroups, GraphPeopleDirectory

log = structlog.get_logger("accord.activities.intake_mail")
MAX_PEOPLE = 12
"""At most this many people are named in an answer (a long list says nothing more)."""


class IntakeMailActivities:
    """Sends intake's question to a manager from Accord's mailbox.

    Args:
        graph: the SDK client.
        messaging: the messaging activities of the same mailbox (their Sent Items search).
        agent_mailbox: Accord's mailbox.
    """

    def __init__(
        self, graph: GraphServiceClient, messaging: MessagingActivities, *, agent_mailbox: str
    ) -> None:
        self._graph = graph
        self._messaging = messaging
        self._agent = agent_mailbox
        self._directory = GraphPeopleDirectory(graph)
        self._groups = GraphGroups(graph)

    @activity.defn(name=ASK_MANAGER)
    async def ask_manager(self, request: QuestionRequest) -> SentMessage:
        """Ask the manager for what is missing, once per idempotency key.

        Args:
            request: the manager, the reading, and the message to reply to (if any).

        Returns:
            Whether an earlier attempt had sent it.
        """
        logger = log.bind(idempotency_key=request.idempotency_key, attempt=activity.info().attempt)
        rendered = render_question(
            IntakeQuestion(
                manager=Person(email=request.manager, display_name=_name(request)),
                recipient_time_zone=request.manager_time_zone,
                original_subject=request.subject,
                reading=request.reading,
            )
        )
        already_sent = await self._reply_once(
            rendered,
            to=request.manager,
            idempotency_key=request.idempotency_key,
            reply_to=request.reply_to_message_id,
        )
        if already_sent:
            logger.info("intake_question_already_sent")
        else:
            logger.info("intake_question_sent", in_thread=request.reply_to_message_id is not None)
        return SentMessage(
            idempotency_key=request.idempotency_key,
            recipient=request.manager,
            already_sent=already_sent,
        )

    @activity.defn(name=REPLY_REFUSAL)
    async def reply_intake_refusal(self, request: RefusalRequest) -> SentMessage:
        """Tell the sender, kindly, that they may not set this expectation and who can.

        Args:
            request: the sender, the owner (and their manager), and the message to reply to.

        Returns:
            Whether an earlier attempt had sent it.
        """
        rendered = render_refusal(
            IntakeRefusal(
                sender=Person(
                    email=request.sender, display_name=request.sender_name or request.sender
                ),
                recipient_time_zone=request.sender_time_zone,
                original_subject=request.subject,
                owner=request.owner,
                owner_manager=request.owner_manager,
            )
        )
        return await self._answer_sender(rendered, request, "intake_refusal_sent")

    @activity.defn(name=REPLY_NO_REQUEST)
    async def reply_intake_no_request(self, request: NoRequestReply) -> SentMessage:
        """Tell the sender what Accord saw in a mail that asked nothing, with "Track this".

        Args:
            request: the sender, what was seen, and the message to reply to (if any).

        Returns:
            Whether an earlier attempt had sent it.
        """
        track_url = self._messaging.action_url(
            request.track_commitment_id,
            request.sender,
            LinkAction.TRACK_INTAKE,
            f"{request.idempotency_key}:track",
        )
        rendered = render_no_request(
            IntakeNoRequest(
                sender=Person(
                    email=request.sender, display_name=request.sender_name or request.sender
                ),
                recipient_time_zone=request.sender_time_zone,
                original_subject=request.subject,
                people=[await self._name_of(person) for person in request.people[:MAX_PEOPLE]],
                noticed_due=request.noticed_due,
                track_url=track_url,
                could_not_read=request.could_not_read,
            )
        )
        return await self._answer_sender(rendered, request, "intake_no_request_answered")

    async def _name_of(self, person: Mailbox) -> str:
        """A person's (or group's) name as the directory gives it; the address otherwise."""
        if person.name:
            return person.name
        try:
            found = await self._directory.find(person.address)
            if found is not None:
                return found.display_name
            group = await self._groups.find(person.address)
        except DirectoryUnavailableError:
            return person.address  # a name is a courtesy; the answer goes out without it
        return group.display_name if group is not None and group.display_name else person.address

    async def _answer_sender(
        self, rendered: RenderedMessage, request: RefusalRequest | NoRequestReply, event: str
    ) -> SentMessage:
        # Once per idempotency key, in the sender's thread when there is one; logged by key only.
        already_sent = await self._reply_once(
            rendered,
            to=request.sender,
            idempotency_key=request.idempotency_key,
            reply_to=request.reply_to_message_id,
        )
        log.info(event, idempotency_key=request.idempotency_key, already_sent=already_sent)
        return SentMessage(
            idempotency_key=request.idempotency_key,
            recipient=request.sender,
            already_sent=already_sent,
        )

    async def _reply_once(
        self, rendered: RenderedMessage, *, to: str, idempotency_key: str, reply_to: str | None
    ) -> bool:
        # In the thread when Accord holds a copy to reply to, else a new email; True when an
        # earlier attempt had already sent it.
        message = Message(
            to_recipients=[Recipient(email_address=EmailAddress(address=to))],
            body=ItemBody(content_type=BodyType.Html, content=email_body(rendered).html),
            internet_message_headers=[
                InternetMessageHeader(name=IDEMPOTENCY_HEADER, value=idempotency_key)
            ],
            single_value_extended_properties=[
                SingleValueLegacyExtendedProperty(id=IDEMPOTENCY_PROPERTY, value=idempotency_key)
            ],
        )
        mailbox = self._graph.users.by_user_id(self._agent)
        if not reply_to:
            message.subject = rendered.subject

        async def submit() -> None:
            if reply_to:
                await mailbox.messages.by_message_id(reply_to).reply.post(
                    ReplyPostRequestBody(message=message)
                )
            else:
                await mailbox.send_mail.post(
                    SendMailPostRequestBody(message=message, save_to_sent_items=True)
                )

        return await self._messaging.send_once(self._agent, idempotency_key, submit)


def _name(request: QuestionRequest) -> str:
    manager = request.reading.manager
    return manager.name if manager is not None and manager.name else request.manager

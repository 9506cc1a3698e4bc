"""The digest's activities: gather a manager's figures, and mail the digest with its chart.

The mail goes out from Accord's mailbox on the same exactly-once path as every other
message: it carries its idempotency key as an internet header and as the named MAPI
property, and each attempt first looks for the key in Sent Items
(:meth:`MessagingActivities.already_sent`). The chart travels as an inline file attachment
(``isInline`` with a ``contentId``) that the HTML body shows through ``cid:``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import structlog
from msgraph.generated.models.attachment import Attachment
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.file_attachment import FileAttachment
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
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.digest.charts import Chart, weekly_chart
from activities.digest.contracts import (
    ENROL_DIGEST_MANAGERS,
    GATHER_DIGEST,
    SEND_DIGEST,
    DigestDelivery,
    DigestEnrolled,
    DigestEnrolment,
    DigestRequest,
    DigestSent,
)
from activities.directory.activities import read_person_schedule
from activities.messaging.activities import (
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_PROPERTY,
    MessagingActivities,
)
from domain.digest import TeamDigest, build_digest, default_timing
from domain.messages.email import email_body
from domain.messages.kinds import DigestContext, MessageKind
from domain.messages.rendered import RenderedMessage
from domain.messages.rendering import render_message
from domain.models import Person
from domain.reliability import window_start
from domain.timezones import resolve_zone
from workflows.commitment.client import open_commitments_query
from workflows.commitment.contracts import MANAGER_KEY
from workflows.commitment.facts import (
    CommitmentsUnavailableError,
    digest_facts_query,
    read_commitment_facts,
)
from workflows.digest.client import ensure_digest_schedule, read_digest_schedule

CHART_CONTENT_ID = "team-trend@accord"
CHART_FILE_NAME = "team-trend.png"
COMMITMENTS_UNAVAILABLE = "CommitmentsUnavailable"

log = structlog.get_logger("accord.activities.digest")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DigestActivities:
    """Gathers and sends managers' weekly digests.

    Args:
        temporal: the Temporal client, to find and read the commitments.
        graph: the SDK client that sends the mail.
        messaging: the mail activities: they choose the manager's sending mailbox and make
            the send paced and exactly once.
    """

    def __init__(
        self,
        temporal: Client,
        graph: GraphServiceClient,
        messaging: MessagingActivities,
    ) -> None:
        self._temporal = temporal
        self._graph = graph
        self._messaging = messaging

    @activity.defn(name=GATHER_DIGEST)
    async def gather_digest(self, request: DigestRequest) -> TeamDigest:
        """Read the manager's reports' commitments (open, or ended in the weeks shown).

        Args:
            request: whose digest, in which zone, as of when.

        Returns:
            The digest (check ``has_news`` before sending it).
        """
        zone = resolve_zone(request.time_zone)
        since = window_start(request.now, zone, request.weeks_shown)
        try:
            # The team's commitments and the manager's own: their promises of support.
            query = digest_facts_query(since=since, manager=request.manager)
        except ValueError:
            raise ApplicationError(
                "the manager's address cannot be searched for", non_retryable=True
            ) from None
        try:
            facts = await read_commitment_facts(self._temporal, query)
        except CommitmentsUnavailableError:
            raise ApplicationError(
                "the commitments could not be read", type=COMMITMENTS_UNAVAILABLE
            ) from None
        manager = next(
            (item.manager for item in facts if item.manager.email == request.manager.lower()),
            Person(email=request.manager, display_name=request.manager),
        )
        digest = build_digest(
            manager,
            facts,
            now=request.now,
            time_zone=request.time_zone,
            weeks=request.weeks_shown,
        )
        log.info("digest_gathered", commitments=len(facts), has_news=digest.has_news)
        return digest

    @activity.defn(name=SEND_DIGEST)
    async def send_digest(self, delivery: DigestDelivery) -> DigestSent:
        """Render the digest with its chart and mail it to the manager, unless already sent.

        Args:
            delivery: the digest and its idempotency key.

        Returns:
            Whether an earlier attempt had sent it.
        """
        digest = delivery.digest
        logger = log.bind(idempotency_key=delivery.idempotency_key, attempt=activity.info().attempt)
        # Drawing takes a moment of CPU; the event loop keeps serving other activities.
        chart = await asyncio.to_thread(weekly_chart, digest.weeks)
        rendered = render_digest(digest, chart)
        request = SendMailPostRequestBody(
            message=digest_message(delivery.idempotency_key, digest.manager, rendered, chart),
            save_to_sent_items=True,
        )
        sender = self._messaging.sender_for(digest.manager.email)
        already_sent = await self._messaging.send_once(
            sender,
            delivery.idempotency_key,
            lambda: self._graph.users.by_user_id(sender).send_mail.post(request),
        )
        if already_sent:
            logger.info("digest_already_sent")
            return DigestSent(
                idempotency_key=delivery.idempotency_key,
                recipient=digest.manager.email,
                already_sent=True,
            )
        logger.info("digest_sent", chart_bytes=len(chart.png))
        return DigestSent(
            idempotency_key=delivery.idempotency_key,
            recipient=digest.manager.email,
            already_sent=False,
        )


def render_digest(digest: TeamDigest, chart: Chart) -> RenderedMessage:
    """Render the digest once: its subject and words, the chart as an inline image by content id.

    Args:
        digest: the digest.
        chart: its chart.

    Returns:
        The rendered message.
    """
    context = DigestContext(
        digest=digest,
        recipient_time_zone=digest.time_zone,
        chart_content_id=CHART_CONTENT_ID,
        chart_alt_text=chart.alt_text,
    )
    return render_message(MessageKind.DIGEST, context)


def digest_message(
    idempotency_key: str, manager: Person, rendered: RenderedMessage, chart: Chart
) -> Message:
    """Build the Graph message: the email layout's HTML, the chart inline, the idempotency marks.

    Args:
        idempotency_key: the key that makes the send exactly once.
        manager: the recipient.
        rendered: the rendered digest.
        chart: the chart, attached inline under :data:`CHART_CONTENT_ID`.

    Returns:
        The message for ``sendMail``.
    """
    attachment: Attachment = FileAttachment(
        name=CHART_FILE_NAME,
        content_type="image/png",
        content_bytes=chart.png,
        content_id=CHART_CONTENT_ID,
        is_inline=True,
    )
    return Message(
        subject=rendered.subject,
        body=ItemBody(content_type=BodyType.Html, content=email_body(rendered).html),
        to_recipients=[
            Recipient(email_address=EmailAddress(address=manager.email, name=manager.display_name))
        ],
        attachments=[attachment],
        internet_message_headers=[
            InternetMessageHeader(name=IDEMPOTENCY_HEADER, value=idempotency_key)
        ],
        single_value_extended_properties=[
            SingleValueLegacyExtendedProperty(id=IDEMPOTENCY_PROPERTY, value=idempotency_key)
        ],
    )


class DigestEnrolmentActivities:
    """Gives managers a digest schedule once they have a commitment.

    Args:
        temporal: the Temporal client, to list commitments and create schedules.
        graph: the SDK client, to read managers' working hours and zone.
        task_queue: where the digest workflows run.
        clock: the current instant (to pick the next default send time).
    """

    def __init__(
        self,
        temporal: Client,
        graph: GraphServiceClient,
        *,
        task_queue: str,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._temporal = temporal
        self._graph = graph
        self._task_queue = task_queue
        self._clock = clock

    @activity.defn(name=ENROL_DIGEST_MANAGERS)
    async def enrol_digest_managers(self, request: DigestEnrolment) -> DigestEnrolled:
        """Create a default schedule for each manager of an open commitment who has none.

        A manager's own choice (another day, or the digest turned off) is never touched.

        Args:
            request: how many open commitments to look through at most.

        Returns:
            How many managers were seen and how many schedules were created.
        """
        managers: set[str] = set()
        async for execution in self._temporal.list_workflows(
            open_commitments_query(), limit=request.limit
        ):
            manager = execution.typed_search_attributes.get(MANAGER_KEY)
            if manager:
                managers.add(manager.lower())
        created = 0
        for manager in sorted(managers):
            if await read_digest_schedule(self._temporal, manager) is not None:
                continue
            try:
                schedule = await read_person_schedule(self._graph, manager)
            except ApplicationError as exc:
                # One mailbox that cannot be read (gone, no licence) must not hold up the
                # others; the next hourly run tries it again.
                log.warning("digest_manager_not_enrolled", error_type=exc.type)
                continue
            await ensure_digest_schedule(
                self._temporal,
                manager,
                timing=default_timing(schedule, self._clock()),
                time_zone=schedule.time_zone,
                enabled=True,
                task_queue=self._task_queue,
                replace=False,
            )
            created += 1
        log.info("digest_managers_enrolled", managers=len(managers), created=created)
        return DigestEnrolled(managers_seen=len(managers), schedules_created=created)

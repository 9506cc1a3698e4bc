"""Intake activities: read a message Graph told us about, and hand it to its conversation.

Everything here is I/O around the pure parser (:mod:`domain.intake`): fetching the message
and its sender's mailbox settings, looking people up, asking the manager in the thread, and
starting workflows. Logs carry ids and reasons only, never subjects, bodies or addresses.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
    MessagesRequestBuilder,
)
from msgraph.generated.users.item.messages.item.message_item_request_builder import (
    MessageItemRequestBuilder,
)
from msgraph.graph_service_client import GraphServiceClient
from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.directory.activities import read_person_schedule
from activities.intake.contracts import (
    COMPLETE_INTAKE_READING,
    DELIVER_TO_THREAD,
    NOT_ALLOWED_PROBLEM,
    READ_INBOUND_MESSAGE,
    RESOLVE_INTAKE_DRAFTS,
    START_INTAKE_COMMITMENT,
    CommitmentStartRequest,
    CompletionRequest,
    DeliveryOutcome,
    DraftsRequest,
    InboundLookup,
    ResolvedDrafts,
    ThreadDelivery,
)
from activities.intake.soon_due import soon_due_reason
from domain.authorization import (
    Action,
    AuthorizationPolicy,
    Decision,
    Reason,
    Requester,
    decide,
)
from domain.intake import complete_due, parse_due, read_email, visible_text
from domain.intake.models import (
    DueParse,
    Ignored,
    InboundEmail,
    Mailbox,
    Missing,
    Reading,
    SenderContext,
)
from domain.intake.screening import MAX_BODY_CHARS as SCREENING_MAX_BODY_CHARS
from domain.intake.screening import screen
from domain.models import CommitmentSpec, Person
from domain.timezones import resolve_zone
from integrations.graph.errors import graph_errors
from integrations.graph.json_reads import send_for_json
from integrations.graph.memberships import GroupMemberships
from integrations.graph.people import (
    DirectoryUnavailableError,
    GraphGroups,
    GraphOrgChart,
    GraphPeopleDirectory,
    MailGroup,
    managers_above,
)
from integrations.reading_pool import (
    BoundedReading,
    ReadingFailedError,
    ReadingTooSlowError,
    ThreadReading,
)
from workflows.commitment.client import CommitmentUnavailableError, start_commitment
from workflows.commitment.contracts import CommitmentInput
from workflows.intake.contracts import (
    MESSAGE_SIGNAL,
    THREAD_WORKFLOW,
    ChangeNotice,
    InboundRead,
    IntakeInput,
    WatchMode,
    thread_key,
    thread_workflow_id,
)

log = structlog.get_logger("accord.activities.intake")

MESSAGE_FIELDS = [
    "id",
    "subject",
    "body",
    # Exchange's own cut of the sender's new text (no quoted history); read when present.
    "uniqueBody",
    "from",
    "toRecipients",
    "ccRecipients",
    "sentDateTime",
    "conversationId",
    "internetMessageId",
    "internetMessageHeaders",
    "hasAttachments",
    "flag",
    "categories",
]
DUE_MISSING = frozenset({Missing.DUE_DATE, Missing.DUE_IN_PAST, Missing.DUE_AMBIGUOUS})
# Reasons a message stops before its conversation: nothing in it is for Accord.
FINAL_IGNORES = frozenset(set(Ignored) - {Ignored.NOT_A_REQUEST})
UNAVAILABLE = "IntakeUnavailable"
MAX_BODY_CHARS = SCREENING_MAX_BODY_CHARS
"""Longer bodies are not parsed at all (``too_large``), as the parser itself would rule."""

Reader = Callable[[InboundEmail, SenderContext], Reading]


def due_in_reply(email: InboundEmail, context: SenderContext) -> DueParse | None:
    """Return the due date an email gives when read as a short answer ("Friday 3pm").

    Module-level, so a reading pool's worker process can be handed it.
    """
    return parse_due(
        visible_text(email),
        sent_at=email.sent_at,
        time_zone=context.time_zone,
        working_day_end=context.working_day_end,
    )


def _group_note(group: MailGroup) -> str:
    name = group.display_name or group.address
    if group.shared_mailbox:
        return f"{name} is a shared mailbox, so I could not tell who this is for."
    return f"{name} is a group, so I could not tell which of its members this is for."


def _mailbox(value: Any) -> Mailbox | None:
    address = ((value or {}).get("emailAddress") or {}) if isinstance(value, dict) else {}
    if not address.get("address"):
        return None
    return Mailbox(address=str(address["address"]), name=str(address.get("name") or ""))


def _mailboxes(values: Any) -> list[Mailbox]:
    found = [_mailbox(value) for value in values or []]
    return [mailbox for mailbox in found if mailbox is not None]


def _instant(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _first_headers(headers: list[dict[str, Any]]) -> dict[str, str]:
    # The topmost of a repeated header is the one the receiving server wrote (Exchange puts
    # its Authentication-Results above any the sender forged), so the first one wins.
    first: dict[str, str] = {}
    for header in headers:
        if header.get("name"):
            first.setdefault(str(header["name"]).strip().lower(), str(header.get("value") or ""))
    return first


_FORWARD_SUBJECT = re.compile(
    r"^\s*(?:fw|fwd|wg|tr|rv|vs|enc|i|doorst|fs)\s*:", re.IGNORECASE | re.ASCII
)


def sender_text(message: dict[str, Any]) -> dict[str, Any]:
    """Return the body to read: Exchange's ``uniqueBody`` when it has one, else ``body``.

    ``uniqueBody`` is the part of the body unique to this message, without the quoted
    history, as Exchange computes it from the conversation; the parser's own quote stripping
    stays the fallback. A forward keeps its whole body: the forwarded message is what the
    forwarder hands over (its ask and its To line may be the request).

    Args:
        message: the message's JSON as Graph returns it.

    Returns:
        An ``itemBody`` (``content`` and ``contentType``).
    """
    body: dict[str, Any] = message.get("body") or {}
    unique = message.get("uniqueBody")
    if not isinstance(unique, dict) or not str(unique.get("content") or "").strip():
        return body
    if _FORWARD_SUBJECT.match(str(message.get("subject") or "")):
        return body
    return unique


def inbound_email(message: dict[str, Any]) -> InboundEmail | None:
    """Build the parser's view of a Graph message; ``None`` when it has no sender.

    The body is the sender's new text as Exchange gives it (:func:`sender_text`).

    Args:
        message: the message's JSON as Graph returns it.

    Returns:
        The email, with header names lower-cased.
    """
    sender = _mailbox(message.get("from"))
    if sender is None:
        return None
    body = sender_text(message)
    return InboundEmail(
        message_id=str(message["id"]),
        internet_message_id=str(message.get("internetMessageId") or ""),
        conversation_id=str(message.get("conversationId") or ""),
        subject=str(message.get("subject") or ""),
        body=str(body.get("content") or ""),
        body_is_html=str(body.get("contentType") or "text").lower() == "html",
        sender=sender,
        to=_mailboxes(message.get("toRecipients")),
        cc=_mailboxes(message.get("ccRecipients")),
        sent_at=_instant(message.get("sentDateTime") or message.get("receivedDateTime")),
        headers=_first_headers(message.get("internetMessageHeaders") or []),
        has_attachments=bool(message.get("hasAttachments")),
    )


def flag_due(message: dict[str, Any], category: str) -> datetime | None:
    """Return the due date of a message flagged for intake, or ``None`` when it is not.

    A message is flagged for intake when it is flagged (not complete) with a due date and
    carries the intake category (compared without case).

    Args:
        message: the message's JSON.
        category: the configured category name.

    Returns:
        The flag's due instant, in UTC.
    """
    flag = message.get("flag") or {}
    categories = {str(name).strip().lower() for name in message.get("categories") or []}
    due = flag.get("dueDateTime") or {}
    if flag.get("flagStatus") != "flagged" or category.strip().lower() not in categories:
        return None
    if not due.get("dateTime"):
        return None
    try:
        local = datetime.fromisoformat(str(due["dateTime"]).replace("Z", ""))
    except ValueError:
        return None  # a due date no one can read is no due date
    try:
        zone = resolve_zone(str(due.get("timeZone") or "UTC"))
    except ValueError:
        zone = resolve_zone("UTC")
    return local.replace(tzinfo=local.tzinfo or zone).astimezone(UTC)


def with_flag_due(reading: Reading, due: datetime) -> Reading:
    """Let a flag's due date decide, whatever the text says.

    Args:
        reading: what the text gave.
        due: the flag's due instant.

    Returns:
        The reading with every draft due then (or completed with it, when only the due
        date was missing).
    """
    if reading.ignored is not None:
        return reading
    if reading.drafts:
        drafts = [
            draft.model_copy(update={"due": due, "due_text": "the flag's due date"})
            for draft in reading.drafts
        ]
        return reading.model_copy(update={"drafts": drafts})
    if reading.missing and set(reading.missing) <= DUE_MISSING:
        return complete_due(reading, DueParse(due=due, text="the flag's due date"))
    return reading


class IntakeActivities:
    """Reads messages for intake and hands them on.

    Args:
        graph: the SDK client.
        temporal: the Temporal client, to start and signal workflows.
        agent_mailbox: Accord's own mailbox.
        tenant_domains: accepted mail domains (senders outside are not trusted).
        category: the flag-intake category.
        task_queue: where intake and commitment workflows run.
        grace_window: how long managers have to correct or cancel before owners hear.
        id_key: the secret conversation keys are a MAC under (see
            :func:`workflows.intake.contracts.thread_key`).
        reader: the parser (:func:`domain.intake.read_email`); tests may pass another.
        max_body_chars: longer bodies are ``too_large`` without being parsed.
        reading: where the parser runs, within a time budget (the worker's root passes a
            :class:`integrations.reading_pool.ReadingPool`); unset: a thread.
        policy: how far project leads widen who may set whom an expectation (the API's).
        memberships: which groups a sender is in, for the policy's grants; unset: none.
        run_events: the run length of the commitments it starts (``CommitmentInput``'s
            ``run_events``); unset: one run.
    """

    def __init__(
        self,
        graph: GraphServiceClient,
        temporal: Client,
        *,
        agent_mailbox: str,
        tenant_domains: list[str],
        category: str,
        task_queue: str,
        grace_window: timedelta,
        id_key: bytes,
        reader: Reader = read_email,
        max_body_chars: int = MAX_BODY_CHARS,
        reading: BoundedReading | None = None,
        policy: AuthorizationPolicy | None = None,
        memberships: GroupMemberships | None = None,
        run_events: int | None = None,
    ) -> None:
        self._graph = graph
        self._run_events = run_events
        self._temporal = temporal
        self._agent = agent_mailbox.lower()
        self._domains = [domain.lower() for domain in tenant_domains]
        self._category = category
        self._task_queue = task_queue
        self._grace = grace_window
        self._id_key = id_key
        self._read = reader
        self._max_body = max_body_chars
        self._reading = reading or ThreadReading()
        self._policy = policy or AuthorizationPolicy()
        self._memberships = memberships
        self._directory = GraphPeopleDirectory(graph)
        self._org = GraphOrgChart(graph)
        self._groups = GraphGroups(graph)

    # ----- reading -----------------------------------------------------------------------

    @activity.defn(name=READ_INBOUND_MESSAGE)
    async def read_inbound_message(self, lookup: InboundLookup) -> InboundRead:
        """Fetch a message with its sender's settings, and read it.

        Args:
            lookup: which message of which watched mailbox.

        Returns:
            The email and reading, or a ``skip_reason`` (message gone, not flagged, ...).
        """
        notice = lookup.notice
        logger = log.bind(mailbox_mode=notice.mode.value, attempt=activity.info().attempt)
        message = await self._fetch(notice.mailbox, notice.message_id)
        if message is None:
            logger.info("intake_message_gone")
            return InboundRead(skip_reason="message_gone")
        due_from_flag: datetime | None = None
        if notice.mode is WatchMode.FLAGS:
            due_from_flag = flag_due(message, self._category)
            if due_from_flag is None:
                return InboundRead(skip_reason="not_flagged_for_intake")
        body = str((message.get("body") or {}).get("content") or "")
        too_long = len(body) > self._max_body
        if too_long:
            # Not handed to the parser at all (reading it would only cost time), but its sender
            # still hears that Accord could not read it: no silent drops.
            logger.info("intake_message_too_long", reason=str(Ignored.TOO_LARGE))
            message = {**message, "body": {"contentType": "text", "content": ""}}
            message.pop("uniqueBody", None)
        email = inbound_email(message)
        if email is None:
            logger.info("intake_message_without_sender")
            return InboundRead(skip_reason="no_sender")
        if notice.mode is WatchMode.FLAGS and email.sender.address != notice.mailbox.lower():
            # Only what the manager sent can carry their expectation of its recipient.
            return InboundRead(skip_reason="flag_on_received_message")
        context, (email, groups) = await asyncio.gather(
            self._sender_context(email.sender.address), self._expand_groups(email)
        )
        if groups:
            context = context.model_copy(update={"groups": [group.address for group in groups]})
        if notice.mode is WatchMode.AGENT_INBOX:
            # A From line costs a spoofer nothing: mail to Accord counts only when Exchange
            # authenticated its sender. (A flag is the mailbox owner's own act on their own
            # sent mail, whose Sent Items copy has no internet headers to check.)
            context = context.model_copy(update={"authenticated_senders_only": True})
        if too_long:
            return self._could_not_read(email, context, notice, logger, reason="too_long")
        try:
            # Reading untrusted text is CPU work: in a worker process with a time budget, so
            # other activities and heartbeats keep going whatever the email holds.
            reading = await self._reading.run(self._read, email, context)
        except ReadingTooSlowError:
            return self._could_not_read(email, context, notice, logger, reason="over_time_limit")
        except ReadingFailedError as exc:  # one odd email must not stop intake
            # Reading again gives the same answer, so no retry; the type is enough to debug.
            logger.error("intake_reader_failed", error_type=exc.kind)
            return InboundRead(skip_reason="unreadable")
        if due_from_flag is not None:
            reading = with_flag_due(reading, due_from_flag)
        if groups and Missing.OWNER in reading.missing:
            reading = reading.model_copy(
                update={"notes": [*reading.notes, *(_group_note(group) for group in groups)]}
            )
        key = thread_key(notice.mailbox, email.conversation_id, email.message_id, key=self._id_key)
        if reading.ignored in FINAL_IGNORES:
            logger.info("intake_message_ignored", reason=str(reading.ignored))
            return InboundRead(reading=reading, thread_key=key, skip_reason=str(reading.ignored))
        already_answered = False
        if reading.ignored is Ignored.NOT_A_REQUEST and notice.mode is WatchMode.AGENT_INBOX:
            already_answered = await self._answered(notice.mailbox, email.conversation_id)
        try:
            reply_due = await self._reading.run(due_in_reply, email, context)
        except (ReadingTooSlowError, ReadingFailedError):
            # Only a short answer's date is wanted here; what was read stands without it.
            reply_due = None
        logger.info(
            "intake_message_read",
            complete=reading.is_complete,
            missing=[str(item) for item in reading.missing],
            ignored=str(reading.ignored) if reading.ignored else None,
            drafts=len(reading.drafts),
        )
        return InboundRead(
            # The body stays out of workflow histories: what was understood is in the reading.
            email=email.model_copy(update={"body": ""}),
            reading=reading,
            manager_time_zone=context.time_zone,
            reply_due=reply_due,
            thread_key=key,
            already_answered=already_answered,
            groups_asked=[group.display_name or group.address for group in groups],
        )

    def _could_not_read(
        self,
        email: InboundEmail,
        context: SenderContext,
        notice: ChangeNotice,
        logger: Any,
        *,
        reason: str,
    ) -> InboundRead:
        """Answer the sender of an email too long or too slow to read, unless they are left alone.

        Screening reads headers and sizes only (cheap), so mail Accord never answers (its
        own, automatic, from outside, unauthenticated) stays unanswered; anyone else hears
        that Accord could not read it, with the "Track this" form, and nothing starts.
        """
        screened = screen(email, context)
        logger.warning("intake_could_not_read", reason=reason, screened=str(screened or ""))
        key = thread_key(notice.mailbox, email.conversation_id, email.message_id, key=self._id_key)
        if screened is not None:
            reading = Reading(ignored=screened, manager=email.sender)
            return InboundRead(reading=reading, thread_key=key, skip_reason=str(screened))
        return InboundRead(
            email=email.model_copy(update={"body": ""}),
            reading=Reading(ignored=Ignored.NOT_A_REQUEST, manager=email.sender),
            manager_time_zone=context.time_zone,
            thread_key=key,
            read_in_time=False,
        )

    async def _expand_groups(self, email: InboundEmail) -> tuple[InboundEmail, list[MailGroup]]:
        """Replace a group in To by its one person; return the others (never owners).

        Only To recipients inside the organisation can be owners, so only they are looked
        up (one query each; Cc recipients are never owners).
        """
        domains = self._domains or [self._agent.rpartition("@")[2]]
        candidates = [
            person
            for person in email.to
            if person.domain in domains
            and person.address not in {self._agent, email.sender.address}
        ]
        if not candidates:
            return email, []
        try:
            found = await asyncio.gather(*(self._not_a_person(p) for p in candidates))
            to = list(email.to)
            asked: list[MailGroup] = []
            for group in found:
                if group is None:
                    continue
                if group.shared_mailbox:
                    # A shared, room or equipment mailbox: no members to expand to.
                    asked.append(group)
                    to = [p for p in to if p.address != group.address]
                    continue
                person = await self._groups.sole_person(group.id)
                index = next(i for i, p in enumerate(to) if p.address == group.address)
                if person is None:
                    asked.append(group)
                    del to[index]
                else:
                    to[index] = Mailbox(address=person.email, name=person.display_name)
        except DirectoryUnavailableError as exc:
            raise ApplicationError("the directory cannot answer", type=UNAVAILABLE) from exc
        return email.model_copy(update={"to": to}), asked

    async def _not_a_person(self, recipient: Mailbox) -> MailGroup | None:
        """The group or shared mailbox that ``recipient`` is; ``None`` for a person's mailbox.

        A shared mailbox is a user in the directory, so only its mailbox settings tell it
        apart (``userPurpose``); a mailbox whose settings cannot be read counts as a person's,
        as it did before, and the owner check that follows still applies.
        """
        group = await self._groups.find(recipient.address)
        if group is not None:
            return group
        try:
            schedule = await read_person_schedule(self._graph, recipient.address)
        except ApplicationError as exc:
            if exc.non_retryable:
                return None
            raise
        if schedule.is_personal:
            return None
        return MailGroup(
            id="", address=recipient.address, display_name=recipient.name, shared_mailbox=True
        )

    async def _answered(self, mailbox: str, conversation_id: str) -> bool:
        """Whether Accord has already written in this conversation (its Sent Items say)."""
        if not conversation_id:
            return False
        query = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
            filter=f"conversationId eq '{conversation_id.replace(chr(39), chr(39) * 2)}'",
            select=["id"],
            top=1,
        )
        request = (
            self._graph.users.by_user_id(mailbox)
            .mail_folders.by_mail_folder_id("sentitems")
            .messages.to_get_request_information(RequestConfiguration(query_parameters=query))
        )
        with graph_errors():
            found = await send_for_json(self._graph, request)
        return bool(found.get("value"))

    async def _fetch(self, mailbox: str, message_id: str) -> dict[str, Any] | None:
        query = MessageItemRequestBuilder.MessageItemRequestBuilderGetQueryParameters(
            select=MESSAGE_FIELDS
        )
        request = (
            self._graph.users.by_user_id(mailbox)
            .messages.by_message_id(message_id)
            .to_get_request_information(RequestConfiguration(query_parameters=query))
        )
        try:
            with graph_errors():
                return await send_for_json(self._graph, request)
        except ApplicationError as exc:
            # Deleted (or moved out of reach) before we read it: nothing left to do.
            if exc.details and exc.details[0] == 404:
                return None
            raise

    async def _sender_context(self, sender: str) -> SenderContext:
        domains = self._domains or [self._agent.rpartition("@")[2]]
        base = SenderContext(agent_address=self._agent, tenant_domains=domains, time_zone="UTC")
        if sender.rpartition("@")[2] not in domains:
            return base
        try:
            schedule, reports = await asyncio.gather(
                read_person_schedule(self._graph, sender), self._reports_of(sender)
            )
        except ApplicationError as exc:
            if exc.non_retryable:
                # No mailbox settings (a shared or unlicensed sender): read in UTC.
                return base
            raise
        return base.model_copy(
            update={
                "time_zone": schedule.time_zone,
                "working_day_start": schedule.working_hours.start_time,
                "working_day_end": schedule.working_hours.end_time,
                # The mailbox's language is only a hint: the text decides what is read.
                "language": schedule.language,
                "people": reports,
            }
        )

    async def _reports_of(self, sender: str) -> list[Mailbox]:
        try:
            found = await self._org.reports_with_names(sender)
        except DirectoryUnavailableError:
            # Without them a forward naming its owner only in the text is asked about,
            # which is slower but loses nothing.
            return []
        return [Mailbox(address=address, name=name) for address, name in found]

    @activity.defn(name=COMPLETE_INTAKE_READING)
    async def complete_intake_reading(self, request: CompletionRequest) -> Reading:
        """Complete a reading that lacked only its due date with the manager's answer.

        Args:
            request: the reading and the date read from the answer.

        Returns:
            The completed reading (still ``missing`` when the answer did not settle it).
        """
        return complete_due(request.reading, request.due)

    # ----- people ------------------------------------------------------------------------

    @activity.defn(name=RESOLVE_INTAKE_DRAFTS)
    async def resolve_intake_drafts(self, request: DraftsRequest) -> ResolvedDrafts:
        """Turn a complete reading into specs, with people as the directory names them.

        Args:
            request: the reading and the manager's address.

        Returns:
            The specs, or the problem (someone not in the directory) to tell the manager.
        """
        try:
            manager = await self._directory.find(request.manager)
            owners = [await self._directory.find(d.owner.address) for d in request.reading.drafts]
        except DirectoryUnavailableError as exc:
            raise ApplicationError("the directory cannot answer", type=UNAVAILABLE) from exc
        if manager is None:
            return ResolvedDrafts(problem="manager_unknown")
        if any(owner is None for owner in owners):
            return ResolvedDrafts(problem="owner_unknown")
        specs = []
        for draft, owner in zip(request.reading.drafts, owners, strict=True):
            assert owner is not None  # noqa: S101 - checked just above
            if owner.email == manager.email:
                return ResolvedDrafts(problem="owner_is_manager")
            refusal = await self._refusal(manager.email, owner)
            if refusal is not None:
                return refusal
            specs.append(
                CommitmentSpec(
                    title=draft.title,
                    description=draft.description,
                    success_criteria=draft.success_criteria,
                    owner=owner,
                    manager=manager,
                    due=draft.due,
                )
            )
        return ResolvedDrafts(
            specs=specs,
            needs_manager_confirmation=[await self._needs_manager(request, spec) for spec in specs],
        )

    async def _needs_manager(self, request: DraftsRequest, spec: CommitmentSpec) -> bool:
        """Whether the due date is too soon for the grace window alone (see soon_due)."""
        if request.reading.needs_manager_confirmation:
            return True
        if request.sent_at is None:
            return False
        try:
            sender, owner = await asyncio.gather(
                read_person_schedule(self._graph, spec.manager.email),
                read_person_schedule(self._graph, spec.owner.email),
            )
        except ApplicationError as exc:
            if exc.non_retryable:
                # No readable mailbox settings: no working day to measure against, so the
                # manager decides (the safe side of the guard rail).
                return True
            raise
        reason = soon_due_reason(spec.due, request.sent_at, sender=sender, owner=owner)
        if reason is not None:
            log.info("intake_due_needs_manager", reason=reason)
        return reason is not None

    def _lead_could_ask(self, decision: Decision, owner: str) -> bool:
        """Whether a group could still allow it: a grant names the owner (Graph unasked else)."""
        return (
            decision.reason is Reason.NOT_ABOVE_OWNER
            and self._memberships is not None
            and any(owner.lower() in grant.people for grant in self._policy.project_leads)
        )

    async def _refusal(self, sender: str, owner: Person) -> ResolvedDrafts | None:
        # The same policy as the API's (domain/authorization.py): a sender who is not above
        # the owner starts nothing, whatever else the email says. Mail carries no sign-in, so
        # no admin role: the directory's chain counts, and its groups for a project lead.
        try:
            owner_chain = await managers_above(self._org, owner.email)
            sender_chain = await managers_above(self._org, sender)
            requester = Requester(email=sender, chain=sender_chain)
            decision = decide(
                requester,
                Action.SET_EXPECTATION,
                owner=owner.email,
                owner_chain=owner_chain,
                policy=self._policy,
            )
            if self._lead_could_ask(decision, owner.email):
                assert self._memberships is not None  # noqa: S101 - checked just above
                groups = await self._memberships.groups_of(sender)
                decision = decide(
                    dataclasses.replace(requester, groups=groups),
                    Action.SET_EXPECTATION,
                    owner=owner.email,
                    owner_chain=owner_chain,
                    policy=self._policy,
                )
            if decision.allowed:
                return None
            owner_manager = await self._directory.find(owner_chain[0]) if owner_chain else None
        except DirectoryUnavailableError as exc:
            raise ApplicationError("the directory cannot answer", type=UNAVAILABLE) from exc
        log.info("intake_expectation_refused", reason=decision.reason.value)
        return ResolvedDrafts(
            problem=NOT_ALLOWED_PROBLEM, refused_owner=owner, owner_manager=owner_manager
        )

    # ----- handing on --------------------------------------------------------------------

    @activity.defn(name=DELIVER_TO_THREAD)
    async def deliver_to_thread(self, delivery: ThreadDelivery) -> DeliveryOutcome:
        """Hand a message to its conversation's workflow (signal-with-start for a request).

        A conversation's workflow is started at most once: a finished one is never started
        again, so a thread cannot start a second commitment.

        Args:
            delivery: the message, and whether it may start the thread.

        Returns:
            Delivered, no thread (a non-request in a conversation Accord does not hold), or
            thread closed.
        """
        notice = delivery.message.notice
        thread = IntakeInput(
            thread_key=delivery.message.read.thread_key,
            mailbox=notice.mailbox,
            mode=notice.mode,
            grace_window=self._grace,
            task_queue=self._task_queue,
        )
        workflow_id = thread_workflow_id(thread.thread_key)
        try:
            if delivery.start_if_absent:
                await self._temporal.start_workflow(
                    THREAD_WORKFLOW,
                    thread,
                    id=workflow_id,
                    task_queue=self._task_queue,
                    id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    start_signal=MESSAGE_SIGNAL,
                    start_signal_args=[delivery.message],
                )
            else:
                await self._temporal.get_workflow_handle(workflow_id).signal(
                    MESSAGE_SIGNAL, delivery.message
                )
        except WorkflowAlreadyStartedError:
            log.info("intake_thread_closed", workflow_id=workflow_id)
            return DeliveryOutcome.THREAD_CLOSED
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                return DeliveryOutcome.NO_THREAD
            raise
        log.info("intake_thread_delivered", workflow_id=workflow_id)
        return DeliveryOutcome.DELIVERED

    @activity.defn(name=START_INTAKE_COMMITMENT)
    async def start_intake_commitment(self, request: CommitmentStartRequest) -> None:
        """Start the commitment's workflow exactly as the API does (one per id).

        Args:
            request: the commitment's id, spec and creation time.
        """
        start = CommitmentInput(
            commitment_id=request.commitment_id,
            spec=request.spec,
            created_at=request.created_at,
            run_events=self._run_events,
        )
        try:
            await start_commitment(self._temporal, start, self._task_queue)
        except CommitmentUnavailableError as exc:
            raise ApplicationError("Temporal cannot start it now", type=UNAVAILABLE) from exc

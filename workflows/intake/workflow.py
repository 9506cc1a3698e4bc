"""The conversation's workflow: it carries one email thread to its commitments.

:class:`~workflows.intake.message.MessageIntakeWorkflow` hands each message of a thread to
its conversation's ``IntakeWorkflow`` (one per conversation id), which

- asks the manager, in the thread, for what is missing, and waits for their answer;
- confirms to the manager what it understood, with Confirm / Correct / Cancel links;
- waits the grace window (or the manager's word), then starts each confirmed commitment
  exactly as the API does. A cancelled one never reaches its owner; one due too soon waits
  for the manager's own confirmation;
- answers a first mail that asks nothing with what Accord saw and a "Track this" link, whose
  form (the ``track_intake`` update) starts what the sender filled in; a later request in
  that thread is read afresh (docs/intake.md, "No silent drops").

A conversation's workflow is started once and stays a while after it finishes, turning
later messages in the thread away, so a thread never starts a second commitment. While it
waits for the manager's answer, or stays after finishing, an operator's ``refresh_history``
makes it continue as new with everything it knows (to retire a payload key).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NoReturn

from pydantic import ValidationError
from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.intake.contracts import (
        ASK_MANAGER,
        COMPLETE_INTAKE_READING,
        NOT_ALLOWED_PROBLEM,
        REPLY_NO_REQUEST,
        REPLY_REFUSAL,
        RESOLVE_INTAKE_DRAFTS,
        START_INTAKE_COMMITMENT,
        CommitmentStartRequest,
        CompletionRequest,
        DraftsRequest,
        NoRequestReply,
        QuestionRequest,
        RefusalRequest,
        ResolvedDrafts,
    )
    from activities.messaging.contracts import SEND_MESSAGE, OutgoingMessage, SentMessage
    from domain.action_links import LinkAction
    from domain.intake.models import Draft, Ignored, Mailbox, Missing, Reading
    from domain.messages.kinds import MessageKind
    from domain.models import Actor, CommitmentSpec
    from workflows.intake.contracts import (
        INTAKE_VIEW_QUERY,
        MESSAGE_SIGNAL,
        THREAD_WORKFLOW,
        DraftStatus,
        IntakeCorrection,
        IntakeDecision,
        IntakeInput,
        IntakeProgress,
        IntakeStatus,
        IntakeTrack,
        IntakeUpdates,
        IntakeView,
        ProposedCommitment,
        SeenEmail,
        ThreadMessage,
        WatchMode,
        commitment_id_for,
    )
    from workflows.patches import (
        INTAKE_ANSWERS_EVERY_EMAIL,
        INTAKE_SEND_QUEUES,
        INTAKE_SOON_DUE_WAITS_FOR_MANAGER,
    )
    from workflows.refresh import REFRESH_SIGNAL, RefreshRequest
    from workflows.retries import GRAPH_RETRY, SEND_RETRY
    from workflows.sending import send_queue_for

ACTIVITY_TIMEOUT = timedelta(seconds=60)
DUE_MISSING = frozenset({Missing.DUE_DATE, Missing.DUE_IN_PAST, Missing.DUE_AMBIGUOUS})
MAX_QUESTIONS = 2
"""A manager is asked at most twice per conversation; then Accord lets it be."""


def invalid(message: str) -> ApplicationError:
    """Return the error a refused update carries; its message is shown to the manager."""
    return ApplicationError(message, type="InvalidAction", non_retryable=True)


@workflow.defn(name=THREAD_WORKFLOW)
class IntakeWorkflow:
    """One conversation, from the manager's email to the commitments it asks for."""

    @workflow.init
    def __init__(self, start: IntakeInput) -> None:
        self._input = start
        progress = start.progress or IntakeProgress(status=IntakeStatus.READING)
        self._inbox: list[ThreadMessage] = list(progress.inbox)
        self._seen: set[str] = set(progress.seen)
        self._status = progress.status
        self._first: ThreadMessage | None = progress.first
        self._manager: str | None = progress.manager
        self._manager_zone = progress.manager_time_zone
        self._pending: Reading | None = progress.pending
        self._questions = progress.questions
        self._proposals: list[ProposedCommitment] = list(progress.proposals)
        self._applied: set[str] = set(progress.applied)
        self._seen_email: SeenEmail | None = progress.seen_email
        self._tracking = False
        self._refresh_requested = False

    # ----- what the outside world sees and does ----------------------------------------

    @workflow.signal(name=MESSAGE_SIGNAL)
    def message(self, arrived: ThreadMessage) -> None:
        """A message of this conversation (duplicates are dropped)."""
        key = f"{arrived.notice.message_id}\n{arrived.notice.change_key}"
        if key in self._seen:
            return
        if (
            self._status is IntakeStatus.NO_REQUEST
            and not self._tracking
            and self._is_new_request(arrived)
        ):
            # Accord answered "no request" here; a request written later is read afresh.
            self._status = IntakeStatus.READING
        elif self._finished():
            return
        self._seen.add(key)
        self._inbox.append(arrived)

    @workflow.signal(name=REFRESH_SIGNAL)
    def refresh_history(self, request: RefreshRequest) -> None:
        """An operator asks for a fresh history (a payload key is being retired).

        Honoured while the thread waits for the manager's answer or stays after finishing;
        a thread reading or within its grace window gets there within minutes.
        """
        del request  # the reason is for the operator's record
        self._refresh_requested = True

    @workflow.query(name=INTAKE_VIEW_QUERY)
    def view(self) -> IntakeView:
        """The conversation's state (no message content beyond the proposals)."""
        return IntakeView(
            thread_key=self._input.thread_key,
            status=self._status,
            manager=self._manager,
            manager_time_zone=self._manager_zone,
            missing=[str(item) for item in (self._pending.missing if self._pending else [])],
            proposals=list(self._proposals),
            messages_seen=len(self._seen),
            seen_email=self._seen_email,
        )

    def _is_new_request(self, arrived: ThreadMessage) -> bool:
        reading = arrived.read.reading
        return reading is not None and arrived.read.email is not None and reading.ignored is None

    @workflow.update(name=IntakeUpdates.CONFIRM)
    def confirm(self, decision: IntakeDecision) -> IntakeView:
        """The manager confirms: the owner hears now rather than after the grace window."""
        if self._apply_once(decision):
            self._set_status(decision.commitment_id, DraftStatus.CONFIRMED)
        return self.view()

    @confirm.validator
    def _check_confirm(self, decision: IntakeDecision) -> None:
        self._check(decision)

    @workflow.update(name=IntakeUpdates.CANCEL)
    def cancel(self, decision: IntakeDecision) -> IntakeView:
        """The manager cancels: nothing is ever sent to the owner."""
        if self._apply_once(decision):
            self._set_status(decision.commitment_id, DraftStatus.CANCELLED)
        return self.view()

    @cancel.validator
    def _check_cancel(self, decision: IntakeDecision) -> None:
        self._check(decision)

    @workflow.update(name=IntakeUpdates.CORRECT)
    def correct(self, correction: IntakeCorrection) -> IntakeView:
        """The manager corrects what Accord read; the corrected version is confirmed."""
        if not self._apply_once(correction):
            return self.view()
        index = self._index_of(correction.commitment_id)
        self._proposals[index] = self._proposals[index].model_copy(
            update={"spec": self._corrected(correction), "status": DraftStatus.CONFIRMED}
        )
        return self.view()

    def _corrected(self, correction: IntakeCorrection) -> CommitmentSpec:
        spec = self._proposals[self._index_of(correction.commitment_id)].spec
        changes = {
            name: value
            for name, value in (
                ("title", correction.title),
                ("success_criteria", correction.success_criteria),
                ("due", correction.due),
            )
            if value is not None
        }
        return CommitmentSpec.model_validate({**spec.model_dump(), **changes})

    @correct.validator
    def _check_correct(self, correction: IntakeCorrection) -> None:
        self._check(correction)
        if correction.action_id is not None and correction.action_id in self._applied:
            return
        if correction.due is not None and correction.due <= workflow.now():
            raise invalid("The due date needs to be in the future.")
        try:
            self._corrected(correction)
        except ValidationError as exc:
            fields = ", ".join(sorted({str(error["loc"][0]) for error in exc.errors()}))
            raise invalid(f"Please check: {fields}.") from None

    def _check(self, decision: IntakeDecision) -> None:
        if decision.action_id is not None and decision.action_id in self._applied:
            return
        if self._manager is None or decision.actor.strip().lower() != self._manager:
            raise invalid("Only the manager who wrote the email can change this.")
        try:
            proposal = self._proposals[self._index_of(decision.commitment_id)]
        except ValueError:
            raise invalid("This email thread has no such commitment.") from None
        if proposal.status is DraftStatus.STARTED:
            raise invalid("This has already been shared with its owner.")
        if proposal.status is DraftStatus.CANCELLED:
            raise invalid("This was cancelled, so nothing was sent.")

    def _apply_once(self, decision: IntakeDecision) -> bool:
        if decision.action_id is None:
            return True
        if decision.action_id in self._applied:
            return False
        self._applied.add(decision.action_id)
        return True

    def _index_of(self, commitment_id: str) -> int:
        for index, proposal in enumerate(self._proposals):
            if proposal.commitment_id == commitment_id:
                return index
        raise ValueError(commitment_id)

    def _set_status(self, commitment_id: str, status: DraftStatus) -> None:
        index = self._index_of(commitment_id)
        self._proposals[index] = self._proposals[index].model_copy(update={"status": status})

    def _finished(self) -> bool:
        return self._status in {
            IntakeStatus.DONE,
            IntakeStatus.GAVE_UP,
            IntakeStatus.REFUSED,
            IntakeStatus.NO_REQUEST,
        }

    @workflow.update(name=IntakeUpdates.TRACK)
    async def track(self, request: IntakeTrack) -> IntakeView:
        """The sender's "Track this" form: start what they filled in, as they confirmed it."""
        if not self._apply_once(request):
            return self.view()
        self._tracking = True
        due_text = "the date you chose"
        draft = Draft(
            owner=Mailbox(address=request.owner),
            title=request.title,
            success_criteria=request.success_criteria,
            due=request.due,
            due_text=due_text,
        )
        reading = Reading(drafts=[draft], owners=[draft.owner], title=request.title)
        assert self._manager is not None  # noqa: S101 - checked by the validator
        try:
            resolved = await workflow.execute_activity(
                RESOLVE_INTAKE_DRAFTS,
                DraftsRequest(reading=reading, manager=self._manager),
                result_type=ResolvedDrafts,
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=GRAPH_RETRY,
            )
        except ActivityError:
            self._applied.discard(request.action_id or "")
            self._tracking = False
            raise invalid("Accord can't look people up right now; please try again.") from None
        if resolved.problem == NOT_ALLOWED_PROBLEM:
            owner = resolved.refused_owner.display_name if resolved.refused_owner else "them"
            self._applied.discard(request.action_id or "")
            self._tracking = False
            raise invalid(
                f"In Accord, only someone above {owner} in the organisation can set them an "
                "expectation, so nothing was started."
            )
        if resolved.problem is not None or len(resolved.specs) != 1:
            self._applied.discard(request.action_id or "")
            self._tracking = False
            raise invalid("Please choose someone in your organisation as the owner.")
        self._proposals = [
            ProposedCommitment(
                commitment_id=request.commitment_id,
                spec=resolved.specs[0],
                due_text=due_text,
                status=DraftStatus.CONFIRMED,
                grace_ends_at=workflow.now(),
            )
        ]
        self._status = IntakeStatus.CONFIRMING
        return self.view()

    @track.validator
    def _check_track(self, request: IntakeTrack) -> None:
        if request.action_id is not None and request.action_id in self._applied:
            return
        if self._manager is None or request.actor.strip().lower() != self._manager:
            raise invalid("Only the person who wrote the email can track it this way.")
        if self._status is not IntakeStatus.NO_REQUEST or self._proposals or self._tracking:
            raise invalid("This email thread is already being tracked.")
        if request.commitment_id != commitment_id_for(self._input.thread_key, 0):
            raise invalid("This email thread has no such commitment.")
        if request.due <= workflow.now():
            raise invalid("The due date needs to be in the future.")

    # ----- the main loop -----------------------------------------------------------------

    @workflow.run
    async def run(self, start: IntakeInput) -> IntakeView:
        """Carry the conversation to its commitments, then remember it for a while."""
        progress = start.progress
        if progress is None:
            await workflow.wait_condition(lambda: bool(self._inbox))
        answer_by = (
            progress.answer_by
            if progress is not None and progress.answer_by is not None
            else workflow.now() + start.answer_window
        )
        while True:
            while not self._finished():
                if self._status is IntakeStatus.READING:
                    await self._read_first(self._inbox.pop(0))
                    answer_by = workflow.now() + start.answer_window
                elif self._status is IntakeStatus.WAITING_FOR_MANAGER:
                    if not await self._wait(
                        lambda: bool(self._inbox) or self._refresh_requested, until=answer_by
                    ):
                        workflow.logger.info("intake_no_answer")
                        self._status = IntakeStatus.GAVE_UP
                        break
                    if not self._inbox:
                        await self._continue_as_new(start, answer_by=answer_by)
                    await self._read_answer(self._inbox.pop(0))
                elif self._status is IntakeStatus.CONFIRMING:
                    await self._settle_proposals(answer_by)
            if self._status is not IntakeStatus.NO_REQUEST:
                self._inbox.clear()
            await workflow.wait_condition(workflow.all_handlers_finished)
            # Stay a while: a later message in this thread finds it here and starts nothing
            # (after a "no request" answer, a new request or the sender's form reopens it).
            if progress is not None and progress.remember_until is not None:
                remember_until = progress.remember_until
            else:
                remember_until = workflow.now() + start.memory
            if await self._wait(
                lambda: self._refresh_requested or not self._finished(), until=remember_until
            ):
                if not self._finished():
                    continue
                await self._continue_as_new(start, remember_until=remember_until)
            break
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    async def _continue_as_new(
        self,
        start: IntakeInput,
        *,
        answer_by: datetime | None = None,
        remember_until: datetime | None = None,
    ) -> NoReturn:
        await workflow.wait_condition(workflow.all_handlers_finished)
        progress = IntakeProgress(
            status=self._status,
            inbox=self._inbox,
            seen=sorted(self._seen),
            first=self._first,
            manager=self._manager,
            manager_time_zone=self._manager_zone,
            pending=self._pending,
            questions=self._questions,
            proposals=self._proposals,
            applied=sorted(self._applied),
            answer_by=answer_by,
            remember_until=remember_until,
            seen_email=self._seen_email,
        )
        workflow.continue_as_new(
            start.model_copy(update={"progress": progress}), memo=dict(workflow.memo())
        )

    async def _wait(self, condition: object, *, until: datetime) -> bool:
        remaining = until - workflow.now()
        if remaining <= timedelta(0):
            return False
        try:
            await workflow.wait_condition(condition, timeout=remaining)  # type: ignore[arg-type]
        except TimeoutError:
            return False
        return True

    async def _read_first(self, first: ThreadMessage) -> None:
        reading = first.read.reading
        email = first.read.email
        if (
            reading is not None
            and email is not None
            and reading.ignored is Ignored.NOT_A_REQUEST
            and self._first is None
            and workflow.patched(INTAKE_ANSWERS_EVERY_EMAIL)
        ):
            self._first = first
            self._manager = email.sender.address
            self._manager_zone = first.read.manager_time_zone
            await self._answer_no_request(first)
            return
        if reading is None or email is None or reading.ignored is not None:
            self._status = IntakeStatus.DONE
            return
        self._first = first
        self._manager = email.sender.address
        self._manager_zone = first.read.manager_time_zone
        if reading.is_complete:
            await self._propose(reading)
        else:
            await self._ask(reading)

    async def _answer_no_request(self, first: ThreadMessage) -> None:
        """Tell the sender what Accord saw, with a "Track this" link; nothing starts."""
        email = first.read.email
        assert email is not None  # noqa: S101 - checked by the caller
        agent = first.notice.mailbox if first.notice.mode is WatchMode.AGENT_INBOX else ""
        people = [
            person
            for person in [*email.to, *email.cc]
            if person.address not in {email.sender.address, agent}
        ]
        due = first.read.reply_due
        noticed = due if due is not None and not due.in_past and not due.ambiguous else None
        self._seen_email = SeenEmail(
            subject=email.subject,
            people=people,
            noticed_due=noticed.due if noticed else None,
            noticed_due_text=noticed.text if noticed else "",
        )
        self._status = IntakeStatus.NO_REQUEST
        in_agent_mailbox = first.notice.mode is WatchMode.AGENT_INBOX
        try:
            await workflow.execute_activity(
                REPLY_NO_REQUEST,
                NoRequestReply(
                    idempotency_key=f"intake-{self._input.thread_key}:no-request",
                    mailbox=first.notice.mailbox,
                    reply_to_message_id=first.notice.message_id if in_agent_mailbox else None,
                    sender=email.sender.address,
                    sender_name=email.sender.name,
                    sender_time_zone=self._manager_zone,
                    subject=email.subject,
                    people=people,
                    noticed_due=self._seen_email.noticed_due,
                    track_commitment_id=commitment_id_for(self._input.thread_key, 0),
                    could_not_read=not first.read.read_in_time,
                ),
                result_type=SentMessage,
                task_queue=await _send_queue(email.sender.address, from_agent_mailbox=True),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=SEND_RETRY,
            )
        except ActivityError:
            workflow.logger.warning("intake_no_request_reply_not_sent")

    async def _read_answer(self, answer: ThreadMessage) -> None:
        email, reading = answer.read.email, answer.read.reading
        if email is None or reading is None or email.sender.address != self._manager:
            return  # someone else in the thread; only the manager's answer counts
        pending = self._pending
        if reading.is_complete:
            await self._propose(reading)
            return
        due = answer.read.reply_due
        if pending is not None and set(pending.missing) <= DUE_MISSING and due is not None:
            completed = await workflow.execute_activity(
                COMPLETE_INTAKE_READING,
                CompletionRequest(reading=pending, due=due),
                result_type=Reading,
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=GRAPH_RETRY,
            )
            if completed.is_complete:
                await self._propose(completed)
                return
            await self._ask(completed)
            return
        await self._ask(pending or reading)

    async def _ask(self, reading: Reading) -> None:
        self._pending = reading
        self._status = IntakeStatus.WAITING_FOR_MANAGER
        if self._questions >= MAX_QUESTIONS or self._first is None or self._manager is None:
            return
        self._questions += 1
        first = self._first
        in_agent_mailbox = first.notice.mode is WatchMode.AGENT_INBOX
        await workflow.execute_activity(
            ASK_MANAGER,
            QuestionRequest(
                idempotency_key=f"intake-{self._input.thread_key}:question:{self._questions}",
                mailbox=first.notice.mailbox,
                reply_to_message_id=first.notice.message_id if in_agent_mailbox else None,
                manager=self._manager,
                manager_time_zone=self._manager_zone,
                subject=first.read.email.subject if first.read.email else "",
                reading=reading,
            ),
            result_type=SentMessage,
            task_queue=await _send_queue(self._manager, from_agent_mailbox=True),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=SEND_RETRY,
        )

    async def _propose(self, reading: Reading) -> None:
        assert self._manager is not None  # noqa: S101 - set with the first message
        resolved = await workflow.execute_activity(
            RESOLVE_INTAKE_DRAFTS,
            DraftsRequest(
                reading=reading,
                manager=self._manager,
                sent_at=self._first.read.email.sent_at
                if self._first is not None and self._first.read.email is not None
                else None,
            ),
            result_type=ResolvedDrafts,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        if resolved.problem == NOT_ALLOWED_PROBLEM:
            # Not the sender's to ask: nothing starts, and no question invites them to retry.
            workflow.logger.info("intake_refused", extra={"problem": resolved.problem})
            self._pending = None
            self._status = IntakeStatus.REFUSED
            await self._reply_refusal(resolved)
            return
        if resolved.problem is not None or not resolved.specs:
            workflow.logger.info("intake_people_unresolved", extra={"problem": resolved.problem})
            await self._ask(reading.model_copy(update={"missing": [Missing.OWNER], "drafts": []}))
            return
        self._pending = None
        grace_ends_at = workflow.now() + self._input.grace_window
        held = resolved.needs_manager_confirmation or [False] * len(resolved.specs)
        self._proposals = [
            ProposedCommitment(
                commitment_id=commitment_id_for(self._input.thread_key, index),
                spec=spec,
                due_text=draft.due_text,
                grace_ends_at=grace_ends_at,
                needs_manager_confirmation=needs,
            )
            for index, (spec, draft, needs) in enumerate(
                zip(resolved.specs, reading.drafts, held, strict=True)
            )
        ]
        self._status = IntakeStatus.CONFIRMING
        for proposal, draft in zip(self._proposals, reading.drafts, strict=True):
            await self._confirm_to_manager(proposal, criteria_derived=draft.criteria_derived)

    async def _reply_refusal(self, resolved: ResolvedDrafts) -> None:
        first = self._first
        if first is None or self._manager is None or resolved.refused_owner is None:
            return
        in_agent_mailbox = first.notice.mode is WatchMode.AGENT_INBOX
        email = first.read.email
        try:
            await workflow.execute_activity(
                REPLY_REFUSAL,
                RefusalRequest(
                    idempotency_key=f"intake-{self._input.thread_key}:refusal",
                    mailbox=first.notice.mailbox,
                    reply_to_message_id=first.notice.message_id if in_agent_mailbox else None,
                    sender=self._manager,
                    sender_name=email.sender.name if email else "",
                    sender_time_zone=self._manager_zone,
                    subject=email.subject if email else "",
                    owner=resolved.refused_owner,
                    owner_manager=resolved.owner_manager,
                ),
                result_type=SentMessage,
                task_queue=await _send_queue(self._manager, from_agent_mailbox=True),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=SEND_RETRY,
            )
        except ActivityError:
            # The refusal stands without the reply: nothing started either way.
            workflow.logger.warning("intake_refusal_not_sent")

    async def _confirm_to_manager(
        self, proposal: ProposedCommitment, *, criteria_derived: bool
    ) -> None:
        try:
            await workflow.execute_activity(
                SEND_MESSAGE,
                OutgoingMessage(
                    idempotency_key=f"{proposal.commitment_id}:intake:confirmation",
                    commitment_id=proposal.commitment_id,
                    kind=MessageKind.INTAKE_CONFIRMATION,
                    recipient_role=Actor.MANAGER,
                    spec=proposal.spec,
                    recipient_time_zone=self._manager_zone,
                    details={
                        "grace_ends_at": proposal.grace_ends_at,
                        "due_text": proposal.due_text or None,
                        "criteria_derived": criteria_derived,
                        **(
                            {"needs_manager_confirmation": True}
                            if proposal.needs_manager_confirmation
                            else {}
                        ),
                    },
                    actions={
                        "confirm_url": LinkAction.CONFIRM_INTAKE,
                        "correct_url": LinkAction.CORRECT_INTAKE,
                        "cancel_url": LinkAction.CANCEL_INTAKE,
                    },
                ),
                result_type=SentMessage,
                task_queue=await _send_queue(proposal.spec.manager.email),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=SEND_RETRY,
            )
        except ActivityError:
            # The manager could not be told, so they could not cancel: nothing goes ahead.
            workflow.logger.warning("intake_confirmation_not_sent")
            self._set_status(proposal.commitment_id, DraftStatus.CANCELLED)

    async def _settle_proposals(self, answer_by: datetime) -> None:
        grace_ends_at = min(
            (p.grace_ends_at for p in self._proposals if p.grace_ends_at is not None),
            default=workflow.now(),
        )
        await self._wait(
            lambda: (
                all(p.status is not DraftStatus.PROPOSED for p in self._proposals)
                or any(p.status is DraftStatus.CONFIRMED for p in self._proposals)
            ),
            until=grace_ends_at,
        )
        if workflow.now() >= grace_ends_at:
            for proposal in self._proposals:
                if (
                    proposal.status is DraftStatus.PROPOSED
                    and not proposal.needs_manager_confirmation
                ):
                    self._set_status(proposal.commitment_id, DraftStatus.CONFIRMED)
        if (
            all(p.status is not DraftStatus.CONFIRMED for p in self._proposals)
            and self._held_for_manager()
        ):
            await self._wait_for_manager(answer_by)
        for proposal in list(self._proposals):
            if proposal.status is DraftStatus.CONFIRMED:
                await self._start(proposal)
        if all(p.status in {DraftStatus.STARTED, DraftStatus.CANCELLED} for p in self._proposals):
            self._status = IntakeStatus.DONE

    def _held_for_manager(self) -> bool:
        return any(
            p.status is DraftStatus.PROPOSED and p.needs_manager_confirmation
            for p in self._proposals
        )

    async def _wait_for_manager(self, answer_by: datetime) -> None:
        """Wait for the manager's word on a commitment due very soon.

        Only the manager starts it; without an answer by its due date (or the answer
        window), it is cancelled and nothing reaches the owner.
        """
        if not workflow.patched(INTAKE_SOON_DUE_WAITS_FOR_MANAGER):
            return
        held = [p for p in self._proposals if p.needs_manager_confirmation]
        until = min([answer_by, *(p.spec.due for p in held)])
        answered = await self._wait(
            lambda: (
                not self._held_for_manager()
                or any(p.status is DraftStatus.CONFIRMED for p in self._proposals)
            ),
            until=until,
        )
        if not answered:
            workflow.logger.info("intake_soon_due_not_confirmed")
            for proposal in self._proposals:
                if proposal.status is DraftStatus.PROPOSED:
                    self._set_status(proposal.commitment_id, DraftStatus.CANCELLED)

    async def _start(self, proposal: ProposedCommitment) -> None:
        # The latest version: a correction may have arrived while the start was queued.
        current = self._proposals[self._index_of(proposal.commitment_id)]
        await workflow.execute_activity(
            START_INTAKE_COMMITMENT,
            CommitmentStartRequest(
                commitment_id=current.commitment_id,
                spec=current.spec,
                created_at=workflow.now(),
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        self._set_status(current.commitment_id, DraftStatus.STARTED)
        workflow.logger.info(
            "intake_commitment_started", extra={"commitment": current.commitment_id}
        )


async def _send_queue(recipient: str, *, from_agent_mailbox: bool = False) -> str | None:
    # Intake's messages keep to their mailbox's rate on its send queue, as commitments' do.
    return await send_queue_for(
        recipient, from_agent_mailbox=from_agent_mailbox, patch=INTAKE_SEND_QUEUES
    )

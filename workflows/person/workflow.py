"""The person entity: one long-lived workflow per person, ``person-<email>``.

It holds the person's channel preference, their Teams conversation and the Teams activities
Accord sent them.

Temporal is already Accord's durable store, so this needs no database of its own. Changes are
updates (answered once applied, with Temporal's update id making a repeat a no-op); readers
use the ``record`` query. The workflow never ends on its own; it continues as new when its
history grows, or when an operator asks (``refresh_history``, to retire a payload key),
carrying the record.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.preferences import MAX_REMEMBERED_SENDS, Channel, PersonRecord
    from workflows.person.contracts import (
        PERSON_WORKFLOW_NAME,
        RECORD_QUERY,
        ForgetConversation,
        PersonInput,
        PersonUpdates,
        RecordSent,
        RememberConversation,
        SetAgendaCopy,
        SetChannel,
    )
    from workflows.refresh import REFRESH_SIGNAL, RefreshRequest

_HISTORY_LIMIT = 2_000


@workflow.defn(name=PERSON_WORKFLOW_NAME)
class PersonWorkflow:
    """One person's channel record, for as long as they use Accord."""

    @workflow.init
    def __init__(self, start: PersonInput) -> None:
        self._record = start.record
        self._refresh_requested = False

    @workflow.run
    async def run(self, start: PersonInput) -> None:
        """Hold the record; continue as new before the history grows long, or when asked."""
        limit = start.history_limit or _HISTORY_LIMIT
        await workflow.wait_condition(
            lambda: (
                self._refresh_requested
                or workflow.info().is_continue_as_new_suggested()
                or workflow.info().get_current_history_length() > limit
            )
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            start.model_copy(update={"record": self._record}), memo=dict(workflow.memo())
        )

    @workflow.signal(name=REFRESH_SIGNAL)
    def refresh_history(self, request: RefreshRequest) -> None:
        """An operator asks for a fresh history (a payload key is being retired)."""
        del request  # the reason is for the operator's record
        self._refresh_requested = True

    @workflow.query(name=RECORD_QUERY)
    def record(self) -> PersonRecord:
        """The person's record."""
        return self._record

    @workflow.update(name=PersonUpdates.SET_CHANNEL)
    def set_channel(self, change: SetChannel) -> PersonRecord:
        """Change where the person's messages go."""
        self._record = self._record.model_copy(update={"channel": change.channel})
        return self._record

    @set_channel.validator
    def _validate_set_channel(self, change: SetChannel) -> None:
        if change.channel is Channel.TEAMS and self._record.conversation is None:
            # Teams alone with no chat would send everything to the email fallback.
            raise ApplicationError(
                "Accord has no chat with you in Teams yet; add the app first.",
                type="InvalidAction",
                non_retryable=True,
            )

    @workflow.update(name=PersonUpdates.SET_AGENDA_COPY)
    def set_agenda_copy(self, change: SetAgendaCopy) -> PersonRecord:
        """Change whether the person gets a copy of their 1:1 agendas."""
        self._record = self._record.model_copy(update={"agenda_copy": change.wanted})
        return self._record

    @workflow.update(name=PersonUpdates.REMEMBER_CONVERSATION)
    def remember_conversation(self, change: RememberConversation) -> PersonRecord:
        """Keep the chat the bot writes to."""
        self._record = self._record.model_copy(update={"conversation": change.reference})
        return self._record

    @workflow.update(name=PersonUpdates.FORGET_CONVERSATION)
    def forget_conversation(self, change: ForgetConversation) -> PersonRecord:
        """Drop the chat, if it is still the one on record."""
        current = self._record.conversation
        if current is not None and current.conversation_id == change.conversation_id:
            self._record = self._record.model_copy(update={"conversation": None})
        return self._record

    @workflow.update(name=PersonUpdates.RECORD_SENT)
    def record_sent(self, change: RecordSent) -> PersonRecord:
        """Remember which activity a message key became (the oldest are let go)."""
        sent = dict(self._record.sent)
        sent.pop(change.message_key, None)
        sent[change.message_key] = change.sent
        while len(sent) > MAX_REMEMBERED_SENDS:
            sent.pop(next(iter(sent)))
        self._record = self._record.model_copy(update={"sent": sent})
        return self._record

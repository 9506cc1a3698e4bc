"""The person store: reads and changes people's entity workflows (``workflows/person/``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from pydantic import BaseModel
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.service import RPCError, RPCStatusCode

from domain.preferences import Channel, ConversationReference, PersonRecord, SentActivity
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
    person_workflow_id,
)

_RPC_TIMEOUT = timedelta(seconds=10)
_TASK_TIMEOUT = timedelta(seconds=30)


class PreferenceRejectedError(Exception):
    """The entity refused a change; ``reason`` is meant for the person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PersonStore(Protocol):
    """Where people's channel records live."""

    async def get(self, email: str) -> PersonRecord:
        """Return the person's record (an empty one when Accord knows nothing yet)."""
        ...

    async def set_channel(self, email: str, channel: Channel) -> PersonRecord:
        """Set where the person's messages go."""
        ...

    async def remember_conversation(
        self, email: str, reference: ConversationReference
    ) -> PersonRecord:
        """Keep the person's Teams chat."""
        ...

    async def forget_conversation(self, email: str, conversation_id: str) -> PersonRecord:
        """Drop the person's Teams chat."""
        ...

    async def record_sent(self, email: str, message_key: str, sent: SentActivity) -> PersonRecord:
        """Remember the activity a message key became."""
        ...


class TemporalPersonStore:
    """A :class:`PersonStore` over one entity workflow per person.

    Args:
        client: the Temporal client (with Accord's data converter).
        task_queue: where the workers run ``PersonWorkflow``.
        id_scope: put before every entity's workflow id; tests that share one Temporal give
            each test its own people this way.
    """

    def __init__(self, client: Client, task_queue: str, *, id_scope: str = "") -> None:
        self._client = client
        self._task_queue = task_queue
        self._scope = id_scope

    def _id(self, email: str) -> str:
        return f"{self._scope}{person_workflow_id(email)}"

    async def get(self, email: str) -> PersonRecord:
        """Return the person's record; a person never seen has an empty one.

        Args:
            email: the person's address.

        Returns:
            The record.
        """
        handle = self._client.get_workflow_handle(self._id(email))
        try:
            record: PersonRecord = await handle.query(
                RECORD_QUERY, result_type=PersonRecord, rpc_timeout=_RPC_TIMEOUT
            )
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
            return PersonRecord(email=email.strip().lower())
        return record

    async def set_channel(self, email: str, channel: Channel) -> PersonRecord:
        """Set where the person's messages go.

        Raises:
            PreferenceRejectedError: when the choice cannot be honoured (Teams without a chat).
        """
        return await self._update(email, PersonUpdates.SET_CHANNEL, SetChannel(channel=channel))

    async def set_agenda_copy(self, email: str, wanted: bool) -> PersonRecord:
        """Set whether the person gets a copy of their regular 1:1s' agendas."""
        change = SetAgendaCopy(wanted=wanted)
        return await self._update(email, PersonUpdates.SET_AGENDA_COPY, change)

    async def remember_conversation(
        self, email: str, reference: ConversationReference
    ) -> PersonRecord:
        """Keep the person's Teams chat."""
        return await self._update(
            email,
            PersonUpdates.REMEMBER_CONVERSATION,
            RememberConversation(reference=reference),
        )

    async def forget_conversation(self, email: str, conversation_id: str) -> PersonRecord:
        """Drop the person's Teams chat, if it is still the one on record."""
        return await self._update(
            email,
            PersonUpdates.FORGET_CONVERSATION,
            ForgetConversation(conversation_id=conversation_id),
        )

    async def record_sent(self, email: str, message_key: str, sent: SentActivity) -> PersonRecord:
        """Remember the Teams activity a message key became."""
        return await self._update(
            email, PersonUpdates.RECORD_SENT, RecordSent(message_key=message_key, sent=sent)
        )

    async def _update(self, email: str, update: str, arg: BaseModel) -> PersonRecord:
        address = email.strip().lower()
        # Started if it does not run yet; a running entity is reused as it is.
        handle = await self._client.start_workflow(
            PERSON_WORKFLOW_NAME,
            PersonInput(record=PersonRecord(email=address)),
            id=self._id(address),
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            # A person's updates are tiny; a first task on a cold worker may still take a while.
            task_timeout=_TASK_TIMEOUT,
            rpc_timeout=_RPC_TIMEOUT,
        )
        try:
            record: PersonRecord = await handle.execute_update(
                update, arg, result_type=PersonRecord, rpc_timeout=_RPC_TIMEOUT
            )
        except WorkflowUpdateFailedError as exc:
            raise PreferenceRejectedError(str(getattr(exc.cause, "message", exc))) from None
        return record

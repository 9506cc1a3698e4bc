"""The person entity: preferences, chats and sent activities, kept across continue-as-new."""

from __future__ import annotations

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.preferences import (
    MAX_REMEMBERED_SENDS,
    Channel,
    ConversationReference,
    PersonRecord,
    SentActivity,
)
from tests.support.people import SAM
from workflows.person.client import PreferenceRejectedError, TemporalPersonStore
from workflows.person.contracts import PersonInput, person_workflow_id
from workflows.person.workflow import PersonWorkflow

REFERENCE = ConversationReference(
    service_url="https://smba.example/", conversation_id="a:1", user_id="29:1", bot_id="28:b"
)


async def test_a_person_never_seen_has_an_empty_record(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    store = TemporalPersonStore(temporal_env.client, task_queue, id_scope=f"{task_queue}:")
    record = await store.get(SAM.upper())
    assert record.email == SAM and record.channel is None and record.conversation is None


async def test_preferences_chats_and_sends_are_kept(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    client: Client = temporal_env.client
    store = TemporalPersonStore(client, task_queue, id_scope=f"{task_queue}:")
    async with Worker(client, task_queue=task_queue, workflows=[PersonWorkflow]):
        with pytest.raises(PreferenceRejectedError, match="no chat"):
            await store.set_channel(SAM, Channel.TEAMS)
        await store.remember_conversation(SAM, REFERENCE)
        await store.set_channel(SAM, Channel.TEAMS)
        for n in range(MAX_REMEMBERED_SENDS + 3):
            await store.record_sent(
                SAM, f"k{n}", SentActivity(conversation_id="a:1", activity_id=str(n))
            )
        record = await store.get(SAM)
        assert record.channel is Channel.TEAMS and record.conversation == REFERENCE
        assert len(record.sent) == MAX_REMEMBERED_SENDS
        assert "k0" not in record.sent and record.sent[f"k{MAX_REMEMBERED_SENDS + 2}"]

        await store.forget_conversation(SAM, "a:other")
        assert (await store.get(SAM)).conversation == REFERENCE, "only the chat on record"
        await store.forget_conversation(SAM, "a:1")
        assert (await store.get(SAM)).conversation is None


async def test_the_entity_continues_as_new_with_its_record(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:

    client = temporal_env.client
    workflow_id = f"{task_queue}:{person_workflow_id(SAM)}"
    async with Worker(client, task_queue=task_queue, workflows=[PersonWorkflow]):
        handle = await client.start_workflow(
            PersonWorkflow.run,
            PersonInput(record=PersonRecord(email=SAM), history_limit=20),
            id=workflow_id,
            task_queue=task_queue,
        )
        store = TemporalPersonStore(client, task_queue, id_scope=f"{task_queue}:")
        await store.remember_conversation(SAM, REFERENCE)
        for n in range(10):
            await store.record_sent(
                SAM, f"k{n}", SentActivity(conversation_id="a:1", activity_id=str(n))
            )
        latest = await client.get_workflow_handle(workflow_id).describe()
        assert latest.run_id != handle.run_id, "continued as new"
        record = await store.get(SAM)
        assert record.conversation == REFERENCE and len(record.sent) == 10

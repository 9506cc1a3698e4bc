"""What the outside world exchanges with a person's entity workflow: its input and updates.

One workflow per person (id :func:`person_workflow_id`) holds their channel preference, their
Teams conversation and the Teams activities Accord sent them; ``workflows.person.client``
reads and changes it through these models.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.preferences import Channel, ConversationReference, PersonRecord, SentActivity

PERSON_WORKFLOW_NAME = "PersonWorkflow"
PERSON_ID_PREFIX = "person-"
RECORD_QUERY = "record"


def person_workflow_id(email: str) -> str:
    """Return the entity workflow id of the person with this address."""
    return f"{PERSON_ID_PREFIX}{email.strip().lower()}"


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PersonInput(_Input):
    """Starts (or continues) a person's entity."""

    record: PersonRecord
    history_limit: int | None = Field(default=None, description="For tests of continue-as-new.")


class SetChannel(_Input):
    """The person chose where Accord's messages go."""

    channel: Channel


class SetAgendaCopy(_Input):
    """The person chose whether they get a copy of their regular 1:1s' agendas."""

    wanted: bool


class RememberConversation(_Input):
    """The bot learnt (or re-learnt) the person's personal chat."""

    reference: ConversationReference


class ForgetConversation(_Input):
    """The chat is gone (app removed, 403/404 from the Bot Connector)."""

    conversation_id: str


class RecordSent(_Input):
    """A message key became this Teams activity."""

    message_key: str = Field(min_length=1)
    sent: SentActivity


class PersonUpdates:
    """The names of the entity's updates."""

    SET_CHANNEL = "set_channel"
    SET_AGENDA_COPY = "set_agenda_copy"
    REMEMBER_CONVERSATION = "remember_conversation"
    FORGET_CONVERSATION = "forget_conversation"
    RECORD_SENT = "record_sent"

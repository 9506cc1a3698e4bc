"""How each person wants to hear from Accord, and how Teams reaches them. Pure models.

A person's record is kept by their entity workflow (``workflows/person/``): the channel they
prefer (unset: the tenant's default), the Teams conversation the bot may write to, and the
Teams activity each message key became, so a retried send updates that activity instead of
posting a second one.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

MAX_REMEMBERED_SENDS = 500
"""Sent activities remembered per person; older keys belong to sends long finished."""


class Channel(StrEnum):
    """Where a person's messages go."""

    EMAIL = "email"
    TEAMS = "teams"
    BOTH = "both"

    @property
    def uses_teams(self) -> bool:
        """Whether messages go to Teams (alone or with email)."""
        return self is not Channel.EMAIL


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConversationReference(_Frozen):
    """Where the bot writes to one person: their personal chat with Accord.

    ``service_url`` comes from a validated incoming activity (its token's ``serviceUrl``
    claim), so the bot's token is only ever sent where Microsoft's channel told us to.
    """

    service_url: str = Field(min_length=8)
    conversation_id: str = Field(min_length=1)
    user_id: str = Field(min_length=1, description="The person's id in the channel (29:...).")
    aad_object_id: str | None = None
    bot_id: str = Field(min_length=1)
    tenant_id: str | None = None
    channel_id: str = "msteams"


class SentActivity(_Frozen):
    """The Teams activity a message key became."""

    conversation_id: str
    activity_id: str


class PersonRecord(_Frozen):
    """Everything Accord keeps about one person's channels."""

    email: str
    channel: Channel | None = Field(default=None, description="Unset: the tenant's default.")
    conversation: ConversationReference | None = None
    sent: dict[str, SentActivity] = Field(default_factory=dict)
    agenda_copy: bool = Field(
        default=False, description="Wants a copy of the agenda of their regular 1:1s."
    )

    def channel_or(self, default: Channel) -> Channel:
        """Return the person's channel, or ``default`` when they chose none."""
        return self.channel or default

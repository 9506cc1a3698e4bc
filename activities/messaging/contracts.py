"""What workflows exchange with the messaging activities: one message to one person.

Workflows import this module through ``workflow.unsafe.imports_passed_through()``; it holds
no I/O.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.action_links import LinkAction
from domain.messages.kinds import MessageKind
from domain.models import Actor, CommitmentSpec, UtcDatetime

SEND_MESSAGE = "send_message"
"""Send a message exactly once: :class:`OutgoingMessage` to :class:`SentMessage`."""


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OutgoingMessage(_Contract):
    """One email to one person about a commitment.

    ``idempotency_key`` is unique per message the workflow means to send: a retry with the
    same key never sends a second copy. ``details`` holds the message kind's own fields
    (see ``domain.messages.kinds``) other than the commitment, zone, role and action links;
    ``actions`` maps each link field of the kind (e.g. ``accept_url``) to the action it does.
    """

    idempotency_key: str = Field(min_length=8, max_length=200)
    commitment_id: str
    kind: MessageKind
    recipient_role: Actor
    spec: CommitmentSpec
    recipient_time_zone: str
    details: dict[str, Any] = Field(default_factory=dict)
    actions: dict[str, LinkAction] = Field(default_factory=dict)
    deliver_until: UtcDatetime | None = Field(
        default=None,
        description="When the reader's working window closes: an attempt that starts later "
        "(after pacing or retries) sends nothing and answers deferred, so the workflow waits "
        "for the next window instead of landing at night.",
    )


class SentMessage(_Contract):
    """What became of an :class:`OutgoingMessage`."""

    idempotency_key: str
    recipient: str
    already_sent: bool = Field(description="True when an earlier attempt had sent it.")
    channel: str = Field(default="email", description="email, or teams for a card alone.")
    teams_unreachable: bool = Field(
        default=False,
        description="The person wanted Teams alone, but Teams could not reach them: it went "
        "by email instead.",
    )
    deferred: bool = Field(
        default=False,
        description="Nothing was sent: the reader's working window had closed (see "
        "OutgoingMessage.deliver_until).",
    )

"""What the messaging activity tests share: where links point, their key, and a message."""

from __future__ import annotations

from activities.messaging.contracts import OutgoingMessage
from domain.action_links import LinkAction
from domain.messages.kinds import MessageKind
from domain.models import Actor, CommitmentSpec

PUBLIC_URL = "https://accord.example"
LINK_KEY = b"k" * 32


def expectation_message(
    spec: CommitmentSpec, key: str = "commitment-1:expectation:1"
) -> OutgoingMessage:
    """The expectation to the owner of ``spec``, with Accept and Let's talk links."""
    return OutgoingMessage(
        idempotency_key=key,
        commitment_id="commitment-1",
        kind=MessageKind.EXPECTATION,
        recipient_role=Actor.OWNER,
        spec=spec,
        recipient_time_zone="America/New_York",
        actions={"accept_url": LinkAction.ACCEPT, "talk_url": LinkAction.TALK},
    )

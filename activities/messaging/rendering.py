"""An activity's input to a rendered message: the context checked, then rendered once.

Shared by the mail, Teams and calendar activities. Input that does not fit its kind fails
for good here, before anything is sent on any channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from temporalio.exceptions import ApplicationError

from activities.messaging.contracts import OutgoingMessage
from domain.messages.kinds import MessageKind
from domain.messages.rendered import RenderedMessage
from domain.messages.rendering import render_fields
from domain.models import Actor, CommitmentSpec, Person

INVALID_MESSAGE = "InvalidMessage"
_RESERVED_FIELDS = frozenset({"commitment", "recipient_time_zone", "recipient_role"})


def recipient_of(spec: CommitmentSpec, role: Actor) -> Person:
    """Return the person a message to ``role`` goes to.

    Args:
        spec: the commitment.
        role: the owner or the manager.

    Returns:
        The person.

    Raises:
        ApplicationError: not retryable (``InvalidMessage``) for the system, which reads
            nothing.
    """
    if role is Actor.SYSTEM:
        raise ApplicationError(
            "a message goes to the owner or the manager, not the system",
            type=INVALID_MESSAGE,
            non_retryable=True,
        )
    return spec.person(role)


def render_for(
    kind: MessageKind,
    *,
    spec: CommitmentSpec,
    recipient_role: Actor,
    recipient_time_zone: str,
    details: Mapping[str, Any],
    links: Mapping[str, str] | None = None,
) -> RenderedMessage:
    """Render a kind from an activity's input, in one call down into the domain.

    ``details`` may arrive as JSON (dates as ISO strings, slots as objects), since activity
    inputs travel through Temporal's payload converter; the kind's context reads them back.

    Args:
        kind: which message.
        spec: the commitment.
        recipient_role: who reads it.
        recipient_time_zone: the reader's zone.
        details: the kind's own fields.
        links: the kind's action-link fields, already signed.

    Returns:
        The rendered message, for whichever channel shows it.

    Raises:
        ApplicationError: not retryable (``InvalidMessage``) when the input does not fit the
            kind; the message names the fields at fault, never their values.
    """
    overlap = _RESERVED_FIELDS.intersection(details) | set(links or {}).intersection(details)
    if overlap:
        raise ApplicationError(
            f"{kind} details must not set {', '.join(sorted(overlap))}",
            type=INVALID_MESSAGE,
            non_retryable=True,
        )
    fields: dict[str, Any] = {
        **details,
        **(links or {}),
        "commitment": spec,
        "recipient_role": recipient_role,
        "recipient_time_zone": recipient_time_zone,
    }
    try:
        return render_fields(kind, fields)
    except ValidationError as exc:
        # Values can be commitment content; locations and error types are enough to debug.
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'message'}: {error['type']}"
            for error in exc.errors()
        )
        raise ApplicationError(
            f"{kind} input is invalid: {problems}", type=INVALID_MESSAGE, non_retryable=True
        ) from None


def render_outgoing(message: OutgoingMessage, links: Mapping[str, str]) -> RenderedMessage:
    """Render a message a workflow asked to send, once, for whichever channel takes it.

    Args:
        message: the message.
        links: its action-link fields, signed.

    Returns:
        The rendered message.

    Raises:
        ApplicationError: not retryable (``InvalidMessage``), as :func:`render_for`.
    """
    return render_for(
        message.kind,
        spec=message.spec,
        recipient_role=message.recipient_role,
        recipient_time_zone=message.recipient_time_zone,
        details=message.details,
        links=links,
    )

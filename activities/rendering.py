"""Rendering a message kind from an activity's input, shared by mail and calendar activities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from temporalio.exceptions import ApplicationError

from activities.contracts import OutgoingMessage
from domain.messages import (
    CONTEXT_TYPES,
    DigestContext,
    MessageContext,
    MessageKind,
    RenderedMessage,
    render_message,
)
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
    """Build the kind's context from an activity's input and render it.

    See :func:`context_for` for the arguments and errors.

    Returns:
        The rendered message.
    """
    context = context_for(
        kind,
        spec=spec,
        recipient_role=recipient_role,
        recipient_time_zone=recipient_time_zone,
        details=details,
        links=links,
    )
    return render_message(kind, context)


def render_outgoing(message: OutgoingMessage, links: Mapping[str, str]) -> RenderedMessage:
    """Render a message a workflow asked to send (by email, as a card, in the feed).

    Args:
        message: the message.
        links: its action-link fields, signed (or placeholders where no link is sent).

    Returns:
        The rendered message.

    Raises:
        ApplicationError: not retryable (``InvalidMessage``), as :func:`context_for`.
    """
    return render_message(message.kind, outgoing_context(message, links))


def outgoing_context(
    message: OutgoingMessage, links: Mapping[str, str]
) -> MessageContext | DigestContext:
    """Build the context of a message a workflow asked to send.

    Args:
        message: the message.
        links: its action-link fields, signed (or placeholders where no link is sent).

    Returns:
        The context the templates and cards are built from.

    Raises:
        ApplicationError: not retryable (``InvalidMessage``), as :func:`context_for`.
    """
    return context_for(
        message.kind,
        spec=message.spec,
        recipient_role=message.recipient_role,
        recipient_time_zone=message.recipient_time_zone,
        details=message.details,
        links=links,
    )


def context_for(
    kind: MessageKind,
    *,
    spec: CommitmentSpec,
    recipient_role: Actor,
    recipient_time_zone: str,
    details: Mapping[str, Any],
    links: Mapping[str, str] | None = None,
) -> MessageContext | DigestContext:
    """Build the kind's context from an activity's input.

    ``details`` may arrive as JSON (dates as ISO strings, slots as objects), since activity
    inputs travel through Temporal's payload converter; the context model reads them back.

    Args:
        kind: which message.
        spec: the commitment.
        recipient_role: who reads it.
        recipient_time_zone: the reader's zone.
        details: the kind's own fields.
        links: the kind's action-link fields, already signed.

    Returns:
        The context the templates (and Teams cards) are built from.

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
        context = CONTEXT_TYPES[kind].model_validate(fields)
    except ValidationError as exc:
        # Values can be commitment content; locations and error types are enough to debug.
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'message'}: {error['type']}"
            for error in exc.errors()
        )
        raise ApplicationError(
            f"{kind} input is invalid: {problems}", type=INVALID_MESSAGE, non_retryable=True
        ) from None
    return context

"""Which task queue a message goes out on: one queue per sending mailbox.

Exchange lets a mailbox submit 30 messages a minute, however many workers send from it. Each
sending mailbox's sends therefore run on a task queue of their own, whose workers ask
Temporal's matching service to dispatch at most the mailbox's rate
(``max_task_queue_activities_per_second``): the server holds the limit for every worker
KEDA starts. The workflow asks a local activity which queue a recipient's messages take,
because only the worker knows the sending mailboxes. No I/O here.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, ConfigDict

SEND_QUEUE = "send_queue"
"""Name the task queue of a recipient's sends: :class:`SendQueueLookup` to :class:`SendQueue`."""


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SendQueueLookup(_Contract):
    """The person a message is for, and whether Accord's own mailbox writes it.

    Most messages go out from the sending mailbox :func:`domain.sending.sender_for` picks for
    their recipient; intake's answers are replies in the thread Accord's own mailbox received,
    so they take that mailbox's queue (``from_agent_mailbox``).
    """

    recipient: str
    from_agent_mailbox: bool = False


class SendQueue(_Contract):
    """The task queue the send activity is scheduled on.

    ``task_queue`` is ``None`` when this worker runs no per-mailbox queues (sends then stay
    on the workflow's own queue, paced inside the process).
    """

    task_queue: str | None = None


def send_task_queue(base: str, mailbox: str) -> str:
    """Return the task queue of one sending mailbox's sends.

    The address is hashed so that the queue's name, which Temporal's UI and metrics show,
    does not carry it; the base (the worker's own queue) keeps two deployments sharing a
    namespace apart.

    Args:
        base: the worker's task queue, e.g. ``accord-commitments``.
        mailbox: the sending mailbox's address (case does not matter).

    Returns:
        e.g. ``accord-commitments-send-3f2a9c1e0b7d4a65``.
    """
    digest = hashlib.sha256(mailbox.strip().lower().encode()).hexdigest()[:16]
    return f"{base}-send-{digest}"

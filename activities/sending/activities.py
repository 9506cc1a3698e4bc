"""The local activity that names a recipient's send queue (see ``activities.sending.contracts``)."""

from __future__ import annotations

from collections.abc import Sequence

from temporalio import activity

from activities.sending.contracts import SEND_QUEUE, SendQueue, SendQueueLookup, send_task_queue
from domain.sending import sender_for


class SendRouting:
    """Maps a recipient to the task queue of the mailbox that writes to them.

    Args:
        base_queue: the worker's task queue, which prefixes each mailbox's queue.
        mailboxes: the sending mailboxes (the same list the messaging activities spread
            people over).
        enabled: whether this worker runs the per-mailbox queues; off, every send stays on
            the workflow's queue.
    """

    def __init__(self, base_queue: str, mailboxes: Sequence[str], *, enabled: bool) -> None:
        self._base = base_queue
        self._mailboxes = tuple(mailboxes)
        self._enabled = enabled

    def queues(self) -> dict[str, str]:
        """Return each sending mailbox's task queue."""
        return {mailbox: send_task_queue(self._base, mailbox) for mailbox in self._mailboxes}

    @activity.defn(name=SEND_QUEUE)
    async def send_queue(self, lookup: SendQueueLookup) -> SendQueue:
        """Name the task queue of the recipient's sends.

        Args:
            lookup: the recipient.

        Returns:
            Their sending mailbox's queue, or ``None`` when per-mailbox queues are off.
        """
        if not self._enabled:
            return SendQueue()
        mailbox = sender_for(lookup.recipient, self._mailboxes)
        return SendQueue(task_queue=send_task_queue(self._base, mailbox))

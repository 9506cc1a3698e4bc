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
        agent_mailbox: Accord's own mailbox, which answers intake's mail in its threads; it
            gets a queue of its own too when it is not one of ``mailboxes``. Unset: the first
            of ``mailboxes``.
    """

    def __init__(
        self,
        base_queue: str,
        mailboxes: Sequence[str],
        *,
        enabled: bool,
        agent_mailbox: str | None = None,
    ) -> None:
        self._base = base_queue
        self._mailboxes = tuple(mailboxes)
        self._enabled = enabled
        self._agent = agent_mailbox or self._mailboxes[0]

    def queues(self) -> dict[str, str]:
        """Return each sending mailbox's task queue, Accord's own mailbox's included."""
        mailboxes = dict.fromkeys(mailbox.lower() for mailbox in (*self._mailboxes, self._agent))
        return {mailbox: send_task_queue(self._base, mailbox) for mailbox in mailboxes}

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
        if lookup.from_agent_mailbox:
            return SendQueue(task_queue=send_task_queue(self._base, self._agent))
        mailbox = sender_for(lookup.recipient, self._mailboxes)
        return SendQueue(task_queue=send_task_queue(self._base, mailbox))

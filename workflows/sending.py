"""Choosing the task queue a message is sent on: its sending mailbox's.

There Temporal holds Exchange's message rate across workers (``activities.sending``).
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.sending.contracts import SEND_QUEUE, SendQueue, SendQueueLookup
    from workflows.patches import PER_MAILBOX_SEND_QUEUES

_LOOKUP_TIMEOUT = timedelta(seconds=10)
# The answer is computed in memory: nothing to retry for long. Every worker that runs the
# commitment workflow registers the activity (with routing off it names no queue): a worker
# without it fails the workflow task rather than the activity, so there is no fallback here.
_LOOKUP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_attempts=3,
    non_retryable_error_types=["NotFoundError"],
)


async def send_queue_for(
    recipient: str, *, from_agent_mailbox: bool = False, patch: str = PER_MAILBOX_SEND_QUEUES
) -> str | None:
    """Return the task queue of the recipient's sends, or ``None`` for the workflow's own.

    Runs from before the patch take the workflow's queue, as they did, and so does a send
    whose worker cannot name a queue (it runs no per-mailbox queues).

    Args:
        recipient: the person's address.
        from_agent_mailbox: the message goes out from Accord's own mailbox whoever reads it
            (intake's answers in the thread it received).
        patch: the id marking the runs that route their sends (each workflow type took the
            queues in a change of its own).

    Returns:
        The queue to schedule the send activity on.
    """
    if not workflow.patched(patch):
        return None
    try:
        route: SendQueue = await workflow.execute_local_activity(
            SEND_QUEUE,
            SendQueueLookup(recipient=recipient, from_agent_mailbox=from_agent_mailbox),
            result_type=SendQueue,
            start_to_close_timeout=_LOOKUP_TIMEOUT,
            retry_policy=_LOOKUP_RETRY,
        )
    except ActivityError:
        return None
    return route.task_queue

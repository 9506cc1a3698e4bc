"""The message's workflow: it reads one message and hands it to its conversation.

``MessageIntakeWorkflow`` runs once per message (its id comes from the message id), so a
message Graph delivers twice is read once. It reads the message and hands it to its
conversation's ``IntakeWorkflow`` (see :mod:`workflows.intake.workflow`).
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.intake.contracts import (
        DELIVER_TO_THREAD,
        READ_INBOUND_MESSAGE,
        DeliveryOutcome,
        InboundLookup,
        ThreadDelivery,
    )
    from domain.intake.models import Ignored
    from workflows.intake.contracts import (
        MESSAGE_WORKFLOW,
        ChangeNotice,
        InboundRead,
        ThreadMessage,
    )
    from workflows.patches import INTAKE_ANSWERS_EVERY_EMAIL
    from workflows.retries import GRAPH_RETRY

ACTIVITY_TIMEOUT = timedelta(seconds=60)


@workflow.defn(name=MESSAGE_WORKFLOW)
class MessageIntakeWorkflow:
    """Reads one message and hands it to its conversation (at most once per message)."""

    @workflow.run
    async def run(self, notice: ChangeNotice) -> str:
        """Read the message; stop if it is not for Accord, else deliver it to its thread.

        Returns:
            What happened, for operators: a skip reason or the delivery outcome.
        """
        read = await workflow.execute_activity(
            READ_INBOUND_MESSAGE,
            InboundLookup(notice=notice),
            result_type=InboundRead,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        if read.skip_reason is not None or read.reading is None or read.email is None:
            return read.skip_reason or "unreadable"
        # Only a request may open a conversation; anything else can only answer one.
        opens_thread = read.reading.ignored is None
        if (
            not opens_thread
            and read.reading.ignored is Ignored.NOT_A_REQUEST
            and not read.already_answered
            and workflow.patched(INTAKE_ANSWERS_EVERY_EMAIL)
        ):
            # No silent drops: a mail that asks nothing, in a conversation Accord has not
            # answered yet, opens it too, and the sender hears what Accord saw.
            opens_thread = True
        outcome = await workflow.execute_activity(
            DELIVER_TO_THREAD,
            ThreadDelivery(
                message=ThreadMessage(notice=notice, read=read), start_if_absent=opens_thread
            ),
            result_type=DeliveryOutcome,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return str(outcome)

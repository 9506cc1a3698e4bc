"""The send queue a recipient's messages take: their sending mailbox's, or the workflow's own."""

from __future__ import annotations

from temporalio.testing import ActivityEnvironment

from activities.sending.activities import SendRouting
from activities.sending.contracts import SendQueueLookup, send_task_queue
from domain.sending import sender_for

MAILBOXES = ["accord-1@northwind.example", "accord-2@northwind.example"]


async def test_a_recipient_goes_to_their_sending_mailboxs_queue() -> None:
    routing = SendRouting("accord-commitments", MAILBOXES, enabled=True)
    recipient = "sam.okafor@northwind.example"
    route = await ActivityEnvironment().run(
        routing.send_queue, SendQueueLookup(recipient=recipient)
    )
    expected = send_task_queue("accord-commitments", sender_for(recipient, MAILBOXES))
    assert route.task_queue == expected
    assert set(routing.queues().values()) == {
        send_task_queue("accord-commitments", mailbox) for mailbox in MAILBOXES
    }


def test_a_queue_name_hides_the_address_and_ignores_its_case() -> None:
    name = send_task_queue("accord-commitments", "Accord-1@Northwind.example")
    assert name == send_task_queue("accord-commitments", "accord-1@northwind.example")
    assert name.startswith("accord-commitments-send-")
    assert "northwind" not in name


async def test_without_send_queues_the_send_stays_on_the_workflows_queue() -> None:
    routing = SendRouting("accord-commitments", MAILBOXES, enabled=False)
    route = await ActivityEnvironment().run(
        routing.send_queue, SendQueueLookup(recipient="sam.okafor@northwind.example")
    )
    assert route.task_queue is None


async def test_intakes_answers_take_the_agent_mailboxs_queue_even_when_it_sends_nothing_else() -> (
    None
):
    agent = "accord@northwind.example"
    routing = SendRouting("accord-commitments", MAILBOXES, enabled=True, agent_mailbox=agent)
    route = await ActivityEnvironment().run(
        routing.send_queue,
        SendQueueLookup(recipient="sam.okafor@northwind.example", from_agent_mailbox=True),
    )
    assert route.task_queue == send_task_queue("accord-commitments", agent)
    # Every queue a lookup can name has its worker: the agent's as well as the senders'.
    assert route.task_queue in routing.queues().values()
    assert len(routing.queues()) == len(MAILBOXES) + 1

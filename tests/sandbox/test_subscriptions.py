"""Change notifications through the real Graph SDK against a live sandbox and a live receiver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.models.subscription import Subscription
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient

from sandbox.changes import ResourceChange
from sandbox.server import SandboxServer, free_port
from tests.support.people import AGENT, MANAGER, SAM
from tests.support.polling import eventually
from tests.support.webhooks import Receiver

INBOX = "mailFolders('inbox')/messages"
FAST_RETRIES = {"first_retry_seconds": 0.2, "max_retry_seconds": 0.5}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def _now(sandbox: SandboxServer) -> datetime:
    assert sandbox.state is not None
    return sandbox.state.clock.now()


def _user_id(sandbox: SandboxServer, address: str) -> str:
    assert sandbox.state is not None
    return str(sandbox.state.directory.user(address)["id"])


def _subscription(
    sandbox: SandboxServer,
    receiver: Receiver,
    resource: str = f"users/{AGENT}/{INBOX}",
    *,
    minutes: float = 60,
    lifecycle: bool = True,
    client_state: str | None = "s3cret-state",
    change_type: str = "created,updated,deleted",
) -> Subscription:
    return Subscription(
        change_type=change_type,
        notification_url=f"{receiver.url}/notify",
        lifecycle_notification_url=f"{receiver.url}/lifecycle" if lifecycle else None,
        resource=resource,
        expiration_date_time=_now(sandbox) + timedelta(minutes=minutes),
        client_state=client_state,
    )


async def _send(graph: GraphServiceClient, sender: str, to: str, subject: str) -> None:
    message = Message(
        subject=subject,
        body=ItemBody(content_type=BodyType.Text, content="Hello"),
        to_recipients=[Recipient(email_address=EmailAddress(address=to))],
    )
    await graph.users.by_user_id(sender).send_mail.post(
        SendMailPostRequestBody(message=message, save_to_sent_items=False)
    )


async def _admin(sandbox: SandboxServer, method: str, path: str, body: Any = None) -> Any:
    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        response = await client.request(method, f"/_sandbox/subscriptions{path}", json=body)
    response.raise_for_status()
    return response.json()


async def _expect_error(call: Any, status: int, code: str | None = None) -> ODataError:
    with pytest.raises(ODataError) as caught:
        await call
    assert caught.value.response_status_code == status
    if code is not None:
        assert caught.value.error is not None
        assert caught.value.error.code == code
    return caught.value


async def test_create_validates_both_urls_and_answers_graphs_shape(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    created = await graph.subscriptions.post(_subscription(sandbox, receiver))
    assert created is not None
    assert created.id
    assert created.resource == f"users/{AGENT}/{INBOX}"
    assert created.change_type == "created,updated,deleted"
    assert created.client_state == "s3cret-state"
    assert created.notification_url == f"{receiver.url}/notify"
    assert created.lifecycle_notification_url == f"{receiver.url}/lifecycle"
    assert created.application_id
    assert created.creator_id
    assert created.latest_supported_tls_version == "v1_2"
    assert created.include_resource_data is False
    assert created.notification_query_options is None
    assert created.expiration_date_time is not None
    assert created.expiration_date_time > _now(sandbox) + timedelta(minutes=59)
    validations = receiver.validations()
    assert [path for path, _ in validations] == ["/notify", "/lifecycle"]
    assert all(token.startswith("Validation: ") and " " in token for _, token in validations)
    listed = await graph.subscriptions.get()
    assert listed is not None
    assert [item.id for item in listed.value or []] == [created.id]
    fetched = await graph.subscriptions.by_subscription_id(created.id).get()
    assert fetched is not None
    assert fetched.client_state == "s3cret-state"


@pytest.mark.parametrize("mode", ["wrong", "error", "json"])
async def test_a_receiver_failing_validation_makes_the_create_fail(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver, mode: Any
) -> None:
    receiver.state.validation_mode = mode
    error = await _expect_error(
        graph.subscriptions.post(_subscription(sandbox, receiver)), 400, "ValidationError"
    )
    assert error.error is not None
    assert error.error.message is not None
    assert error.error.message.startswith("Subscription validation request failed.")
    listed = await graph.subscriptions.get()
    assert listed is not None
    assert listed.value == []


async def test_an_unreachable_or_slow_receiver_fails_validation(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    nobody = _subscription(sandbox, receiver)
    nobody.notification_url = f"http://127.0.0.1:{free_port()}/notify"
    await _expect_error(graph.subscriptions.post(nobody), 400, "ValidationError")
    await _admin(sandbox, "PUT", "/policy", {"validation_timeout_seconds": 0.3})
    receiver.state.validation_mode = "hang"
    await _expect_error(graph.subscriptions.post(_subscription(sandbox, receiver)), 400)


async def test_mail_to_the_agent_notifies_with_client_state_and_resource(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    created = await graph.subscriptions.post(_subscription(sandbox, receiver))
    assert created is not None
    await _send(graph, MANAGER, SAM, "Not for the agent")
    await _send(graph, MANAGER, AGENT, "Please chase the budget")
    [notification] = await eventually(lambda: receiver.values("/notify"))
    [post] = receiver.posts("/notify")
    assert post.content_type.startswith("application/json")
    agent_id = _user_id(sandbox, AGENT)
    inbox = (
        await graph.users.by_user_id(AGENT).mail_folders.by_mail_folder_id("inbox").messages.get()
    )
    assert inbox is not None
    assert inbox.value
    message = inbox.value[0]
    assert notification["subscriptionId"] == created.id
    assert notification["clientState"] == "s3cret-state"
    assert notification["changeType"] == "created"
    assert notification["resource"] == f"Users/{agent_id}/Messages/{message.id}"
    assert notification["tenantId"]
    assert notification["subscriptionExpirationDateTime"]
    data = notification["resourceData"]
    assert data["@odata.type"] == "#Microsoft.Graph.Message"
    assert data["@odata.id"] == notification["resource"]
    assert data["id"] == message.id
    assert data["@odata.etag"] == f'W/"{message.change_key}"'


async def test_change_type_and_other_mailboxes_are_filtered(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    await graph.subscriptions.post(
        _subscription(
            sandbox, receiver, f"users/{_user_id(sandbox, SAM)}/messages", change_type="updated"
        )
    )
    await _send(graph, MANAGER, SAM, "Created, not updated")
    inbox = await graph.users.by_user_id(SAM).messages.get()
    assert inbox is not None
    assert inbox.value
    await (
        graph.users.by_user_id(SAM)
        .messages.by_message_id(inbox.value[0].id or "")
        .patch(Message(is_read=True))
    )
    [notification] = await eventually(lambda: receiver.values("/notify"))
    assert notification["changeType"] == "updated"


async def test_events_resource_hears_calendar_changes(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    await graph.subscriptions.post(
        _subscription(sandbox, receiver, f"users/{MANAGER}/events", lifecycle=False)
    )
    assert sandbox.state is not None
    manager_id = _user_id(sandbox, MANAGER)
    # Published from the test's thread: the hub's listeners must cope with any thread.
    sandbox.state.changes.publish(ResourceChange(manager_id, "events", "evt-1", "created"))
    [notification] = await eventually(lambda: receiver.values("/notify"))
    assert notification["resource"] == f"Users/{manager_id}/Events/evt-1"
    assert notification["resourceData"]["@odata.type"] == "#Microsoft.Graph.Event"


async def test_a_receiver_answering_500_then_202_still_gets_the_notification(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    await _admin(sandbox, "PUT", "/policy", FAST_RETRIES)
    await graph.subscriptions.post(_subscription(sandbox, receiver))
    receiver.answer_next(500, 503)
    await _send(graph, MANAGER, AGENT, "Retried")
    [notification] = await eventually(lambda: receiver.values("/notify"))
    assert notification["clientState"] == "s3cret-state"
    assert [post.status for post in receiver.posts("/notify", accepted_only=False)] == [
        500,
        503,
        202,
    ]
    log = await _admin(sandbox, "GET", "/deliveries")
    outcomes = [entry["outcome"] for entry in log["value"] if entry["kind"] == "notification"]
    assert outcomes == ["delivered", "retrying", "retrying"]
    assert log["pending"] == []


async def test_notifications_given_up_on_are_reported_as_missed(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    await _admin(sandbox, "PUT", "/policy", {**FAST_RETRIES, "retry_window_seconds": 0.5})
    created = await graph.subscriptions.post(_subscription(sandbox, receiver))
    assert created is not None
    receiver.answer_next(*[500] * 20)
    await _send(graph, MANAGER, AGENT, "Lost")
    [missed] = await eventually(lambda: receiver.values("/lifecycle"))
    assert missed["lifecycleEvent"] == "missed"
    assert missed["subscriptionId"] == created.id
    assert receiver.values("/notify") == []


async def test_renew_then_delete(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    created = await graph.subscriptions.post(_subscription(sandbox, receiver, minutes=30))
    assert created is not None
    assert created.id
    later = _now(sandbox) + timedelta(days=3)
    renewed = await graph.subscriptions.by_subscription_id(created.id).patch(
        Subscription(expiration_date_time=later)
    )
    assert renewed is not None
    assert renewed.expiration_date_time is not None
    assert abs(renewed.expiration_date_time - later) < timedelta(seconds=1)
    await _expect_error(
        graph.subscriptions.by_subscription_id(created.id).patch(Subscription(client_state="x")),
        400,
    )
    await graph.subscriptions.by_subscription_id(created.id).reauthorize.post()
    await graph.subscriptions.by_subscription_id(created.id).delete()
    await _expect_error(graph.subscriptions.by_subscription_id(created.id).get(), 404)
    await _expect_error(graph.subscriptions.by_subscription_id(created.id).delete(), 404)
    listed = await graph.subscriptions.get()
    assert listed is not None
    assert listed.value == []


async def test_expiration_must_lie_within_the_maximum_lifetime(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    assert sandbox.state is not None
    limit = sandbox.state.config.max_subscription_minutes
    error = await _expect_error(
        graph.subscriptions.post(_subscription(sandbox, receiver, minutes=limit + 5)),
        400,
        "ExtensionError",
    )
    assert error.error is not None
    assert (
        error.error.message == f"Subscription expiration can only be {limit} minutes in the future."
    )
    await _expect_error(graph.subscriptions.post(_subscription(sandbox, receiver, minutes=-1)), 400)
    assert receiver.validations() == []  # refused before any receiver was bothered
    created = await graph.subscriptions.post(_subscription(sandbox, receiver, minutes=limit - 1))
    assert created is not None
    assert created.id
    await _expect_error(
        graph.subscriptions.by_subscription_id(created.id).patch(
            Subscription(expiration_date_time=_now(sandbox) + timedelta(minutes=limit + 5))
        ),
        400,
        "ExtensionError",
    )


async def test_bad_subscriptions_are_refused_with_graph_errors(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    unsupported = _subscription(sandbox, receiver, f"users/{AGENT}/contacts")
    await _expect_error(graph.subscriptions.post(unsupported), 400, "InvalidRequest")
    await _expect_error(
        graph.subscriptions.post(
            _subscription(sandbox, receiver, "users/nobody@x.example/messages")
        ),
        404,
    )
    long_state = _subscription(sandbox, receiver, client_state="x" * 129)
    await _expect_error(graph.subscriptions.post(long_state), 400)
    plain_http = _subscription(sandbox, receiver)
    plain_http.notification_url = "http://receiver.example/notify"
    await _expect_error(graph.subscriptions.post(plain_http), 400, "InvalidRequest")
    bad_type = _subscription(sandbox, receiver, change_type="created,moved")
    await _expect_error(graph.subscriptions.post(bad_type), 400, "InvalidRequest")
    unknown = _subscription(sandbox, receiver)
    unknown.additional_data = {"colour": "blue"}
    await _expect_error(graph.subscriptions.post(unknown), 400, "RequestBodyRead")
    assert receiver.validations() == []


async def test_an_expired_subscription_stops_delivering(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    short = await graph.subscriptions.post(_subscription(sandbox, receiver, minutes=10))
    assert short is not None
    assert short.id
    await _admin_clock(sandbox, advance_seconds=15 * 60)
    long = await graph.subscriptions.post(_subscription(sandbox, receiver, minutes=60))
    assert long is not None
    await _send(graph, MANAGER, AGENT, "Only the live one hears this")
    await eventually(lambda: receiver.values("/notify"))
    assert [item["subscriptionId"] for item in receiver.values("/notify")] == [long.id]
    await _expect_error(graph.subscriptions.by_subscription_id(short.id).get(), 404)
    listed = await graph.subscriptions.get()
    assert listed is not None
    assert [item.id for item in listed.value or []] == [long.id]


async def _admin_clock(sandbox: SandboxServer, **change: Any) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        (await client.post("/_sandbox/clock", json=change)).raise_for_status()


async def test_lifecycle_events_reach_the_lifecycle_url(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    created = await graph.subscriptions.post(_subscription(sandbox, receiver))
    assert created is not None
    assert created.id
    for event in ("reauthorizationRequired", "missed", "subscriptionRemoved"):
        answer = await _admin(sandbox, "POST", f"/{created.id}/lifecycle", {"event": event})
        assert answer["queued"] is True
    events = await eventually(
        lambda: found if len(found := receiver.values("/lifecycle")) == 3 else []
    )
    assert sorted(item["lifecycleEvent"] for item in events) == [
        "missed",
        "reauthorizationRequired",
        "subscriptionRemoved",
    ]
    for item in events:
        assert item["subscriptionId"] == created.id
        assert item["clientState"] == "s3cret-state"
        assert item["tenantId"]
        assert item["subscriptionExpirationDateTime"]
    await _expect_error(graph.subscriptions.by_subscription_id(created.id).get(), 404)
    assert receiver.values("/notify") == []


async def test_dropped_notifications_are_reported_as_missed(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    created = await graph.subscriptions.post(_subscription(sandbox, receiver))
    assert created is not None
    await _admin(sandbox, "POST", f"/{created.id}/drop", {"count": 1})
    await _send(graph, MANAGER, AGENT, "Dropped")
    [missed] = await eventually(lambda: receiver.values("/lifecycle"))
    assert missed["lifecycleEvent"] == "missed"
    await _send(graph, MANAGER, AGENT, "Delivered")
    [notification] = await eventually(lambda: receiver.values("/notify"))
    assert notification["changeType"] == "created"


async def test_reminder_before_expiry_when_enabled(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    await _admin(sandbox, "PUT", "/policy", {"reauthorize_minutes_before_expiry": 5})
    created = await graph.subscriptions.post(_subscription(sandbox, receiver, minutes=30))
    assert created is not None
    await _admin_clock(sandbox, advance_seconds=26 * 60)
    [reminder] = await eventually(lambda: receiver.values("/lifecycle"))
    assert reminder["lifecycleEvent"] == "reauthorizationRequired"


async def test_subscriptions_and_pending_notifications_survive_a_restart(
    sandbox: SandboxServer, graph: GraphServiceClient, receiver: Receiver
) -> None:
    await _admin(sandbox, "PUT", "/policy", FAST_RETRIES)
    created = await graph.subscriptions.post(_subscription(sandbox, receiver))
    assert created is not None
    assert created.id
    receiver.state.default_status = 503
    await _send(graph, MANAGER, AGENT, "Waits for the receiver")
    await eventually(lambda: receiver.posts("/notify", accepted_only=False))
    sandbox.restart()
    fetched = await graph.subscriptions.by_subscription_id(created.id).get()
    assert fetched is not None
    assert fetched.client_state == "s3cret-state"
    receiver.state.default_status = 202
    [notification] = await eventually(lambda: receiver.values("/notify"))
    assert notification["subscriptionId"] == created.id
    await _send(graph, MANAGER, AGENT, "After the restart")
    await eventually(lambda: len(receiver.values("/notify")) == 2)

"""The sandbox's groups (as Graph serves them) and ``uniqueBody`` (as Exchange computes it)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from msgraph.generated.users.item.messages.item.reply.reply_post_request_body import (
    ReplyPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient

from integrations.graph.people import GraphGroups
from sandbox.server import SandboxServer
from sandbox.unique_body import unique_body
from tests.support.mailboxes import mailbox, send_as
from tests.support.people import LUKAS, MANAGER, PRIYA, SAM
from tests.support.sandbox import raw_client

TEAM = "platform-team@northwind.example"
FORECASTING = "forecasting@northwind.example"


async def test_a_group_is_found_by_its_address_and_lists_its_members(
    sandbox: SandboxServer, graph: GraphServiceClient
) -> None:
    groups = GraphGroups(graph)

    team = await groups.find(TEAM.upper())
    desk = await groups.find(FORECASTING)

    assert team is not None and team.display_name == "Platform team"
    assert desk is not None
    assert await groups.find(SAM) is None  # a person is no group
    assert await groups.sole_person(team.id) is None  # three people: no single owner
    person = await groups.sole_person(desk.id)
    assert person is not None and person.email == PRIYA
    async with raw_client(sandbox) as client:
        members = (await client.get(f"/groups/{team.id}/members")).json()["value"]
        unknown = await client.get("/groups?$filter=nickname eq 'x'")
    assert {member["@odata.type"] for member in members} == {"#microsoft.graph.user"}
    assert {member["mail"] for member in members} == {SAM, PRIYA, LUKAS}
    assert unknown.status_code == 400  # an unknown property, as Graph refuses it


async def test_mail_to_a_group_reaches_its_members_and_keeps_the_groups_address(
    sandbox: SandboxServer, graph: GraphServiceClient
) -> None:
    await send_as(graph, MANAGER, to=[TEAM], cc=[], subject="Offsite", body="See you there.")

    for member in (SAM, PRIYA, LUKAS):
        copy = mailbox(sandbox, member)[-1]
        assert copy["subject"] == "Offsite"
        assert copy["toRecipients"][0]["emailAddress"]["address"] == TEAM


def _selected(sandbox: SandboxServer, person: str) -> Any:
    return mailbox(sandbox, person)[-1]["uniqueBody"]


async def test_unique_body_is_the_new_part_and_only_returned_when_selected(
    sandbox: SandboxServer, graph: GraphServiceClient
) -> None:
    await send_as(graph, MANAGER, to=[SAM], cc=[], subject="Q1", body="Could you draft it?")
    original = mailbox(sandbox, SAM)[-1]
    # A new conversation: all of it is new.
    assert original["uniqueBody"]["content"] == "Could you draft it?"

    await (
        graph.users.by_user_id(SAM)
        .messages.by_message_id(original["id"])
        .reply.post(ReplyPostRequestBody(comment="Friday works."))
    )

    reply = mailbox(sandbox, MANAGER)[-1]
    assert "Could you draft it?" in reply["body"]["content"]
    assert reply["uniqueBody"] == {"contentType": "text", "content": "Friday works."}
    async with raw_client(sandbox) as client:
        path = f"/users/{MANAGER}/messages/{reply['id']}"
        plain = (await client.get(path)).json()
        chosen = (await client.get(f"{path}?$select=uniqueBody")).json()
    assert "uniqueBody" not in plain
    assert chosen["uniqueBody"]["content"] == "Friday works."


def test_unique_body_cuts_any_quoting_of_an_earlier_message_and_its_header_block() -> None:
    earlier = {"contentType": "text", "content": "Could you draft the Q1 budget by Friday?"}
    for header in (
        "Von: Maya Chen <maya.chen@northwind.example>\nGesendet: Montag\nBetreff: Q1",
        "-----Ursprüngliche Nachricht-----",
        "Le lun. 23 nov. 2026, Maya a écrit :",
        "~~~~ earlier ~~~~",
    ):
        body = {
            "contentType": "text",
            "content": f"Sure, on it.\n\n{header}\n> Could you draft the Q1 budget\n> by Friday?",
        }
        assert unique_body(body, [earlier])["content"] == "Sure, on it.", header
    html = {
        "contentType": "html",
        "content": "<p>Sure.</p><hr><div>From: Maya</div><div>Could you draft the Q1 budget"
        " by Friday?</div>",
    }
    assert unique_body(html, [earlier])["content"] == "Sure."


@given(new=st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200))
def test_unique_body_without_an_earlier_message_is_the_whole_body(new: str) -> None:
    body = {"contentType": "text", "content": new}
    assert unique_body(body, []) == body
    assert unique_body(body, [{"contentType": "text", "content": "short"}]) == body

"""Teams end to end: the bot against the sandbox's Bot Connector, a real worker and workflow.

A person who prefers Teams gets the expectation as a card, answers it, gets check-in cards
at working-hours times and answers them; the workflow moves exactly as with email. When the
bot cannot reach them, the message goes by email and the manager is told once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import pytest_asyncio
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from domain.models import CheckInAnswer, CommitmentStatus, Person
from domain.preferences import Channel
from domain.working_time import PersonSchedule, next_reachable
from sandbox.server import SandboxServer
from tests.support.lifecycle import spec_for, start_commitment
from tests.support.mailboxes import from_agent
from tests.support.people import MANAGER, SAM
from tests.support.polling import eventually, when_time_has_passed
from tests.support.teams import TeamsStack, card_of, card_text
from tests.support.temporal import time_skipping_server
from workflows.commitment.contracts import CommitmentView
from workflows.commitment.workflow import CommitmentWorkflow

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")
NEW_YORK = ZoneInfo("America/New_York")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def temporal_env(data_converter: DataConverter) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this module's own: skips elsewhere walk no timers here."""
    async with time_skipping_server(data_converter) as env:
        yield env


def _schedule(sandbox: SandboxServer, address: str) -> PersonSchedule:
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(address)["id"]
    return PersonSchedule.from_graph(sandbox.state.directory.mailbox_settings(user_id))


def _in_working_hours(activity: dict[str, Any]) -> bool:
    local = datetime.fromisoformat(activity["timestamp"]).astimezone(NEW_YORK)
    return local.weekday() < 5 and 9 <= local.hour < 17


async def test_a_teams_person_answers_cards_and_the_workflow_moves_as_with_email(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    teams: TeamsStack,
    sandbox: SandboxServer,
) -> None:
    await teams.say(SAM, "prefer teams")
    replies = [a["text"] for a in await teams.chat(SAM) if a["sender"] == "bot"]
    assert any("here in Teams" in (text or "") for text in replies)
    assert (await teams.people.get(SAM)).channel is Channel.TEAMS

    now = await temporal_env.get_current_time()
    handle = await start_commitment(
        temporal_env.client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=10)), now
    )
    reachable = next_reachable(now, _schedule(sandbox, SAM))
    assert reachable is not None
    await temporal_env.sleep(reachable - now + timedelta(hours=1))
    (expectation,) = await eventually(lambda: teams.cards(SAM), timeout=60)
    assert _in_working_hours(expectation)
    card = card_of(expectation)
    assert "Draft the Q1 budget" in card_text(card)
    assert [action["title"] for action in card["actions"]] == ["Accept", "Let's talk"]
    assert not from_agent(sandbox, SAM), "Teams alone: no email"

    answer = await teams.press(SAM, expectation, "Accept")
    assert answer["status"] == 200
    assert answer["body"]["value"]["body"][0]["items"][0]["text"].startswith("Thanks")
    view: CommitmentView = await handle.query("view", result_type=CommitmentView)
    assert view.status is CommitmentStatus.ACTIVE
    refreshed = (await teams.cards(SAM))[0]
    assert "actions" not in card_of(refreshed), "the answered card has no buttons left"

    await temporal_env.sleep(timedelta(days=4))
    cards = await eventually(lambda: _at_least(teams.cards(SAM), 2), timeout=60)
    check_ins = [c for c in cards[1:] if "On track" in _labels(c)]
    assert check_ins and all(_in_working_hours(c) for c in check_ins)

    answer = await teams.press(SAM, check_ins[0], "On track")
    assert "on track" in answer["body"]["value"]["body"][0]["items"][0]["text"]
    view = await handle.query("view", result_type=CommitmentView)
    assert [c.answer for c in view.check_ins] == [CheckInAnswer.ON_TRACK]

    with pytest.raises(httpx.HTTPStatusError):
        await teams.press(SAM, check_ins[0], "On track")  # answered: no buttons left
    view = await handle.query("view", result_type=CommitmentView)
    assert len(view.check_ins) == 1

    await temporal_env.sleep(timedelta(days=3))
    still_open = await eventually(lambda: _open_check_ins(teams.cards(SAM)), timeout=60)
    answer = await teams.press(SAM, still_open[-1], "Done")
    assert "done" in answer["body"]["value"]["body"][0]["items"][0]["text"]
    result = await handle.result()
    assert result.status is CommitmentStatus.DONE
    thanks = await eventually(lambda: _last_matching(teams.cards(SAM), "Thank you"), timeout=60)
    assert thanks
    assert not from_agent(sandbox, SAM)
    assert any("done" in m["subject"].lower() for m in from_agent(sandbox, MANAGER))


async def test_when_teams_cannot_reach_someone_email_takes_over_and_the_manager_hears_once(
    temporal_env: WorkflowEnvironment,
    task_queue: str,
    teams: TeamsStack,
    sandbox: SandboxServer,
) -> None:
    await teams.say(SAM, "prefer teams")
    # The app is removed and the bot is not told: it finds out from the 403.
    await teams.uninstall(SAM, notify=False)

    now = await temporal_env.get_current_time()
    handle = await start_commitment(
        temporal_env.client, task_queue, spec_for(SAM_PERSON, now + timedelta(days=10)), now
    )
    teams.started.append(handle.id)
    reachable = next_reachable(now, _schedule(sandbox, SAM))
    assert reachable is not None
    await temporal_env.sleep(reachable - now + timedelta(hours=1))
    (expectation,) = await eventually(lambda: from_agent(sandbox, SAM), timeout=60)
    assert "Q1 budget" in expectation["subject"]

    async def manager_notices() -> list[dict[str, Any]]:
        return _fallback_notices(sandbox)

    # The manager hears inside the manager's own hours, which need not overlap Sam's.
    notices = await when_time_has_passed(temporal_env, manager_notices)
    assert len(notices) == 1
    assert (await teams.people.get(SAM)).conversation is None

    await handle.execute_update("accept", {"actor": SAM}, result_type=CommitmentView)
    await temporal_env.sleep(timedelta(days=4))

    async def check_in_by_email() -> bool:
        return len(from_agent(sandbox, SAM)) >= 2

    await when_time_has_passed(temporal_env, check_in_by_email)
    assert len(_fallback_notices(sandbox)) == 1, "the manager is told once"
    view = await handle.query("view", result_type=CommitmentView)
    assert any(entry.kind == "teams_unreachable" for entry in view.history)

    # The patched branch (the manager's notice) replays deterministically.
    history = await handle.fetch_history()
    assert any(event.HasField("marker_recorded_event_attributes") for event in history.events)
    replayer = Replayer(
        workflows=[CommitmentWorkflow], data_converter=temporal_env.client.data_converter
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None


def _fallback_notices(sandbox: SandboxServer) -> list[dict[str, Any]]:
    return [m for m in from_agent(sandbox, MANAGER) if "by email" in m["subject"]]


def _labels(activity: dict[str, Any]) -> list[str]:
    return [action["title"] for action in card_of(activity).get("actions", [])]


async def _open_check_ins(found: Awaitable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    cards = await found
    return [card for card in cards if "Done" in _labels(card)]


async def _at_least(found: Awaitable[list[dict[str, Any]]], n: int) -> list[dict[str, Any]]:
    cards = await found
    return cards if len(cards) >= n else []


async def _last_matching(
    found: Awaitable[list[dict[str, Any]]], text: str
) -> dict[str, Any] | None:
    cards = await found
    matching = [activity for activity in cards if text in card_text(card_of(activity))]
    return matching[-1] if matching else None

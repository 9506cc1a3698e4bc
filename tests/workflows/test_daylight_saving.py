"""Humane timing across daylight-saving changes, on the time-skipping server against the sandbox.

Sam works in New York and Maya in London, 09:00 to 17:00 each. Their clocks move on different
Sundays in March (America on the second, Europe on the last), so for two weeks the gap
between them is four hours instead of five. A commitment runs across both changes and past
its date: every message, and the conversation after the miss, must stay inside each person's
own hours as their clocks say them, before, between and after the changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio.testing import WorkflowEnvironment

from domain.models import Person
from domain.working_time import PersonSchedule, is_reachable
from sandbox.server import SandboxServer
from tests.support.lifecycle import Lifecycle, act, spec_for
from tests.support.mailboxes import from_agent, received_at
from tests.support.people import MANAGER, SAM
from workflows.commitment.contracts import ActorAction, CommitmentView, Release
from workflows.commitment.workflow import CommitmentWorkflow

SAM_PERSON = Person(email=SAM, display_name="Sam Okafor")


def _schedule(sandbox: SandboxServer, address: str) -> PersonSchedule:
    assert sandbox.state is not None
    user_id = sandbox.state.directory.user(address)["id"]
    return PersonSchedule.from_graph(sandbox.state.directory.mailbox_settings(user_id))


def _sundays_of_march(year: int) -> list[datetime]:
    first = datetime(year, 3, 1, tzinfo=UTC)
    return [
        first + timedelta(days=offset)
        for offset in range(31)
        if (first + timedelta(days=offset)).weekday() == 6
    ]


def _changes_after(moment: datetime) -> tuple[datetime, datetime]:
    """The next March in which both changes are at least two weeks after ``moment``.

    America springs forward at 02:00 EST (07:00 UTC) on March's second Sunday; the EU at
    01:00 UTC on its last.
    """
    year = moment.year
    while True:
        sundays = _sundays_of_march(year)
        america = sundays[1].replace(hour=7)
        europe = sundays[-1].replace(hour=1)
        if america - moment > timedelta(days=14):
            return america, europe
        year += 1


async def _sleep_until(env: WorkflowEnvironment, when: datetime) -> None:
    now = await env.get_current_time()
    if when > now:
        await env.sleep(when - now)


async def test_messages_and_the_1_1_stay_in_each_persons_hours_across_both_changes(
    temporal_env: WorkflowEnvironment, lifecycle: Lifecycle, sandbox: SandboxServer
) -> None:
    america, europe = _changes_after(await temporal_env.get_current_time())
    await _sleep_until(temporal_env, america - timedelta(days=10))
    due = europe + timedelta(days=3, hours=16)
    handle = await lifecycle.start(spec_for(SAM_PERSON, due))
    _ = await act(handle, CommitmentWorkflow.accept, ActorAction(actor=SAM))

    # Past the date, unanswered: the supportive conversation is planned after the miss.
    await _sleep_until(temporal_env, due + timedelta(days=6))
    view: CommitmentView = await handle.query(CommitmentWorkflow.view)
    assert view.status.value == "in_conversation", view.status
    assert view.meeting is not None, "no conversation was booked after the miss"
    _ = await act(handle, CommitmentWorkflow.release, Release(actor=MANAGER))
    await handle.result()

    sam, maya = _schedule(sandbox, SAM), _schedule(sandbox, MANAGER)
    to_sam = [received_at(message) for message in from_agent(sandbox, SAM)]
    to_maya = [received_at(message) for message in from_agent(sandbox, MANAGER)]
    assert [at for at in to_sam if not is_reachable(at, sam)] == []
    assert [at for at in to_maya if not is_reachable(at, maya)] == []
    # Sam heard from Accord before, between and after the two changes.
    assert any(at < america for at in to_sam)
    assert any(america < at < europe for at in to_sam)
    assert any(at > europe for at in to_sam)
    # Check-ins keep to Sam's clock, not to a fixed offset from UTC: the same local time of
    # day before and after his clock moved (an offset kept from winter would say 10:00).
    check_ins = [entry.at for entry in view.history if entry.kind == "sent:check_in"]
    assert any(at < america for at in check_ins)
    assert any(at > america for at in check_ins)
    assert len({at.astimezone(sam.zone).strftime("%H:%M") for at in check_ins}) == 1
    slot = view.meeting.slot
    for person in (sam, maya):
        assert is_reachable(slot.start, person)
        assert is_reachable(slot.end - timedelta(minutes=1), person)

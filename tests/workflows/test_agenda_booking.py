"""The offer of a regular 1:1 booked in one click, on the time-skipping server against the sandbox.

The offer workflow and its activities are the real ones (mail, free/busy, the series created
through Graph); the press goes through the API's link route, as the manager's browser sends
it, with the link taken from the offer mail itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.event import Event
from msgraph.generated.models.mailbox_settings import MailboxSettings
from msgraph.generated.models.time_zone_base import TimeZoneBase
from msgraph.generated.models.working_hours import WorkingHours
from msgraph.graph_service_client import GraphServiceClient
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from accord.settings import AccordSettings
from activities.agenda.activities import AgendaActivities
from activities.agenda.booking import OneOnOneBooking
from activities.calendar.activities import CalendarActivities
from activities.directory.activities import DirectoryActivities
from activities.messaging.activities import MessagingActivities
from activities.sending.activities import SendRouting
from domain.action_links import LinkKeyRing
from domain.models import CommitmentStatus, Person
from domain.working_time import WEEKDAYS
from sandbox.directory import folder_id_for
from sandbox.server import SandboxServer
from sandbox.tenant import user_id_for
from tests.support.api import FakeClock, build_app
from tests.support.api_tokens import FakeEntra
from tests.support.people import AGENT, MANAGER, PRIYA, SAM
from workflows.agenda.contracts import (
    OFFER_QUERY,
    OFFER_WORKFLOW,
    PLAN_WORKFLOW,
    AgendaOutcome,
    OfferRun,
    OfferState,
    PlanOutcome,
    PlanRun,
    offer_id_for,
)
from workflows.agenda.workflow import (
    AgendaWorkflow,
    OneOnOneOfferWorkflow,
    OneOnOnePlanWorkflow,
)
from workflows.commitment.contracts import CommitmentView

LONDON = ZoneInfo("Europe/London")
MAYA = Person(email=MANAGER, display_name="Maya Chen")
KEY = b"b" * 32
_LINK = re.compile(r'href="https://a\.test(/a/[^"]+)"')


class NoCommitments:
    """The agenda's commitments: none (only the calendar matters here)."""

    async def commitments_of(
        self, report: str, manager: str, since: datetime
    ) -> list[CommitmentView]:
        del report, manager, since
        return []

    async def status_of(self, commitment_id: str) -> CommitmentStatus | None:
        del commitment_id
        return None


async def office_hours(graph: GraphServiceClient, address: str) -> None:
    await graph.users.by_user_id(address).mailbox_settings.patch(
        MailboxSettings(
            time_zone="Europe/London",
            working_hours=WorkingHours(
                days_of_week=[DayOfWeek(day) for day in WEEKDAYS[:5]],
                start_time=time(9),
                end_time=time(17),
                time_zone=TimeZoneBase(name="Europe/London"),
            ),
        )
    )


@asynccontextmanager
async def offer_worker(
    client: Client, graph: GraphServiceClient, task_queue: str
) -> AsyncIterator[None]:
    messaging = MessagingActivities(
        graph, sender_mailbox=AGENT, links=LinkKeyRing([KEY]), public_url="https://a.test"
    )
    agenda = AgendaActivities(
        client, graph, messaging, NoCommitments(), people=None, task_queue=task_queue
    )
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[OneOnOnePlanWorkflow, AgendaWorkflow, OneOnOneOfferWorkflow],
        activities=[
            DirectoryActivities(graph).get_person_schedule,
            CalendarActivities(graph).find_meeting_slot,
            OneOnOneBooking(graph).book_one_on_one,
            agenda.plan_one_on_ones,
            agenda.send_one_on_one_offer,
            agenda.read_agenda_copy,
            agenda.check_one_on_one,
            agenda.gather_agenda,
            agenda.send_agenda,
            SendRouting(task_queue, [AGENT], enabled=False).send_queue,
        ],
    ):
        yield


@asynccontextmanager
async def browser(
    client: Client, task_queue: str, entra: FakeEntra
) -> AsyncIterator[httpx.AsyncClient]:
    """The API's link routes, as the manager's browser reaches them."""
    settings = AccordSettings(public_url="https://a.test", temporal_task_queue=task_queue)
    app = build_app(settings, client, LinkKeyRing([KEY]), FakeClock(datetime.now(UTC)), entra)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://a.test") as http:
        yield http


async def skip_to(env: WorkflowEnvironment, at: datetime) -> None:
    now = await env.get_current_time()
    if at > now:
        await env.sleep(at - now)


async def next_tuesday_at(env: WorkflowEnvironment, hour: int) -> datetime:
    today = (await env.get_current_time()).astimezone(LONDON).date()
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    return datetime.combine(tuesday, time(hour), LONDON)


async def offered(
    env: WorkflowEnvironment, sandbox: SandboxServer, task_queue: str, report: str, quarter: str
) -> tuple[WorkflowHandle[Any, AgendaOutcome], OfferState, str]:
    """Start an offer, wait for its mail, and return its handle, state and booking link."""
    name = {SAM: "Sam Okafor", PRIYA: "Priya Raman"}[report]
    handle = await env.client.start_workflow(
        OFFER_WORKFLOW,
        OfferRun(manager=MAYA, report=Person(email=report, display_name=name), quarter=quarter),
        id=offer_id_for(MANAGER, report, quarter),
        task_queue=task_queue,
        result_type=AgendaOutcome,
    )
    for _ in range(500):
        state: OfferState = await handle.query(OFFER_QUERY, result_type=OfferState)
        if state.open:
            break
    assert state.open and state.slot is not None
    (mail,) = offers_to_maya(sandbox, name)
    (path,) = _LINK.findall(mail["body"]["content"])
    return handle, state, html.unescape(path)


def offers_to_maya(sandbox: SandboxServer, name: str) -> list[dict[str, Any]]:
    assert sandbox.state is not None
    user = user_id_for(MANAGER)
    return [
        message
        for message in sandbox.state.store.list("messages", user)
        if message.get("subject") == f"A regular 1:1 with {name}?"
        and message["parentFolderId"] == folder_id_for(user, "inbox")
    ]


async def series_of(graph: GraphServiceClient, address: str) -> list[Event]:
    page = await graph.users.by_user_id(address).events.get()
    assert page is not None
    return [event for event in page.value or [] if event.recurrence is not None]


async def test_agenda_offer_booked_in_one_click_once_stale_press_moved_then_planned(
    temporal_env: WorkflowEnvironment,
    sandbox: SandboxServer,
    graph: GraphServiceClient,
    task_queue: str,
    entra: FakeEntra,
) -> None:
    for person in (MANAGER, SAM, PRIYA):
        await office_hours(graph, person)
    tuesday = await next_tuesday_at(temporal_env, 10)
    await skip_to(temporal_env, tuesday)
    async with (
        offer_worker(temporal_env.client, graph, task_queue),
        browser(temporal_env.client, task_queue, entra) as http,
    ):
        sams, sam_offer, sam_link = await offered(temporal_env, sandbox, task_queue, SAM, "2001-Q1")
        priyas, priya_offer, priya_link = await offered(
            temporal_env, sandbox, task_queue, PRIYA, "2001-Q2"
        )
        # Both were offered the same first free half hour of Maya's.
        assert sam_offer.slot is not None and priya_offer.slot == sam_offer.slot
        # Opening the link (as a scanner would) books nothing.
        page = await http.get(sam_link)
        assert page.status_code == 200
        assert "Book a weekly 1:1 with Sam Okafor" in page.text
        assert await series_of(graph, MANAGER) == []
        pressed = await http.post(sam_link)
        assert pressed.status_code == 200
        assert "it&#39;s booked" in pressed.text or "it's booked" in pressed.text
        # The same press again changes nothing.
        again = await http.post(sam_link)
        assert "booked already" in again.text
        # Read, not awaited: awaiting a result lets the server skip time, and Priya's offer
        # would then run out before Maya presses it.
        booked = (await sams.query(OFFER_QUERY, result_type=OfferState)).booking
        assert booked is not None and booked.slot == sam_offer.slot and not booked.moved
        first = sam_offer.slot.start.astimezone(LONDON)
        for address in (MANAGER, SAM):
            (series,) = await series_of(graph, address)
            recurrence = series.recurrence
            assert recurrence is not None and recurrence.pattern is not None
            assert recurrence.pattern.days_of_week == [DayOfWeek(WEEKDAYS[first.weekday()])]
            assert recurrence.pattern.interval == 1
            assert recurrence.range is not None
            assert recurrence.range.start_date == first.date()
            assert recurrence.range.recurrence_time_zone == "Europe/London"
            assert series.start is not None and series.start.date_time is not None
            # Graph answers in UTC unless asked for a zone.
            assert series.start.date_time.startswith(_utc(sam_offer.slot.start)[:16])

        # Priya's offered time is Maya's 1:1 with Sam now; Maya presses at 19:00, and nothing
        # reaches Priya before both are at work.
        await skip_to(temporal_env, tuesday.replace(hour=19))
        pressed = await http.post(priya_link)
        assert pressed.status_code == 200
        assert "it will be booked" in pressed.text
        assert "Wednesday" in pressed.text and "09:00" in pressed.text
        assert await series_of(graph, PRIYA) == []
        moved = (await priyas.result()).booking
        assert moved is not None and moved.moved and moved.slot is not None
        assert moved.slot.start >= sam_offer.slot.end
        assert moved.slot.start.astimezone(LONDON).time() < time(17)
        (series,) = await series_of(graph, PRIYA)
        assert series.start is not None and series.start.date_time is not None
        assert series.start.date_time.startswith(_utc(moved.slot.start)[:16])

        # The next planning finds both 1:1s: their agendas start, and only Lukas (who has
        # none) is offered one.
        planned: PlanOutcome = await temporal_env.client.execute_workflow(
            PLAN_WORKFLOW,
            PlanRun(manager=MANAGER),
            id=f"plan-{task_queue}-booked",
            task_queue=task_queue,
            result_type=PlanOutcome,
        )
        assert planned.agendas_started >= 2
        assert planned.offers_started == 1
    assert len(await series_of(graph, MANAGER)) == 2


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")

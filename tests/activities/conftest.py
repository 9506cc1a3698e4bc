"""Fixtures for activity tests: the activity classes bound to a live sandbox, and a commitment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from msgraph.graph_service_client import GraphServiceClient

from activities.calendar.activities import CalendarActivities
from activities.directory.activities import DirectoryActivities
from activities.messaging.activities import MessagingActivities
from domain.action_links import LinkKeyRing
from domain.models import CommitmentSpec, Person
from sandbox.server import SandboxServer
from tests.support.messaging import LINK_KEY, PUBLIC_URL
from tests.support.people import AGENT, MANAGER, SAM


@pytest.fixture
def key_ring() -> LinkKeyRing:
    return LinkKeyRing([LINK_KEY])


@pytest.fixture
def spec() -> CommitmentSpec:
    return CommitmentSpec(
        title="Ship the budget dashboard",
        description="The quarterly budget view for the leadership meeting.",
        success_criteria="Dashboard live with Q3 numbers",
        owner=Person(email=SAM, display_name="Sam Okafor"),
        manager=Person(email=MANAGER, display_name="Maya Chen"),
        due=datetime.now(UTC) + timedelta(days=14),
    )


@pytest.fixture
def messaging(
    graph: GraphServiceClient, sandbox: SandboxServer, key_ring: LinkKeyRing
) -> MessagingActivities:
    assert sandbox.state is not None
    return MessagingActivities(
        graph,
        sender_mailbox=AGENT,
        links=key_ring,
        public_url=PUBLIC_URL,
        clock=sandbox.state.clock.now,
    )


@pytest.fixture
def calendar(graph: GraphServiceClient) -> CalendarActivities:
    return CalendarActivities(graph)


@pytest.fixture
def directory(graph: GraphServiceClient) -> DirectoryActivities:
    return DirectoryActivities(graph)

"""Intake by email asks the same question as the API: may the sender set the owner one?

Against the sandbox's directory: Maya manages Sam and Priya; Omar manages Elena and Jun.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from msgraph.graph_service_client import GraphServiceClient
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.intake.activities import IntakeActivities
from activities.intake.contracts import NOT_ALLOWED_PROBLEM, DraftsRequest, ResolvedDrafts
from domain.intake.models import Draft, Mailbox, Reading
from sandbox.server import SandboxServer
from tests.support.intake import INTAKE_ID_KEY
from tests.support.people import AGENT, JUN, MANAGER, PRIYA, SAM


def _reading(owner: str) -> Reading:
    return Reading(
        drafts=[
            Draft(
                owner=Mailbox(address=owner),
                title="Draft the Q1 budget",
                success_criteria="A reviewed spreadsheet is shared with finance.",
                due=datetime(2030, 1, 10, 15, tzinfo=UTC),
                due_text="Friday 3pm",
            )
        ]
    )


async def _resolve(
    graph: GraphServiceClient, temporal_env: WorkflowEnvironment, *, sender: str, owner: str
) -> ResolvedDrafts:
    activities = IntakeActivities(
        graph,
        temporal_env.client,
        agent_mailbox=AGENT,
        tenant_domains=["northwind.example"],
        category="Accord",
        task_queue="unused",
        grace_window=timedelta(minutes=15),
        id_key=INTAKE_ID_KEY,
    )
    resolved: ResolvedDrafts = await ActivityEnvironment().run(
        activities.resolve_intake_drafts, DraftsRequest(reading=_reading(owner), manager=sender)
    )
    return resolved


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(
    ("sender", "owner"),
    [
        (JUN, SAM),  # another team
        (PRIYA, SAM),  # a peer
        (SAM, MANAGER),  # a report, to their manager
    ],
)
async def test_a_sender_not_above_the_owner_starts_nothing(
    graph: GraphServiceClient, temporal_env: WorkflowEnvironment, sender: str, owner: str
) -> None:
    resolved = await _resolve(graph, temporal_env, sender=sender, owner=owner)

    assert resolved.problem == NOT_ALLOWED_PROBLEM
    assert resolved.specs == []
    assert resolved.refused_owner is not None and resolved.refused_owner.email == owner


async def test_the_owners_manager_may(
    sandbox: SandboxServer, graph: GraphServiceClient, temporal_env: WorkflowEnvironment
) -> None:
    resolved = await _resolve(graph, temporal_env, sender=MANAGER, owner=SAM)

    assert resolved.problem is None
    [spec] = resolved.specs
    assert (spec.manager.email, spec.owner.email) == (MANAGER, SAM)

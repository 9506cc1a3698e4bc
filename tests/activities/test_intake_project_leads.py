"""By email too, the policy file lets a project lead in its group set expectations.

The sandbox's directory: Maya manages Sam and Priya; Omar manages Elena and Jun. The leads
group (as the directory says, through the memberships given) may set Sam expectations.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from msgraph.graph_service_client import GraphServiceClient
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.intake.activities import IntakeActivities
from activities.intake.contracts import NOT_ALLOWED_PROBLEM, DraftsRequest, ResolvedDrafts
from domain.authorization import AuthorizationPolicy, ProjectLeadGrant
from domain.intake.models import Draft, Mailbox, Reading
from tests.support.intake import INTAKE_ID_KEY
from tests.support.people import AGENT, JUN, PRIYA, SAM

LEADS = "leads-group"


class _Groups:
    async def groups_of(self, email: str) -> frozenset[str]:
        return frozenset({LEADS}) if email == JUN else frozenset()


async def _resolve(
    graph: GraphServiceClient, temporal_env: WorkflowEnvironment, *, sender: str
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
        policy=AuthorizationPolicy(project_leads=(ProjectLeadGrant(LEADS, frozenset({SAM})),)),
        memberships=_Groups(),
    )
    reading = Reading(
        drafts=[
            Draft(
                owner=Mailbox(address=SAM),
                title="Draft the Q1 budget",
                success_criteria="A reviewed spreadsheet is shared with finance.",
                due=datetime(2030, 1, 10, 15, tzinfo=UTC),
                due_text="Friday 3pm",
            )
        ]
    )
    resolved: ResolvedDrafts = await ActivityEnvironment().run(
        activities.resolve_intake_drafts, DraftsRequest(reading=reading, manager=sender)
    )
    return resolved


@pytest.mark.usefixtures("sandbox")
async def test_a_project_lead_in_the_group_may_and_someone_outside_it_may_not(
    graph: GraphServiceClient, temporal_env: WorkflowEnvironment
) -> None:
    by_peer = await _resolve(graph, temporal_env, sender=PRIYA)
    by_lead = await _resolve(graph, temporal_env, sender=JUN)

    assert by_lead.problem is None
    assert [spec.manager.email for spec in by_lead.specs] == [JUN]
    assert by_peer.problem == NOT_ALLOWED_PROBLEM
    assert by_peer.specs == []

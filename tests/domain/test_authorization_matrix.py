"""Who may do what with Sam's commitment: every role by every action, from one policy.

Issue 15, "What to build": an authorization policy enforced in one place. The expected table
is written out here by hand (not read from the policy), so a change to the policy shows up as
a failing row. Sam's chain: Maya (his manager), then Omar; Lukas reports to Sam; Priya is
Sam's peer; Jun leads a project the policy file lets set Sam expectations; Elena is nobody
to Sam; Ines is an Accord admin.
"""

from __future__ import annotations

import pytest

from domain.authorization import (
    WHO_MAY,
    Action,
    AuthorizationPolicy,
    ProjectLeadGrant,
    Requester,
    decide,
)
from domain.lifecycle import actions
from domain.lifecycle.decide import _WHO, POLICY_ACTION
from domain.models import Actor

SAM, MAYA, OMAR, LUKAS, PRIYA, JUN, ELENA, INES = (
    f"{name}@x.test" for name in ("sam", "maya", "omar", "lukas", "priya", "jun", "elena", "ines")
)
CHAINS = {SAM: (MAYA, OMAR), MAYA: (OMAR,), LUKAS: (SAM, MAYA, OMAR), PRIYA: (MAYA, OMAR)}
LEADS = "leads-group"
POLICY = AuthorizationPolicy(project_leads=(ProjectLeadGrant(LEADS, frozenset({SAM})),))
ROLES = {
    "owner": Requester(SAM, chain=CHAINS[SAM]),
    "manager": Requester(MAYA, chain=CHAINS[MAYA]),
    "skip-level manager": Requester(OMAR),
    "peer": Requester(PRIYA, chain=CHAINS[PRIYA]),
    "report": Requester(LUKAS, chain=CHAINS[LUKAS]),
    "admin": Requester(INES, is_admin=True),
    "project lead": Requester(JUN, groups=frozenset({LEADS})),
    "stranger": Requester(ELENA),
}
_ = False
Y = True
# Rows: actions; columns: the roles above, in order.
EXPECTED: dict[Action, tuple[bool, ...]] = {
    #                         owner mgr skip peer rep admin lead stranger
    Action.SET_EXPECTATION: (_, Y, Y, _, _, Y, Y, _),
    Action.ACCEPT: (Y, _, _, _, _, _, _, _),
    Action.LETS_TALK: (Y, _, _, _, _, _, _, _),
    Action.CHECK_IN: (Y, _, _, _, _, _, _, _),
    Action.MARK_DONE: (Y, _, _, _, _, _, _, _),
    Action.REQUEST_SUPPORT: (Y, _, _, _, _, _, _, _),
    Action.PROPOSE_REVISION: (Y, Y, _, _, _, _, _, _),
    Action.AGREE_REVISION: (Y, Y, _, _, _, _, _, _),
    Action.REVISE: (_, Y, _, _, _, _, _, _),
    Action.RELEASE: (_, Y, _, _, _, _, _, _),
    Action.BOOK_CONVERSATION: (_, Y, _, _, _, _, _, _),
    Action.PROMISE_SUPPORT: (_, Y, _, _, _, _, _, _),
    Action.ANSWER_SUPPORT_REQUEST: (_, Y, _, _, _, _, _, _),
}


def test_the_table_covers_every_action() -> None:
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_do_what(role: str, action: Action) -> None:
    decision = decide(
        ROLES[role], action, owner=SAM, owner_chain=CHAINS[SAM], manager=MAYA, policy=POLICY
    )

    assert decision.allowed is EXPECTED[action][list(ROLES).index(role)], decision.reason
    # A refusal always says who can, in words for the person.
    assert decision.allowed or decision.explanation


def test_the_commitment_workflow_applies_the_same_table() -> None:
    # Every person's action the lifecycle knows is named in the policy, and allowed to the
    # same people: links, Teams cards and the API meet one rule.
    people = {kind for kind, who in _WHO.items() if who != (Actor.SYSTEM,)}
    assert people == set(POLICY_ACTION)
    assert set(POLICY_ACTION.values()) == set(WHO_MAY)
    for kind, name in POLICY_ACTION.items():
        assert {actor.value for actor in _WHO[kind]} == {party.value for party in WHO_MAY[name]}
    assert _WHO[actions.Release] == (Actor.MANAGER,)

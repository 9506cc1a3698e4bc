"""The authorization policy: every role against every action (issue 15, "Who may ask whom")."""

from __future__ import annotations

import pytest

from domain.authorization import (
    MANAGER_ACTIONS,
    Action,
    AuthorizationPolicy,
    ProjectLeadGrant,
    Reason,
    Requester,
    decide,
)

# ceo <- maya <- sam <- dev ; ceo <- maya <- priya ; ceo <- omar <- jun
CHAINS = {
    "ceo@x.test": (),
    "maya@x.test": ("ceo@x.test",),
    "omar@x.test": ("ceo@x.test",),
    "sam@x.test": ("maya@x.test", "ceo@x.test"),
    "priya@x.test": ("maya@x.test", "ceo@x.test"),
    "dev@x.test": ("sam@x.test", "maya@x.test", "ceo@x.test"),
    "jun@x.test": ("omar@x.test", "ceo@x.test"),
}
LEADS = "0f7c1b2a-group"
POLICY = AuthorizationPolicy(
    project_leads=(ProjectLeadGrant(group_id=LEADS, people=frozenset({"sam@x.test"})),)
)


def _who(email: str, *, admin: bool = False, lead: bool = False) -> Requester:
    return Requester(
        email=email,
        is_admin=admin,
        groups=frozenset({LEADS}) if lead else frozenset(),
        chain=CHAINS[email],
    )


@pytest.mark.parametrize(
    ("role", "requester", "allowed", "reason"),
    [
        ("manager above", _who("maya@x.test"), True, Reason.ABOVE_OWNER),
        ("skip-level manager", _who("ceo@x.test"), True, Reason.ABOVE_OWNER),
        ("peer", _who("priya@x.test"), False, Reason.NOT_ABOVE_OWNER),
        ("report on their manager", _who("dev@x.test"), False, Reason.OWNER_IS_ABOVE),
        ("self", _who("sam@x.test"), False, Reason.SELF),
        ("admin", _who("jun@x.test", admin=True), True, Reason.ADMIN),
        ("project lead by group", _who("jun@x.test", lead=True), True, Reason.PROJECT_LEAD),
        (
            "lead who reports to the owner",
            _who("dev@x.test", lead=True),
            False,
            Reason.OWNER_IS_ABOVE,
        ),
        ("outsider", _who("jun@x.test"), False, Reason.NOT_ABOVE_OWNER),
    ],
)
def test_who_may_set_sam_an_expectation(
    role: str, requester: Requester, allowed: bool, reason: Reason
) -> None:
    decision = decide(
        requester,
        Action.SET_EXPECTATION,
        owner="Sam@X.test",
        owner_chain=CHAINS["sam@x.test"],
        policy=POLICY,
    )
    assert (decision.allowed, decision.reason) == (allowed, reason), role
    assert bool(decision.explanation) is not allowed


def test_without_a_policy_a_project_lead_is_an_outsider() -> None:
    decision = decide(
        _who("jun@x.test", lead=True),
        Action.SET_EXPECTATION,
        owner="sam@x.test",
        owner_chain=CHAINS["sam@x.test"],
    )
    assert decision.reason is Reason.NOT_ABOVE_OWNER


def test_a_grant_covers_only_the_people_it_names() -> None:
    decision = decide(
        _who("jun@x.test", lead=True),
        Action.SET_EXPECTATION,
        owner="priya@x.test",
        owner_chain=CHAINS["priya@x.test"],
        policy=POLICY,
    )
    assert decision.reason is Reason.NOT_ABOVE_OWNER


@pytest.mark.parametrize("action", sorted(MANAGER_ACTIONS))
@pytest.mark.parametrize(
    ("requester", "allowed"),
    [
        (_who("maya@x.test"), True),
        (_who("ceo@x.test"), False),
        (_who("sam@x.test"), False),
        (_who("jun@x.test", admin=True), False),
        (_who("jun@x.test", lead=True), False),
    ],
)
def test_manager_rights_belong_to_the_commitments_manager(
    action: Action, requester: Requester, allowed: bool
) -> None:
    decision = decide(
        requester,
        action,
        owner="sam@x.test",
        owner_chain=CHAINS["sam@x.test"],
        manager="maya@x.test",
        policy=POLICY,
    )
    assert decision.allowed is allowed


def test_a_policy_document_is_read() -> None:
    policy = AuthorizationPolicy.from_document(
        {"project_leads": [{"group": " AB-12 ", "people": ["Sam@X.test"]}]}
    )
    assert policy == AuthorizationPolicy(
        project_leads=(ProjectLeadGrant(group_id="ab-12", people=frozenset({"sam@x.test"})),)
    )


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"leads": []},
        {"project_leads": {}},
        {"project_leads": [{"group": "g"}]},
        {"project_leads": [{"group": "", "people": []}]},
        {"project_leads": [{"group": "g", "people": ["not an address"]}]},
    ],
)
def test_a_malformed_policy_document_is_refused(document: object) -> None:
    with pytest.raises(ValueError, match=r"must|exactly|only"):
        AuthorizationPolicy.from_document(document)

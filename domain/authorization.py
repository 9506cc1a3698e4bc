"""Who may ask whom: the one authorization policy for commitments. Pure.

An expectation is set only by someone above its owner in the directory's management chain
(their manager, their manager's manager, ...) or by an admin. A report never sets their
manager (or anyone above them) an expectation: they may ask for support instead. An optional
:class:`AuthorizationPolicy` widens the rule for project leads: members of a named Entra
group may set expectations for the people it lists, still never for someone above them.

Once a commitment exists, each action on it belongs to one of its two people (:data:`WHO_MAY`):
the owner accepts, checks in, marks done and asks for support; the manager it was created with
(who passed the check above when it was set) revises, releases, books a conversation and
promises support; either proposes a revision and the other agrees. Nobody else acts on it: not
an admin (who sees everything), not a skip-level manager (who sees it), not a project lead.
Every way in asks :func:`decide` (the API before it sends an update, intake before it starts a
commitment); the commitment workflow applies the same table again (``domain/lifecycle``), so
an action that slipped past a door is still refused.

Everything here is decided from facts the caller gathered (the chains from the directory, the
caller's admin role and groups from their sign-in); nothing is looked up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """What someone wants to do with a commitment."""

    SET_EXPECTATION = "set_expectation"
    """Start a commitment for its owner, becoming its manager."""
    ACCEPT = "accept"
    """Accept the expectation."""
    LETS_TALK = "lets_talk"
    """Ask to talk the expectation (or how it goes) through."""
    CHECK_IN = "check_in"
    """Answer a check-in."""
    MARK_DONE = "mark_done"
    """Report the work done."""
    PROPOSE_REVISION = "propose_revision"
    """Propose a new due date or scope."""
    AGREE_REVISION = "agree_revision"
    """Agree to the revision the other person proposed."""
    REVISE = "revise"
    """Change what a commitment asks for while it is being agreed."""
    RELEASE = "release"
    """Let the owner off a commitment."""
    BOOK_CONVERSATION = "book_conversation"
    """Book a conversation about a commitment."""
    REQUEST_SUPPORT = "request_support"
    """Ask the manager for support (the only way a report asks something of their manager)."""
    PROMISE_SUPPORT = "promise_support"
    """Promise the owner support by a date."""
    ANSWER_SUPPORT_REQUEST = "answer_support_request"
    """Answer the owner's request for support."""


class Party(StrEnum):
    """One of a commitment's two people."""

    OWNER = "owner"
    MANAGER = "manager"


_OWNER = frozenset({Party.OWNER})
_MANAGER = frozenset({Party.MANAGER})
WHO_MAY: dict[Action, frozenset[Party]] = {
    Action.ACCEPT: _OWNER,
    Action.LETS_TALK: _OWNER,
    Action.CHECK_IN: _OWNER,
    Action.MARK_DONE: _OWNER,
    Action.REQUEST_SUPPORT: _OWNER,
    Action.PROPOSE_REVISION: _OWNER | _MANAGER,
    Action.AGREE_REVISION: _OWNER | _MANAGER,
    Action.REVISE: _MANAGER,
    Action.RELEASE: _MANAGER,
    Action.BOOK_CONVERSATION: _MANAGER,
    Action.PROMISE_SUPPORT: _MANAGER,
    Action.ANSWER_SUPPORT_REQUEST: _MANAGER,
}
"""Who may take each action on an existing commitment (every action but setting one)."""

MANAGER_ACTIONS = frozenset(action for action, who in WHO_MAY.items() if who == _MANAGER)
"""The rights a commitment's manager alone holds once it exists."""


class Reason(StrEnum):
    """Why an action is allowed or refused (safe to log and to show)."""

    ADMIN = "admin"
    ABOVE_OWNER = "above_owner"
    PROJECT_LEAD = "project_lead"
    COMMITMENT_MANAGER = "commitment_manager"
    COMMITMENT_OWNER = "commitment_owner"
    SELF = "self"
    OWNER_IS_ABOVE = "owner_is_above"
    NOT_ABOVE_OWNER = "not_above_owner"
    NOT_THE_MANAGER = "not_the_manager"
    NOT_THE_OWNER = "not_the_owner"
    NOT_A_PARTY = "not_a_party"


_REFUSALS: dict[Reason, str] = {
    Reason.SELF: "You can't set yourself an expectation; your manager can, or you can just do it.",
    Reason.OWNER_IS_ABOVE: (
        "You can't set an expectation for someone above you in the organisation. You can ask "
        "them for support instead."
    ),
    Reason.NOT_ABOVE_OWNER: (
        "Only someone above this person in the organisation (their manager, or their "
        "manager's manager) or an Accord admin can set them an expectation."
    ),
    Reason.NOT_THE_MANAGER: "Only the commitment's manager can do this.",
    Reason.NOT_THE_OWNER: "Only the person the commitment is for can do this.",
    Reason.NOT_A_PARTY: (
        "Only the two people of a commitment (its owner and its manager) can act on it; "
        "you can see it, and talk to them."
    ),
}


@dataclass(frozen=True)
class ProjectLeadGrant:
    """Members of an Entra group may set expectations for the people listed.

    Attributes:
        group_id: the Entra group's object id.
        people: lower-cased addresses of the people the group's members may ask.
    """

    group_id: str
    people: frozenset[str]


@dataclass(frozen=True)
class AuthorizationPolicy:
    """How far the default rule is widened; empty: managers above the owner and admins only.

    Attributes:
        project_leads: the groups whose members act as project leads, and for whom.
    """

    project_leads: tuple[ProjectLeadGrant, ...] = ()

    @classmethod
    def from_document(cls, document: Any) -> AuthorizationPolicy:
        """Read a policy from its JSON document (docs/security.md, "Who may ask whom").

        The document looks like ``{"project_leads": [{"group": "<group object id>",
        "people": ["sam@example.com", ...]}]}``.

        Args:
            document: the parsed JSON.

        Returns:
            The policy.

        Raises:
            ValueError: when the document is not shaped like that.
        """
        if not isinstance(document, dict) or set(document) - {"project_leads"}:
            raise ValueError('a policy is an object with only "project_leads"')
        entries = document.get("project_leads", [])
        if not isinstance(entries, list):
            raise ValueError('"project_leads" must be a list')
        grants = []
        for entry in entries:
            if not isinstance(entry, dict) or set(entry) != {"group", "people"}:
                raise ValueError('each project lead grant has exactly "group" and "people"')
            group, people = entry["group"], entry["people"]
            if not isinstance(group, str) or not group.strip():
                raise ValueError('"group" must be a group object id')
            if not isinstance(people, list) or not all(
                isinstance(person, str) and "@" in person for person in people
            ):
                raise ValueError('"people" must be a list of email addresses')
            grants.append(
                ProjectLeadGrant(
                    group_id=group.strip().lower(),
                    people=frozenset(person.strip().lower() for person in people),
                )
            )
        return cls(project_leads=tuple(grants))


@dataclass(frozen=True)
class Requester:
    """Who is asking, as their sign-in (or the directory) names them.

    Attributes:
        email: their address.
        is_admin: whether they hold Accord's admin role.
        groups: object ids of the Entra groups they belong to.
        chain: their own managers, nearest first, as the directory says.
    """

    email: str
    is_admin: bool = False
    groups: frozenset[str] = field(default_factory=frozenset)
    chain: Sequence[str] = ()


@dataclass(frozen=True)
class Decision:
    """The policy's answer.

    Attributes:
        allowed: whether the action may go ahead.
        reason: why, as a short code.
    """

    allowed: bool
    reason: Reason

    @property
    def explanation(self) -> str:
        """Words for the person refused (empty when allowed)."""
        return "" if self.allowed else _REFUSALS[self.reason]


def _normal(address: str) -> str:
    return address.strip().lower()


def decide(
    requester: Requester,
    action: Action,
    *,
    owner: str,
    owner_chain: Sequence[str],
    manager: str | None = None,
    policy: AuthorizationPolicy | None = None,
) -> Decision:
    """Decide whether ``requester`` may do ``action`` on a commitment of ``owner``.

    Args:
        requester: who is asking.
        action: what they want to do.
        owner: the commitment's owner (for a new one: whom it is for).
        owner_chain: the owner's managers, nearest first, as the directory says.
        manager: the commitment's manager, for the actions on an existing one.
        policy: how far project leads widen the rule; ``None``: not at all.

    Returns:
        The decision and its reason.
    """
    me = _normal(requester.email)
    if action is not Action.SET_EXPECTATION:
        return _decide_on_existing(me, action, owner=owner, manager=manager)
    whom = _normal(owner)
    if whom == me:
        return Decision(False, Reason.SELF)
    if requester.is_admin:
        return Decision(True, Reason.ADMIN)
    if me in {_normal(above) for above in owner_chain}:
        return Decision(True, Reason.ABOVE_OWNER)
    if whom in {_normal(above) for above in requester.chain}:
        # Checked before the project-lead widening: no grant lets a report direct their manager.
        return Decision(False, Reason.OWNER_IS_ABOVE)
    groups = {_normal(group) for group in requester.groups}
    for grant in (policy or AuthorizationPolicy()).project_leads:
        if grant.group_id in groups and whom in grant.people:
            return Decision(True, Reason.PROJECT_LEAD)
    return Decision(False, Reason.NOT_ABOVE_OWNER)


def _decide_on_existing(me: str, action: Action, *, owner: str, manager: str | None) -> Decision:
    """Only the commitment's own people act on it, each their own part (:data:`WHO_MAY`)."""
    who = WHO_MAY[action]
    if _normal(owner) == me and Party.OWNER in who:
        return Decision(True, Reason.COMMITMENT_OWNER)
    if manager is not None and _normal(manager) == me and Party.MANAGER in who:
        return Decision(True, Reason.COMMITMENT_MANAGER)
    if _normal(owner) == me or (manager is not None and _normal(manager) == me):
        return Decision(False, Reason.NOT_THE_OWNER if who == _OWNER else Reason.NOT_THE_MANAGER)
    return Decision(False, Reason.NOT_A_PARTY)

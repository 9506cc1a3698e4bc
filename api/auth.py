"""Sign-in and authorization: who is calling, and what they may see.

Every JSON endpoint takes a :data:`PrincipalDep`: the caller's Entra ID access token
(``Authorization: Bearer ...``) is checked for its RS256 signature against the tenant's
published keys, its issuer, audience, tenant, expiry and not-before (with a minute's leeway
for clock skew). There is deliberately no setting that skips these checks: locally the sandbox
plays Entra ID and signs tokens with its own key, so the same code runs everywhere.

People see what is theirs: their own data, that of the people who report to them (directly or
further down, from the directory's manager chain), or everything with the admin app role.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any, cast

import jwt
import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from api.problems import (
    PROBLEM_TYPE_PREFIX,
    Problem,
    ProblemError,
    problem_doc,
    problem_response,
    unavailable_response,
)
from domain.authorization import (
    Action,
    AuthorizationPolicy,
    Decision,
    Reason,
    Requester,
    decide,
)
from integrations.entra.keys import KeysUnavailableError, SigningKeys
from integrations.graph.memberships import GroupMemberships
from integrations.graph.people import OrgChart, managers_above
from workflows.commitment.contracts import Updates

log = structlog.get_logger("accord.api.auth")

LEEWAY_SECONDS = 60
# How far up a manager chain access is looked for; deeper org charts are cut off here.
MAX_CHAIN_DEPTH = 12
REALM = "accord"


class Principal(BaseModel):
    """The signed-in person, as their access token names them."""

    model_config = ConfigDict(frozen=True)

    object_id: str = Field(description="Entra ID object id (`oid`).")
    email: str = Field(description="User principal name, lower-cased (`upn`/`preferred_username`).")
    display_name: str = Field(description="The person's name (`name`), or their email.")
    tenant_id: str = Field(description="The tenant (`tid`).")
    roles: tuple[str, ...] = Field(default=(), description="App roles granted (`roles`).")
    is_admin: bool = Field(default=False, description="Holds Accord's admin app role.")
    groups: frozenset[str] = Field(
        default=frozenset(),
        description="Object ids of the Entra groups the token names (`groups`), lower-cased.",
    )


# Why PyJWT refused a token, in words for the caller and a short code for the logs.
_REJECTIONS: tuple[tuple[type[jwt.PyJWTError], str, str], ...] = (
    (jwt.ExpiredSignatureError, "expired", "The access token has expired."),
    (jwt.ImmatureSignatureError, "not_yet_valid", "The access token is not valid yet."),
    (jwt.InvalidAudienceError, "audience", "The access token is not for Accord."),
    (jwt.InvalidIssuerError, "issuer", "The access token's issuer is not trusted."),
    (jwt.InvalidSignatureError, "signature", "The access token's signature is invalid."),
)


class AuthenticationError(Exception):
    """The request carries no usable token; ``reason`` is a short code safe to log."""

    def __init__(self, reason: str, description: str) -> None:
        super().__init__(description)
        self.reason = reason
        self.description = description


class TokenValidator:
    """Checks access tokens and turns them into a :class:`Principal`."""

    def __init__(
        self,
        keys: SigningKeys,
        *,
        audience: str | list[str],
        tenant_id: str,
        admin_role: str = "Accord.Admin",
        leeway: int = LEEWAY_SECONDS,
    ) -> None:
        self._keys = keys
        self._audience = audience
        self._tenant_id = tenant_id
        self._admin_role = admin_role
        self._leeway = leeway

    async def validate(self, token: str) -> Principal:
        """Check a token's signature and claims.

        Args:
            token: the compact JWT from the ``Authorization`` header.

        Returns:
            The person the token was issued to.

        Raises:
            AuthenticationError: when the token is malformed, wrongly signed, expired, not
                yet valid, or for another issuer, audience or tenant.
            KeysUnavailableError: when the identity provider's keys cannot be fetched.
        """
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthenticationError("malformed", "The access token is malformed.") from None
        if header.get("alg") != "RS256":
            raise AuthenticationError("algorithm", "The access token must be signed with RS256.")
        key_id = header.get("kid")
        key = await self._keys.key(key_id) if isinstance(key_id, str) else None
        if key is None:
            raise AuthenticationError("unknown_key", "The access token's signing key is unknown.")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=await self._keys.issuer(),
                leeway=self._leeway,
                options={"require": ["exp", "iss", "aud", "tid", "oid"]},
            )
        except jwt.MissingRequiredClaimError as exc:
            raise AuthenticationError(
                "missing_claim", f"The access token lacks the {exc.claim!r} claim."
            ) from None
        except jwt.PyJWTError as exc:
            reason, description = next(
                (
                    (reason, description)
                    for kind, reason, description in _REJECTIONS
                    if isinstance(exc, kind)
                ),
                ("invalid", "The access token is not valid."),
            )
            raise AuthenticationError(reason, description) from None
        return self._principal(claims)

    def _principal(self, claims: dict[str, Any]) -> Principal:
        if claims.get("tid") != self._tenant_id:
            raise AuthenticationError("tenant", "The access token is for another tenant.")
        # Never the `email` claim: Entra does not verify it (a user or guest can set it to
        # someone else's address), while `upn` and `preferred_username` are the tenant's own.
        email = next(
            (
                value
                for name in ("upn", "preferred_username")
                if isinstance(value := claims.get(name), str) and "@" in value
            ),
            None,
        )
        object_id = claims.get("oid")
        if email is None or not isinstance(object_id, str):
            # App-only tokens name no person; Accord's API acts only for people.
            raise AuthenticationError("not_a_person", "The access token does not name a person.")
        raw_roles = claims.get("roles", [])
        roles = (
            tuple(role for role in raw_roles if isinstance(role, str))
            if isinstance(raw_roles, list)
            else ()
        )
        raw_groups = claims.get("groups", [])
        # Entra lists groups only when the app registration asks for them, and replaces the
        # list by an overage marker past 200: then no group widens what the person may do.
        groups = (
            frozenset(group.strip().lower() for group in raw_groups if isinstance(group, str))
            if isinstance(raw_groups, list)
            else frozenset()
        )
        name = claims.get("name")
        return Principal(
            object_id=object_id,
            email=email.strip().lower(),
            display_name=name if isinstance(name, str) and name.strip() else email,
            tenant_id=self._tenant_id,
            roles=roles,
            is_admin=self._admin_role in roles,
            groups=groups,
        )


@dataclass(frozen=True)
class AuthContext:
    """What sign-in and authorization need: the token validator and the org chart."""

    validator: TokenValidator
    org: OrgChart


def install_auth(app: FastAPI, context: AuthContext) -> None:
    """Make ``app`` check tokens with ``context`` and answer failures as problems.

    Args:
        app: the application.
        context: the validator and org chart.
    """
    app.state.accord_auth = context
    app.add_exception_handler(AuthenticationError, _on_unauthenticated)
    app.add_exception_handler(KeysUnavailableError, _on_keys_unavailable)


def get_auth(request: Request) -> AuthContext:
    """Return the app's sign-in context."""
    context: AuthContext = request.app.state.accord_auth
    return context


def get_org_chart(request: Request) -> OrgChart:
    """Return the org chart authorization consults."""
    return get_auth(request).org


_bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="An Entra ID access token for Accord's API (the sandbox issues them locally).",
)


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Return the signed-in person, or answer 401.

    Raises:
        AuthenticationError: when the token is missing or not valid.
    """
    if credentials is None:
        raise AuthenticationError("missing", "Sign in: send an Entra ID bearer token.")
    try:
        principal = await get_auth(request).validator.validate(credentials.credentials)
    except AuthenticationError as exc:
        # The reason only: never the token, which is a credential.
        log.info("token_rejected", reason=exc.reason)
        raise
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
OrgChartDep = Annotated[OrgChart, Depends(get_org_chart)]


async def can_view_person(principal: Principal, person_email: str, org: OrgChart) -> bool:
    """Decide whether ``principal`` may see and act on ``person_email``'s data.

    Yes for the person themselves, for anyone above them in the directory's manager chain,
    and for admins.

    Args:
        principal: the signed-in person.
        person_email: whose data it is.
        org: the directory's manager chain.

    Returns:
        Whether access is allowed.

    Raises:
        integrations.graph.people.DirectoryUnavailableError: when the directory cannot answer.
    """
    if principal.is_admin:
        return True
    person = person_email.strip().lower()
    if person == principal.email:
        return True
    seen = {person}
    for _ in range(MAX_CHAIN_DEPTH):
        manager = await org.manager_of(person)
        if manager is None or manager in seen:
            return False
        if manager == principal.email:
            return True
        seen.add(manager)
        person = manager
    return False


async def may_set_expectation(
    principal: Principal,
    owner_email: str,
    org: OrgChart,
    policy: AuthorizationPolicy,
    memberships: GroupMemberships | None = None,
) -> Decision:
    """Decide whether ``principal`` may set ``owner_email`` an expectation.

    The rule is :func:`domain.authorization.decide`'s (docs/security.md, "Who may ask whom");
    this gathers what it needs: both people's management chains from the directory, and
    (only when a project-lead grant could matter) their groups from Graph besides the token's.

    Args:
        principal: the signed-in person.
        owner_email: whom the expectation would be for.
        org: the directory's manager chain.
        policy: how far project leads widen the rule.
        memberships: the groups people belong to, from the directory; unset: the token's only.

    Returns:
        The decision.

    Raises:
        integrations.graph.people.DirectoryUnavailableError: when the directory cannot answer.
    """
    owner_chain = await managers_above(org, owner_email, limit=MAX_CHAIN_DEPTH)
    own_chain = await managers_above(org, principal.email, limit=MAX_CHAIN_DEPTH)
    requester = Requester(
        email=principal.email,
        is_admin=principal.is_admin,
        groups=principal.groups,
        chain=own_chain,
    )
    decision = decide(
        requester, Action.SET_EXPECTATION, owner=owner_email, owner_chain=owner_chain, policy=policy
    )
    if decision.reason is not Reason.NOT_ABOVE_OWNER or memberships is None:
        return decision
    if not any(owner_email.strip().lower() in grant.people for grant in policy.project_leads):
        return decision  # no grant names the owner: no group could widen it, Graph unasked
    groups = await memberships.groups_of(principal.email)
    return decide(
        dataclasses.replace(requester, groups=requester.groups | groups),
        Action.SET_EXPECTATION,
        owner=owner_email,
        owner_chain=owner_chain,
        policy=policy,
    )


# Each workflow update, as the action the policy decides on (domain/authorization.py).
ACTION_OF_UPDATE: dict[str, Action] = {
    Updates.ACCEPT: Action.ACCEPT,
    Updates.LETS_TALK: Action.LETS_TALK,
    Updates.REVISE_EXPECTATION: Action.REVISE,
    Updates.CHECK_IN: Action.CHECK_IN,
    Updates.COMPLETE: Action.MARK_DONE,
    Updates.PROPOSE_REVISION: Action.PROPOSE_REVISION,
    Updates.ACCEPT_REVISION: Action.AGREE_REVISION,
    Updates.REQUEST_CONVERSATION: Action.BOOK_CONVERSATION,
    Updates.RELEASE: Action.RELEASE,
    Updates.PROMISE_SUPPORT: Action.PROMISE_SUPPORT,
    Updates.REQUEST_SUPPORT: Action.REQUEST_SUPPORT,
    Updates.ANSWER_SUPPORT_REQUEST: Action.ANSWER_SUPPORT_REQUEST,
}


def may_act(principal: Principal, update: str, *, owner: str, manager: str) -> Decision:
    """Decide whether ``principal`` may send ``update`` to a commitment of these two people.

    The rule is :func:`domain.authorization.decide`'s: each action belongs to the owner, the
    manager, or either (never an admin, a skip-level manager or a project lead).

    Args:
        principal: the signed-in person.
        update: the workflow update's name (:class:`Updates`).
        owner: the commitment's owner.
        manager: the commitment's manager.

    Returns:
        The decision.
    """
    requester = Requester(email=principal.email, is_admin=principal.is_admin)
    return decide(requester, ACTION_OF_UPDATE[update], owner=owner, owner_chain=(), manager=manager)


def not_allowed(decision: Decision) -> ProblemError:
    """Return the 403 problem for an action the policy refused, saying who can.

    Args:
        decision: the refusal.

    Returns:
        The problem (``/problems/not-allowed``).
    """
    return ProblemError(
        403, "not-allowed", "You can't do this on this commitment", decision.explanation
    )


@dataclass(frozen=True)
class Access:
    """The signed-in person with the org chart at hand, for routes that check access."""

    principal: Principal
    org: OrgChart
    memberships: GroupMemberships | None = None

    async def can_view_person(self, person_email: str) -> bool:
        """See :func:`can_view_person`."""
        return await can_view_person(self.principal, person_email, self.org)


def get_access(request: Request, principal: PrincipalDep, org: OrgChartDep) -> Access:
    """Return the signed-in person's :class:`Access`."""
    memberships: GroupMemberships | None = getattr(request.app.state, "accord_groups", None)
    return Access(principal, org, memberships)


def install_group_memberships(app: FastAPI, memberships: GroupMemberships) -> None:
    """Let project-lead grants find their groups in the directory, not only in tokens.

    Args:
        app: the application.
        memberships: where groups are looked up (bounded and cached by the root).
    """
    app.state.accord_groups = memberships


AccessDep = Annotated[Access, Depends(get_access)]

AUTH_RESPONSES = {
    **problem_doc(401, "Missing, expired or invalid bearer token."),
    **problem_doc(403, "Signed in, but not allowed to do this."),
}
"""The OpenAPI description of sign-in problems, for routes behind :data:`PrincipalDep`."""


def forbidden(detail: str) -> Problem:
    """Return the 403 problem for a signed-in person who may not do something.

    Args:
        detail: what they may not do, without repeating what they sent.

    Returns:
        The problem.
    """
    return Problem(
        type=f"{PROBLEM_TYPE_PREFIX}forbidden",
        title="Not allowed",
        status=403,
        detail=detail,
    )


async def _on_unauthenticated(_request: Request, exc: Exception) -> JSONResponse:
    error = cast(AuthenticationError, exc)
    challenge = f'Bearer realm="{REALM}"'
    if error.reason != "missing":
        # RFC 6750: a token was sent and is not acceptable.
        challenge += f', error="invalid_token", error_description="{error.description}"'
    return problem_response(
        Problem(
            type=f"{PROBLEM_TYPE_PREFIX}unauthenticated",
            title="Sign-in required",
            status=401,
            detail=error.description,
        ),
        headers={"WWW-Authenticate": challenge},
    )


async def _on_keys_unavailable(_request: Request, _exc: Exception) -> JSONResponse:
    return unavailable_response(
        "Sign-in cannot be checked right now. Please try again in a moment."
    )

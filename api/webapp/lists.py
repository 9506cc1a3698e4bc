"""Reading what the web app's pages show: lists from visibility, views, the reader's zone.

Lists come a page at a time from Temporal's visibility (the same queries as
``GET /commitments``), read group by group in the order of what needs attention: one query
per group (``AccordAttention = '…'``, the value the workflow indexes; a commitment started
before that index existed is read in the group its status alone places it in, so none is
left out). A page goes on into the next group when one runs out; its token carries the group
and Temporal's token within it.

Only commitments that can have check-ins (accepted ones) have their
view read, concurrently, for the latest answer and note; the others show what visibility
knows, with the owner's name from the directory. A view that cannot be read costs that card
its answer, not the page.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import structlog
from fastapi import Request
from temporalio.client import Client

from api.auth import Access
from api.page_tokens import (
    InvalidPageTokenError,
    decode_group_page_token,
    encode_group_page_token,
)
from api.webapp.views import DONE_RECENTLY, Card, card
from domain.attention import ATTENTION_ORDER, Attention, statuses_placed_in
from domain.models import CommitmentStatus
from domain.timezones import resolve_zone
from domain.working_time import PersonSchedule
from integrations.graph.people import DirectoryUnavailableError, PeopleDirectory, everyone_below
from workflows import visibility
from workflows.commitment.client import (
    CommitmentFilter,
    CommitmentNotFoundError,
    CommitmentRow,
    CommitmentUnavailableError,
    list_commitments,
    list_query,
    read_view,
)
from workflows.commitment.contracts import ATTENTION_KEY, STATUS_KEY, CommitmentView

log = structlog.get_logger("accord.api.app")

PAGE_SIZE = 25
DONE_PAGE_SIZE = 20
VIEW_WAIT = timedelta(seconds=3)
# At most this many views are asked for at once, so one page cannot crowd out the others.
_CONCURRENT_VIEWS = 16
_FALLBACK_ZONE = "UTC"
# Running commitments are read in this order (a run ending as done is still running briefly).
OPEN_GROUPS: tuple[str, ...] = tuple(group.value for group in ATTENTION_ORDER)


async def schedule_of(request: Request, email: str) -> PersonSchedule | None:
    """Return a person's working hours, zone and absences, or ``None`` when they cannot be read.

    Args:
        request: the request (the digest services, when installed, read mailboxes).
        email: whose schedule.

    Returns:
        The schedule from their mailbox settings.
    """
    services = getattr(request.app.state, "accord_digest", None)
    if services is None:
        return None
    try:
        schedule: PersonSchedule = await services.mailboxes.schedule_of(email)
    except DirectoryUnavailableError:
        log.info("app_schedule_unavailable")
        return None
    return schedule


async def zone_of(request: Request, email: str) -> tuple[ZoneInfo, str]:
    """Return a person's zone from their mailbox settings, or UTC when it cannot be read.

    Args:
        request: the request (the digest services, when installed, read mailboxes).
        email: whose zone.

    Returns:
        The zone and its name.
    """
    schedule = await schedule_of(request, email)
    name = schedule.time_zone if schedule is not None else _FALLBACK_ZONE
    try:
        return resolve_zone(name), name
    except ValueError:
        return resolve_zone(_FALLBACK_ZONE), _FALLBACK_ZONE


async def may_see(access: Access, view: CommitmentView) -> bool:
    """The REST API's rule: owner, manager, anyone above the owner, or an admin.

    Args:
        access: the signed-in person and the org chart.
        view: the commitment.

    Returns:
        Whether they may see (and try to act on) it.
    """
    email = access.principal.email
    if email in {view.spec.owner.email.lower(), view.spec.manager.email.lower()}:
        return True
    return await access.can_view_person(view.spec.owner.email)


async def visible_view(temporal: Client, access: Access, commitment_id: str) -> CommitmentView:
    """Read a commitment the person may see; any other answers as if it did not exist.

    Raises:
        CommitmentNotFoundError: when there is none they may see.
        CommitmentUnavailableError: when it cannot be read now.
    """
    view = await read_view(temporal, commitment_id)
    if not await may_see(access, view):
        raise CommitmentNotFoundError(commitment_id)
    return view


async def team_filter(access: Access) -> CommitmentFilter:
    """Return the team list's scope: everyone below the person, or managed by them.

    Args:
        access: the signed-in person and the org chart.

    Returns:
        The filter (everything, for an admin).
    """
    principal = access.principal
    if principal.is_admin:
        return CommitmentFilter()
    reports = await everyone_below(access.org, principal.email)
    return CommitmentFilter(visible_owners=tuple(reports), visible_manager=principal.email)


@dataclass(frozen=True)
class ListPage:
    """One page of a list, as cards."""

    cards: list[Card]
    next_page: str | None


# Before acceptance there are no check-ins, so visibility alone tells these apart.
_NO_ANSWERS_YET = frozenset({CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.CLARIFYING})


async def _views(temporal: Client, rows: list[CommitmentRow]) -> list[CommitmentView | None]:
    gate = asyncio.Semaphore(_CONCURRENT_VIEWS)

    async def one(row: CommitmentRow) -> CommitmentView | None:
        if row.status in _NO_ANSWERS_YET:
            return None
        async with gate:
            try:
                return await read_view(temporal, row.commitment_id, wait=VIEW_WAIT)
            except (CommitmentNotFoundError, CommitmentUnavailableError):
                return None

    return await asyncio.gather(*(one(row) for row in rows))


async def _promise_status(
    temporal: Client, views: list[CommitmentView | None]
) -> dict[str, CommitmentStatus]:
    """Where each promise of support on the page's owners' work stands (unread ones left out)."""
    gate = asyncio.Semaphore(_CONCURRENT_VIEWS)
    wanted = [promise.support_id for view in views if view is not None for promise in view.support]

    async def one(support_id: str) -> tuple[str, CommitmentStatus | None]:
        async with gate:
            try:
                return support_id, (await read_view(temporal, support_id, wait=VIEW_WAIT)).status
            except (CommitmentNotFoundError, CommitmentUnavailableError):
                return support_id, None

    found = await asyncio.gather(*(one(support_id) for support_id in wanted))
    return {support_id: status for support_id, status in found if status is not None}


async def _names(directory: PeopleDirectory, emails: set[str]) -> dict[str, str]:
    async def one(email: str) -> tuple[str, str]:
        try:
            person = await directory.find(email)
        except DirectoryUnavailableError:
            person = None
        return email, person.display_name if person is not None else email

    return dict(await asyncio.gather(*(one(email) for email in sorted(emails))))


async def list_page(
    temporal: Client,
    directory: PeopleDirectory,
    wanted: CommitmentFilter,
    *,
    page: str | None,
    zone: ZoneInfo,
    now: datetime,
    viewer: str = "",
) -> ListPage:
    """Read one page of open commitments (and, on the first page, those done this week).

    Promises of support are labelled as such, and an owner's card shows the latest open
    promise made to it.

    Args:
        temporal: the Temporal client.
        directory: names the owners of cards without a view.
        wanted: the list's scope.
        page: the previous page's ``next_page``; ``None``: the first page.
        zone: the reader's zone.
        now: the current instant.
        viewer: the reader's email (a promise of theirs reads "You promised …").

    Returns:
        The cards and the next page's token.

    Raises:
        InvalidPageTokenError: when ``page`` is not a token of this list.
        CommitmentUnavailableError: when visibility cannot answer.
    """
    open_query = visibility.all_of(list_query(wanted), visibility.running())
    rows, next_page = await _open_rows(temporal, open_query, page)
    if page is None:
        done_query = visibility.all_of(
            list_query(replace(wanted, status=CommitmentStatus.DONE)),
            visibility.compare("CloseTime", ">=", now - DONE_RECENTLY),
        )
        done, _ = await list_commitments(
            temporal, done_query, page_size=DONE_PAGE_SIZE, page_token=None
        )
        rows += done
    views = await _views(temporal, rows)
    names = await _names(
        directory, {row.owner for row, view in zip(rows, views, strict=True) if view is None}
    )
    promised = await _promise_status(temporal, views)
    cards = [
        card(row, view, zone=zone, now=now, names=names, viewer=viewer, support_status=promised)
        for row, view in zip(rows, views, strict=True)
        if (view.status if view is not None else row.status) is not CommitmentStatus.RELEASED
    ]
    return ListPage(cards=cards, next_page=next_page)


def _group_clause(group: str) -> str:
    indexed = visibility.equals(ATTENTION_KEY.name, group)
    statuses = sorted(status.value for status in statuses_placed_in(Attention(group)))
    if not statuses:
        return indexed
    unindexed = visibility.all_of(
        visibility.is_unset(ATTENTION_KEY.name), visibility.one_of(STATUS_KEY.name, statuses)
    )
    return visibility.any_of(indexed, unindexed)


async def _open_rows(
    temporal: Client, open_query: str, page: str | None
) -> tuple[list[CommitmentRow], str | None]:
    """Read up to a page of running commitments, group after group, from where ``page`` left."""
    index, token = 0, None
    if page is not None:
        group, token = decode_group_page_token(open_query, page)
        if group not in OPEN_GROUPS:
            raise InvalidPageTokenError("from another list")
        index = OPEN_GROUPS.index(group)
    rows: list[CommitmentRow] = []
    while index < len(OPEN_GROUPS):
        group = OPEN_GROUPS[index]
        found, token = await list_commitments(
            temporal,
            visibility.all_of(open_query, _group_clause(group)),
            page_size=PAGE_SIZE - len(rows),
            page_token=token,
        )
        rows += found
        if token is None:
            index += 1
        if len(rows) >= PAGE_SIZE:
            if index == len(OPEN_GROUPS):
                return rows, None
            return rows, encode_group_page_token(open_query, OPEN_GROUPS[index], token)
    return rows, None


__all__ = [
    "InvalidPageTokenError",
    "ListPage",
    "list_page",
    "schedule_of",
    "team_filter",
    "zone_of",
]

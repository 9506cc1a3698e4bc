"""``/people/{email}/reliability``: a person's on-time history, as a trend rather than a score.

Only the person, their manager (their direct manager in the directory) and admins may see
it; anyone else gets 403. Weeks begin on Monday in the person's own zone.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from api.auth import AUTH_RESPONSES, AccessDep
from api.dependencies import ClockDep, ConfigDep, DirectoryDep
from api.digest_services import DigestServicesDep, only_query_parameters
from api.problems import PROBLEM_RESPONSES, ProblemError, problem_doc
from api.schemas import Email
from domain.models import Person
from domain.reliability import (
    DEFAULT_WEEKS,
    ReliabilityHistory,
    RevisionNote,
    Trend,
    person_history,
    support_history,
    window_start,
)
from domain.timezones import resolve_zone

router = APIRouter(
    prefix="/people",
    tags=["reliability"],
    dependencies=[Depends(only_query_parameters("weeks"))],
)
_NOT_YOURS = "Only the person and their manager can see this history."


class WeekPublic(BaseModel):
    """One week of a person's history."""

    week_start: date = Field(description="The Monday the week starts on, in their zone.")
    on_time: int = Field(description="Commitments done by their agreed date.")
    slips: int = Field(description="Agreed dates that passed before the work was done.")
    revisions: int = Field(description="Revised plans agreed.")
    done: int = Field(description="Commitments finished.")
    on_time_rate: float | None = Field(
        description="on_time / (on_time + slips); unset when no date came due."
    )


class ReliabilityPublic(BaseModel):
    """A person's history over recent weeks."""

    person: Person
    trend: Trend = Field(description="Which way the on-time rate is moving over these weeks.")
    weeks: list[WeekPublic] = Field(description="Oldest first.")
    on_time: int
    slips: int
    on_time_rate: float | None
    open_commitments: int
    revisions: list[RevisionNote] = Field(description="Agreed revisions and their reasons.")
    promised: ReliabilityPublic | None = Field(
        default=None,
        description="The same figures over the support this person promised their team. "
        "Shown to the person alone (and to their manager if the organisation turns that on).",
    )


def _public(history: ReliabilityHistory) -> ReliabilityPublic:
    return ReliabilityPublic(
        person=history.person,
        trend=history.trend,
        weeks=[
            WeekPublic(**week.model_dump(), on_time_rate=week.on_time_rate)
            for week in history.weeks
        ],
        on_time=history.on_time,
        slips=history.slips,
        on_time_rate=history.on_time_rate,
        open_commitments=history.open_commitments,
        revisions=history.revisions,
    )


@router.get(
    "/{email}/reliability",
    response_model=ReliabilityPublic,
    responses={
        **AUTH_RESPONSES,
        **PROBLEM_RESPONSES,
        **problem_doc(404, "No such person in the directory."),
        **problem_doc(413, "The body is larger than the API accepts."),
        **problem_doc(503, "The directory or the commitments cannot be read right now."),
    },
)
async def read_reliability(
    email: Annotated[Email, Path(description="The person's email address.")],
    access: AccessDep,
    services: DigestServicesDep,
    directory: DirectoryDep,
    clock: ClockDep,
    config: ConfigDep,
    weeks: Annotated[int, Query(ge=1, le=26, description="How many weeks to show.")] = (
        DEFAULT_WEEKS
    ),
) -> ReliabilityPublic:
    """Show a person's on-time rate, slips and revisions (with reasons) week by week."""
    principal = access.principal
    allowed = (
        principal.is_admin
        or principal.email == email
        or await access.org.manager_of(email) == principal.email
    )
    if not allowed:
        raise ProblemError(403, "forbidden", "Not allowed", _NOT_YOURS)
    person = await directory.find(email)
    if person is None:
        raise ProblemError(404, "person-not-found", "No such person", "No one has this address.")
    now = clock()
    zone = (await services.mailboxes.schedule_of(email)).time_zone
    facts = await services.facts.owned_by(email, window_start(now, resolve_zone(zone), weeks))
    public = _public(person_history(person, facts, now=now, zone=resolve_zone(zone), weeks=weeks))
    # The leader's own mirror: private, unless the organisation shares it one level up.
    if principal.email == email or (
        config.support_trend_to_manager and await access.org.manager_of(email) == principal.email
    ):
        promised = support_history(person, facts, now=now, zone=resolve_zone(zone), weeks=weeks)
        public = public.model_copy(update={"promised": _public(promised)})
    return public

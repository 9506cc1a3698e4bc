"""``/people/me/agenda-copy``: a report chooses to get a copy of their regular 1:1's agenda.

The manager always gets the agenda the working day before a regular 1:1; the report gets a
copy only if they ask for one (decision 41). The choice lives in the person's own workflow
(``set_agenda_copy``), the same place as where their messages go.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from api.auth import AUTH_RESPONSES, PrincipalDep
from api.dependencies import get_config, get_temporal
from api.problems import PROBLEM_RESPONSES, ProblemError, problem_doc
from domain.preferences import PersonRecord
from workflows.person.client import PersonStore, PreferenceRejectedError, TemporalPersonStore

router = APIRouter(prefix="/people/me/agenda-copy", tags=["agenda"])


class PeopleStore(PersonStore, Protocol):
    """Where people's choices live, the agenda copy included."""

    async def set_agenda_copy(self, email: str, wanted: bool) -> PersonRecord:
        """Set whether the person gets a copy of their regular 1:1s' agendas."""
        ...


def get_people_store(request: Request) -> PeopleStore:
    """Return where people's choices live (their person workflows)."""
    return TemporalPersonStore(get_temporal(request), get_config(request).task_queue)


PeopleDep = Annotated[PeopleStore, Depends(get_people_store)]


class AgendaCopy(BaseModel):
    """Whether the signed-in person gets a copy of their regular 1:1's agenda."""

    model_config = ConfigDict(extra="forbid")

    wanted: bool = Field(
        description="True: send me the agenda the working day before each regular 1:1 with "
        "my manager, as my manager gets it."
    )


@router.put(
    "",
    response_model=AgendaCopy,
    responses={
        **AUTH_RESPONSES,
        **PROBLEM_RESPONSES,
        **problem_doc(400, "The body cannot be read as JSON."),
        **problem_doc(409, "The choice could not be saved; the detail says why."),
        **problem_doc(413, "The body is larger than the API accepts."),
    },
)
async def change_agenda_copy(
    update: Annotated[AgendaCopy, Body()], principal: PrincipalDep, people: PeopleDep
) -> AgendaCopy:
    """Choose whether to get a copy of the agenda before each regular 1:1 with your manager."""
    try:
        record = await people.set_agenda_copy(principal.email, update.wanted)
    except PreferenceRejectedError as exc:
        raise ProblemError(409, "preference-rejected", "Not saved", exc.reason) from None
    return AgendaCopy(wanted=record.agenda_copy)

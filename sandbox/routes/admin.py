"""Admin endpoints outside ``/v1.0``: the clock, limits and faults, for tests and the web page."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from sandbox.clock import graph_datetime
from sandbox.config import FaultConfig, LimitsConfig, SandboxConfig
from sandbox.http import state_of
from sandbox.state import SandboxState

router = APIRouter(prefix="/_sandbox", tags=["admin"])
State = Annotated[SandboxState, Depends(state_of)]


class ClockChange(BaseModel):
    """Set the clock to ``now``, or move it forward by ``advance_seconds``."""

    model_config = ConfigDict(extra="forbid")

    now: AwareDatetime | None = None
    advance_seconds: float | None = Field(default=None, ge=0)


def _clock_view(state: SandboxState) -> dict[str, str]:
    return {"now": graph_datetime(state.clock.now())}


@router.get("/clock")
async def get_clock(state: State) -> dict[str, str]:
    """Return the sandbox's current time."""
    return _clock_view(state)


@router.post("/clock")
async def change_clock(change: ClockChange, state: State) -> dict[str, str]:
    """Set or advance the sandbox's clock."""
    if change.now is not None:
        state.clock.set(change.now)
    if change.advance_seconds:
        state.clock.advance(timedelta(seconds=change.advance_seconds))
    return _clock_view(state)


@router.get("/config")
async def get_config(state: State) -> SandboxConfig:
    """Return the limits and faults in force."""
    return state.config


@router.put("/limits")
async def put_limits(limits: LimitsConfig, state: State) -> SandboxConfig:
    """Replace the limits."""
    state.update_config(state.config.model_copy(update={"limits": limits}))
    return state.config


@router.put("/faults")
async def put_faults(faults: FaultConfig, state: State) -> SandboxConfig:
    """Replace the fault rates."""
    state.update_config(state.config.model_copy(update={"faults": faults}))
    return state.config


@router.get("/stats")
async def stats(state: State) -> dict[str, Any]:
    """Return how many requests were throttled and which faults were injected."""
    return {
        "throttled": state.limits.throttled_count,
        "faults": {fault.value: count for fault, count in state.faults.injected.items()},
        "now": graph_datetime(state.clock.now()),
    }

"""Admin endpoints outside ``/v1.0``: the clock, limits and faults, for tests and the web page."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from sandbox.clock import graph_datetime
from sandbox.config import FaultConfig, LimitsConfig, SandboxConfig
from sandbox.http import state_of
from sandbox.mailbox import Mailboxes
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


Address = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)]


class InboundMail(BaseModel):
    """Mail from the internet to people in the tenant; the From line is not checked.

    ``dmarc`` and ``compauth`` are the verdicts Exchange stamps in ``Authentication-Results``
    (it also stamps ``X-MS-Exchange-Organization-AuthAs: Anonymous``); the defaults are what
    a spoofed From in the tenant's own domain gets.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_address: Address = Field(alias="from")
    from_name: str = ""
    to: list[Address] = Field(min_length=1, max_length=50)
    cc: list[Address] = Field(default_factory=list, max_length=50)
    subject: str = Field(default="", max_length=1_000)
    body: str = Field(default="", max_length=4_000_000)
    content_type: Literal["text", "html"] = "text"
    headers: dict[str, str] = Field(default_factory=dict, max_length=100)
    dmarc: Literal["pass", "fail", "none", "bestguesspass"] = "fail"
    compauth: Literal["pass", "fail", "softpass", "none"] = "fail"


def _recipients(addresses: list[str]) -> list[dict[str, Any]]:
    return [{"emailAddress": {"address": address}} for address in addresses]


@router.post("/inbound")
async def receive_inbound(mail: InboundMail, state: State) -> dict[str, list[str]]:
    """Deliver mail as if it came from the internet (a test's way to send spoofed mail)."""
    message = {
        "from": {"emailAddress": {"address": mail.from_address, "name": mail.from_name}},
        "toRecipients": _recipients(mail.to),
        "ccRecipients": _recipients(mail.cc),
        "subject": mail.subject,
        "body": {"contentType": mail.content_type, "content": mail.body},
        "internetMessageHeaders": [
            {"name": name, "value": value} for name, value in mail.headers.items()
        ],
    }
    delivered = Mailboxes(state).receive_from_outside(
        message, dmarc=mail.dmarc, compauth=mail.compauth
    )
    return {"delivered": delivered}


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

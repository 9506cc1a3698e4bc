"""Liveness: answers as long as the process serves requests."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The process is up."""

    status: str = "ok"


@router.get("/healthz")
async def healthz() -> Health:
    """Tell a load balancer or orchestrator that the API process is serving.

    Deliberately checks nothing else: an outage of Temporal or Graph should not get healthy
    API processes restarted.
    """
    return Health()

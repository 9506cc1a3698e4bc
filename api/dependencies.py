"""The API's dependencies, each a function tests can replace via ``app.dependency_overrides``.

:func:`api.app.create_app` keeps what it is given in an :class:`ApiContext` on ``app.state``;
the functions here hand the pieces to routes, typed through the ``*Dep`` aliases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client

from api.config import ApiConfig
from domain.action_links import LinkKeyRing
from integrations.graph.people import PeopleDirectory

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ApiContext:
    """Everything the API was built with."""

    config: ApiConfig
    temporal: Client
    links: LinkKeyRing
    directory: PeopleDirectory
    clock: Clock


def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.accord
    return context


def get_config(request: Request) -> ApiConfig:
    """Return the deployment's configuration the app was built with."""
    return _context(request).config


def get_temporal(request: Request) -> Client:
    """Return the Temporal client."""
    return _context(request).temporal


def get_links(request: Request) -> LinkKeyRing:
    """Return the key ring that verifies action links."""
    return _context(request).links


def get_directory(request: Request) -> PeopleDirectory:
    """Return the people directory."""
    return _context(request).directory


def get_clock(request: Request) -> Clock:
    """Return the clock (a function returning the current, timezone-aware instant)."""
    return _context(request).clock


ConfigDep = Annotated[ApiConfig, Depends(get_config)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
LinksDep = Annotated[LinkKeyRing, Depends(get_links)]
DirectoryDep = Annotated[PeopleDirectory, Depends(get_directory)]
ClockDep = Annotated[Clock, Depends(get_clock)]

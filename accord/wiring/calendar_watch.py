"""The watch on organizers' calendars from the settings: where Graph notifies, what it echoes.

A booked 1:1 is watched for declines through change notifications when Graph can reach the
API: an https ``public_url`` (Graph refuses anything else), or a loopback one, which only the
sandbox notifies. Otherwise the commitments' own look every two hours is all there is.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from temporalio.client import Client

from accord.settings import AccordSettings
from accord.wiring.intake import client_states
from activities.calendar.watch import MeetingWatch
from domain.action_links import LinkKeyRing
from workflows.calendar.contracts import CalendarWatchConfig

NOTIFICATIONS_PATH = "/graph/calendar/notifications"
LIFECYCLE_PATH = "/graph/calendar/lifecycle"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def calendar_watch_config(
    settings: AccordSettings, links: LinkKeyRing
) -> CalendarWatchConfig | None:
    """Return where Graph notifies about organizers' events, or ``None`` when it cannot.

    Args:
        settings: Accord's settings.
        links: the link keys (for the derived ``clientState``, the same as intake's).

    Returns:
        The watch's configuration; ``None`` when Graph cannot reach ``public_url``.
    """
    base = settings.public_url.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme != "https" and (parts.hostname or "").lower() not in _LOOPBACK:
        return None
    return CalendarWatchConfig(
        notification_url=f"{base}{NOTIFICATIONS_PATH}",
        lifecycle_url=f"{base}{LIFECYCLE_PATH}",
        client_state=client_states(settings, links)[0],
        lifetime=settings.subscription_lifetime,
        task_queue=settings.temporal_task_queue,
    )


def meeting_watch(
    settings: AccordSettings, links: LinkKeyRing, client: Client
) -> MeetingWatch | None:
    """Return what registers booked 1:1s with their organizer's watch, or ``None``."""
    config = calendar_watch_config(settings, links)
    return None if config is None else MeetingWatch(client, config)

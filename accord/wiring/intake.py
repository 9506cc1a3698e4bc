"""Intake's wiring from the settings, and the start of the mailbox watches.

Which mailboxes are watched, where Graph notifies, the secret it echoes; and starting the
watches (idempotently) when the worker starts.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode

import structlog
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from accord.settings import AccordSettings
from domain.action_links import LinkKeyRing
from workflows.intake.contracts import (
    WATCH_WORKFLOW,
    WatchConfig,
    WatchInput,
    WatchMode,
    watch_workflow_id,
)

NOTIFICATIONS_PATH = "/graph/notifications"
LIFECYCLE_PATH = "/graph/lifecycle"
CLIENT_STATE_PURPOSE = "graph-client-state"
_FOLDERS = {WatchMode.AGENT_INBOX: ["inbox"], WatchMode.FLAGS: ["sentitems"]}

log = structlog.get_logger("accord.wiring.intake")


def client_states(settings: AccordSettings, links: LinkKeyRing) -> list[str]:
    """Return the ``clientState`` values a notification may carry; the first is used.

    ``ACCORD_WEBHOOK_CLIENT_STATE`` when set; otherwise one derived from each link key, so the
    worker (which subscribes) and the API (which checks) agree without another secret; a
    subscription made under an older link key stays valid while that key is in the ring.
    """
    if settings.webhook_client_state is not None:
        return [settings.webhook_client_state.get_secret_value()]
    return links.derived_secrets(CLIENT_STATE_PURPOSE)


def watched_mailboxes(settings: AccordSettings) -> dict[tuple[str, WatchMode], None]:
    """Return every (mailbox, mode) Accord watches, in a stable order."""
    watched: dict[tuple[str, WatchMode], None] = {
        (settings.agent_mailbox.lower(), WatchMode.AGENT_INBOX): None
    }
    for manager in settings.intake_flag_managers:
        watched[(manager.lower(), WatchMode.FLAGS)] = None
    return watched


def _url(settings: AccordSettings, path: str, mailbox: str, mode: WatchMode) -> str:
    query = urlencode({"mailbox": mailbox, "mode": mode.value})
    return f"{settings.public_url.rstrip('/')}{path}?{query}"


def watch_configs(settings: AccordSettings, links: LinkKeyRing) -> list[WatchConfig]:
    """Return the configuration of every watch the settings ask for.

    Args:
        settings: Accord's settings.
        links: the link keys (for the derived ``clientState``).

    Returns:
        One watch per (mailbox, mode); empty when intake is disabled.
    """
    if not settings.intake_enabled:
        return []
    state = client_states(settings, links)[0]
    return [
        WatchConfig(
            mailbox=mailbox,
            mode=mode,
            notification_url=_url(settings, NOTIFICATIONS_PATH, mailbox, mode),
            lifecycle_url=_url(settings, LIFECYCLE_PATH, mailbox, mode),
            client_state=state,
            category=settings.intake_category,
            folders=_FOLDERS[mode],
            lifetime=settings.subscription_lifetime,
            task_queue=settings.temporal_task_queue,
        )
        for mailbox, mode in watched_mailboxes(settings)
    ]


async def ensure_watches(client: Client, configs: list[WatchConfig]) -> None:
    """Start each watch unless it is running already (fixed ids: safe on every start).

    Args:
        client: the Temporal client.
        configs: the watches, from :func:`watch_configs`.
    """
    for config in configs:
        workflow_id = watch_workflow_id(config.mailbox, config.mode, config.task_queue)
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await client.start_workflow(
                WATCH_WORKFLOW,
                WatchInput(config=config),
                id=workflow_id,
                task_queue=config.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            )
        log.info("mailbox_watch_running", workflow_id=workflow_id, mode=config.mode.value)

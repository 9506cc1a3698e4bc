"""Which settings each command reads, named in its ``--help``: the one table of them.

Settings are grouped by the start of their field names in accord/settings.py, so a new
setting joins its group's commands by its name; tests/accord/test_cli_help.py checks that
every setting belongs to a group, that every group names a setting, and that each command's
help lists its variables.
"""

from __future__ import annotations

import textwrap

from accord.settings import ENV_PREFIX, SECRETS_DIR_VARIABLE, AccordSettings

GROUPS: dict[str, tuple[str, ...]] = {
    "logging": ("log_",),
    "data": ("data_dir",),
    "sandbox": ("sandbox_",),
    "graph": ("graph_",),
    "temporal": ("temporal_", "payload_keys"),
    "commitments": ("commitment_",),
    "links": ("public_url", "link_keys"),
    "mail": ("agent_mailbox", "sending_mailboxes", "mail_", "mailbox_"),
    "intake": ("intake_", "webhook_client_state", "subscription_lifetime"),
    "worker": ("worker_", "tracing_"),
    "agenda": ("agenda_",),
    "api": ("api_", "auth_", "addin_"),
    "codec": ("codec_",),
    "teams": ("teams_",),
    "up": ("up_",),
}
"""Groups of settings: a field belongs to a group when its name is, or starts with, an entry
ending in ``_`` (else equals it)."""

_SERVICE = (
    "logging",
    "data",
    "sandbox",
    "graph",
    "temporal",
    "commitments",
    "links",
    "mail",
    "intake",
    "teams",
)
COMMANDS: dict[str, tuple[str, ...]] = {
    "sandbox": ("logging", "data", "sandbox"),
    "worker": (*_SERVICE, "worker", "agenda"),
    "api": (*_SERVICE, "api"),
    "up": (*_SERVICE, "worker", "agenda", "api", "up"),
    "codec-server": ("logging", "data", "temporal", "api", "codec"),
    "addin-manifest": ("logging", "links", "api"),
    "teams-package": ("logging", "links", "teams"),
    "login": ("logging", "data", "sandbox", "graph", "api"),
    "sandbox-token": ("logging", "data", "sandbox", "graph", "api"),
    "commitments": ("logging", "data", "links"),
    "keys": ("logging", "data", "temporal"),
    "doctor": (*_SERVICE,),
    "setup-tenant": ("logging", "graph", "links", "mail", "api", "codec", "teams"),
}
"""The groups of settings each command reads."""


def _in_group(field: str, group: str) -> bool:
    return any(
        field.startswith(entry) if entry.endswith("_") else field == entry
        for entry in GROUPS[group]
    )


def group_fields(group: str) -> list[str]:
    """Return the settings' field names in a group, in accord/settings.py's order."""
    return [field for field in AccordSettings.model_fields if _in_group(field, group)]


def command_variables(command: str) -> list[str]:
    """Return the environment variables a command reads, in accord/settings.py's order.

    Args:
        command: the command's name, e.g. ``worker``.

    Returns:
        The variables, e.g. ``ACCORD_TEMPORAL_ADDRESS``.
    """
    fields = {field for group in COMMANDS[command] for field in group_fields(group)}
    return [
        f"{ENV_PREFIX}{field.upper()}" for field in AccordSettings.model_fields if field in fields
    ]


def settings_epilog(command: str) -> str:
    """Return the paragraph a command's ``--help`` ends with, naming the settings it reads."""
    variables = ", ".join(command_variables(command))
    text = (
        f"Settings it reads (environment variables, or files named like them in "
        f"{SECRETS_DIR_VARIABLE}; docs/configuration.md explains each): {variables}."
    )
    return textwrap.fill(text, width=88, break_on_hyphens=False)

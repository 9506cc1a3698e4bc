"""Starting the sandbox misconfigured, the ways a real tenant can be: for ``accord doctor``.

``accord sandbox --misconfigure missing-role --misconfigure no-access-policy`` gives a
tenant whose app lacks a Graph permission and whose mailboxes are all open to the app; the
doctor's tests use the same names.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sandbox.config import SandboxConfig

MISSING_ROLE = "missing-role"
NO_ACCESS_POLICY = "no-access-policy"
UNREACHABLE_WEBHOOK = "unreachable-webhook"
MISCONFIGURATIONS = (MISSING_ROLE, NO_ACCESS_POLICY, UNREACHABLE_WEBHOOK)
"""What ``--misconfigure`` accepts."""

WITHHELD_ROLE = "Mail.Send"
"""The permission ``missing-role`` leaves out of the app's tokens: the one every send needs."""


def configured(
    config: SandboxConfig,
    misconfigurations: Collection[str] = (),
    *,
    access_policy: Sequence[str] | None = None,
) -> SandboxConfig:
    """Return the sandbox's settings with the misconfigurations asked for, and no others.

    Args:
        config: the settings in force (saved with the sandbox's data).
        misconfigurations: names from :data:`MISCONFIGURATIONS`.
        access_policy: the mailboxes the application access policy is scoped to; unset:
            the saved policy stays (``no-access-policy`` removes it).

    Returns:
        The new settings.

    Raises:
        ValueError: for a name that is not a misconfiguration.
    """
    unknown = set(misconfigurations) - set(MISCONFIGURATIONS)
    if unknown:
        raise ValueError(f"unknown misconfiguration: {', '.join(sorted(unknown))}")
    allowed = config.allowed_senders if access_policy is None else list(access_policy)
    return config.model_copy(
        update={
            "missing_app_roles": [WITHHELD_ROLE] if MISSING_ROLE in misconfigurations else [],
            "allowed_senders": None if NO_ACCESS_POLICY in misconfigurations else allowed,
            "receivers_unreachable": UNREACHABLE_WEBHOOK in misconfigurations,
        }
    )

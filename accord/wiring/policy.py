"""The authorization policy file, read once by each root that decides who may ask whom."""

from __future__ import annotations

import json

from accord.settings import AccordSettings
from domain.authorization import AuthorizationPolicy

__all__ = ["authorization_policy"]


def authorization_policy(settings: AccordSettings) -> AuthorizationPolicy:
    """Return the policy that widens who may set whom an expectation (empty when unset).

    Args:
        settings: Accord's settings (``auth_policy_file``).

    Returns:
        The policy.

    Raises:
        ValueError: when the file cannot be read or is not a policy; the API does not start
            with a policy it cannot follow.
    """
    if settings.auth_policy_file is None:
        return AuthorizationPolicy()
    try:
        document = json.loads(settings.auth_policy_file.read_text(encoding="utf-8"))
        return AuthorizationPolicy.from_document(document)
    except (OSError, ValueError) as exc:
        raise ValueError(f"auth_policy_file is not a usable policy: {exc}") from exc

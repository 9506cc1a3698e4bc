"""The sandbox (a fake Microsoft 365 for development) is loaded by name, only where used.

Production installs do not ship it, and no production module imports it (the import
contracts in pyproject.toml check that): ``accord up``, ``accord sandbox`` and Graph without
``ACCORD_GRAPH_BASE_URL`` load its modules through :func:`load_sandbox` when they run.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class SandboxMissingError(Exception):
    """The sandbox is not installed: this is a production install, not a clone."""


def load_sandbox(module: str) -> ModuleType:
    """Import a module of the sandbox.

    Args:
        module: its name inside the ``sandbox`` package, e.g. ``"tenant"``.

    Returns:
        The module.

    Raises:
        SandboxMissingError: when the sandbox is not installed.
    """
    name = f"sandbox.{module}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        # Only the sandbox's own packages count: a dependency missing inside it is a broken
        # install, and says so itself.
        missing = exc.name or ""
        if name != missing and not name.startswith(f"{missing}."):
            raise
        raise SandboxMissingError(f"the sandbox ({name}) is not installed") from None

"""Every ``workflow.patched`` id of Accord's workflows, named once.

A patch id is written into the history of each run that takes the new path, and replay
looks for it by name: an id must never change, and one is retired only through
``workflow.deprecate_patch`` once no run from before it is left (docs/workflows.md,
"Changing workflow code safely").
"""

from __future__ import annotations

REFRESH_HISTORY_ON_REQUEST = "refresh-history-on-request"
"""Marks the commitment runs that continued as new because an operator asked
(``refresh_history``; see :mod:`workflows.refresh`)."""
TEAMS_FALLBACK_NOTICE = "teams-fallback-notice"
"""Marks the commitment runs that tell the manager, once, when Teams could not reach an owner
who wants Teams alone."""

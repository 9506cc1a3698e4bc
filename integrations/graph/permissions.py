"""The Microsoft Graph application permissions Accord's calls need: the one list.

``accord setup-tenant`` prints the commands that grant them and ``accord doctor`` checks the
token's ``roles`` claim against them, so neither can drift from the other. When an activity
starts calling Graph in a new way, its permission goes here.
"""

from __future__ import annotations

from dataclasses import dataclass

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
"""Microsoft Graph's application id, the API the permissions belong to."""


@dataclass(frozen=True)
class Permission:
    """One application permission (an app role of Microsoft Graph).

    Attributes:
        name: the permission, as the ``roles`` claim carries it, e.g. ``Mail.Send``.
        why: what Accord does with it, for people granting it.
        also_met_by: broader permissions that include this one.
        teams_only: needed only when Teams is on (``ACCORD_TEAMS_APP_ID`` set).
    """

    name: str
    why: str
    also_met_by: tuple[str, ...] = ()
    teams_only: bool = False

    def met_by(self, roles: set[str]) -> bool:
        """Whether a token holding ``roles`` has this permission."""
        return self.name in roles or not roles.isdisjoint(self.also_met_by)


GRAPH_APPLICATION_PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        "User.Read.All",
        "look people up by address; read a person's manager and direct reports",
        also_met_by=("User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"),
    ),
    Permission(
        "MailboxSettings.Read",
        "read time zones, working hours and automatic replies",
        also_met_by=("MailboxSettings.ReadWrite",),
    ),
    Permission("Mail.Send", "send from the sending mailboxes; answer intake emails"),
    Permission(
        "Mail.Read",
        "look through Sent Items before a send (exactly once); read mail sent to the agent "
        "and managers' flagged mail; subscribe to new mail",
        also_met_by=("Mail.ReadWrite",),
    ),
    Permission(
        "Calendars.ReadWrite",
        "free/busy (getSchedule); put the 1:1 on the manager's calendar; follow and cancel it",
    ),
    Permission(
        "GroupMember.Read.All",
        "find whether an address an email is sent to is a group, and who is in it (intake); "
        "which groups a project lead is in (authorization)",
        also_met_by=("Group.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"),
    ),
    Permission(
        "TeamsActivity.Send",
        "questions in a person's Teams activity feed",
        teams_only=True,
    ),
)
"""Every application permission Accord's Graph calls need."""


def required_permissions(*, teams: bool) -> tuple[Permission, ...]:
    """Return the permissions a deployment needs.

    Args:
        teams: whether Teams is on.

    Returns:
        The permissions, in :data:`GRAPH_APPLICATION_PERMISSIONS` order.
    """
    return tuple(p for p in GRAPH_APPLICATION_PERMISSIONS if teams or not p.teams_only)

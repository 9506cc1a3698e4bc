"""The sandbox tenant: users, managers, time zones, working hours and out-of-office.

A tenant file (JSON or YAML) seeds a fresh sandbox; the built-in demo tenant is the default.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

_ID_NAMESPACE = uuid.UUID("6f9d3f4e-2b1c-4c9a-9a57-0c1b7d5e8a11")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


class TenantError(ValueError):
    """Raised when a tenant file cannot be read; the message says where and why."""


class WorkingHoursSeed(BaseModel):
    """A user's working hours as the tenant file gives them."""

    model_config = ConfigDict(extra="forbid")

    days: list[str] = Field(default_factory=lambda: list(WEEKDAYS))
    start: str = "09:00"
    end: str = "17:00"


class OutOfOfficeSeed(BaseModel):
    """Automatic replies as the tenant file gives them."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["disabled", "alwaysEnabled", "scheduled"] = "scheduled"
    start: datetime | None = None
    end: datetime | None = None
    message: str = "I am away and will reply when I am back."


class UserSeed(BaseModel):
    """One user of the tenant file."""

    model_config = ConfigDict(extra="forbid")

    upn: str
    display_name: str
    job_title: str | None = None
    manager: str | None = Field(default=None, description="The manager's UPN.")
    time_zone: str = "UTC"
    working_hours: WorkingHoursSeed = Field(default_factory=WorkingHoursSeed)
    out_of_office: OutOfOfficeSeed | None = None
    app_roles: list[str] = Field(
        default_factory=list,
        description="Accord's app roles granted to the user (e.g. Accord.Admin), as Entra ID "
        "puts them in the `roles` claim of the user's tokens for Accord's API.",
    )
    mailbox_purpose: Literal["user", "shared", "room", "equipment"] = Field(
        default="user",
        description="Graph's mailboxSettings.userPurpose: `shared` for a shared mailbox "
        "(a team's desk that no one person answers for), `room` or `equipment` for resources.",
    )


class GroupSeed(BaseModel):
    """A distribution list (or Microsoft 365 group) of the tenant file: its members by UPN."""

    model_config = ConfigDict(extra="forbid")

    mail: str
    display_name: str
    members: list[str] = Field(default_factory=list, description="The members' UPNs.")
    unified: bool = Field(
        default=False, description="A Microsoft 365 group (else a distribution list)."
    )


class FederatedCredentialSeed(BaseModel):
    """A federated identity credential of an app (workload identity: a Kubernetes issuer)."""

    model_config = ConfigDict(extra="forbid")

    issuer: str = Field(description="The issuer of the tokens, e.g. the AKS OIDC issuer URL.")
    subject: str = Field(description="e.g. system:serviceaccount:accord:accord-worker")
    signing_key: str = Field(
        description="The issuer's public key (PEM): the sandbox fetches no issuer's keys."
    )


class AppSeed(BaseModel):
    """An app registration that may ask the sandbox for tokens."""

    model_config = ConfigDict(extra="forbid")

    client_id: str
    display_name: str = "Accord"
    certificates: list[str] = Field(
        default_factory=list,
        description="Certificates (PEM) the app may sign client assertions with, as "
        "uploaded under Certificates & secrets; a client secret is accepted as well.",
    )
    federated_credentials: list[FederatedCredentialSeed] = Field(default_factory=list)


class TenantSeed(BaseModel):
    """A whole tenant file."""

    model_config = ConfigDict(extra="forbid")

    tenant_id: str = "00000000-0000-4000-8000-00000000acc0"
    domain: str
    users: list[UserSeed]
    groups: list[GroupSeed] = Field(default_factory=list)
    apps: list[AppSeed] = Field(default_factory=lambda: [AppSeed(client_id=DEMO_CLIENT_ID)])


DEMO_CLIENT_ID = "5e3c1a2b-7d4f-4e8a-9b61-acc0acc0acc0"
# The application permissions an app-only token carries, as Entra ID puts them in "roles".
GRAPH_APP_ROLES = (
    "Mail.ReadWrite",
    "Mail.Send",
    "Calendars.ReadWrite",
    "MailboxSettings.ReadWrite",
    "User.Read.All",
    "TeamsActivity.Send",
    "GroupMember.Read.All",
)


def user_id_for(upn: str) -> str:
    """Return the stable object id the sandbox gives a user principal name."""
    return str(uuid.uuid5(_ID_NAMESPACE, upn.lower()))


def group_id_for(mail: str) -> str:
    """Return the stable object id the sandbox gives a group's address."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"group:{mail.lower()}"))


def load_tenant_file(path: Path) -> TenantSeed:
    """Read a tenant file.

    Args:
        path: a ``.json``, ``.yaml`` or ``.yml`` file.

    Returns:
        The validated tenant.

    Raises:
        TenantError: when the file is missing, malformed or invalid.
    """
    try:
        text = path.read_text(encoding="utf-8")
        raw: Any = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        return TenantSeed.model_validate(raw)
    except OSError as exc:
        raise TenantError(f"cannot read tenant file {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise TenantError(f"tenant file {path} is not valid JSON or YAML: {exc}") from None
    except ValidationError as exc:
        raise TenantError(f"tenant file {path} is invalid: {exc}") from None


def demo_tenant(now: datetime) -> TenantSeed:
    """Build the demo tenant: a manager and reports in different zones, one away next week.

    Args:
        now: the sandbox's current time; the absence is placed in the following week.

    Returns:
        The demo tenant.
    """
    next_monday = (now + timedelta(days=7 - now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    domain = "northwind.example"
    manager = f"maya.chen@{domain}"
    return TenantSeed(
        domain=domain,
        users=[
            UserSeed(
                upn=manager,
                display_name="Maya Chen",
                job_title="Engineering Manager",
                time_zone="GMT Standard Time",
            ),
            UserSeed(
                upn=f"sam.okafor@{domain}",
                display_name="Sam Okafor",
                job_title="Software Engineer",
                manager=manager,
                time_zone="Eastern Standard Time",
            ),
            UserSeed(
                upn=f"priya.raman@{domain}",
                display_name="Priya Raman",
                job_title="Data Analyst",
                manager=manager,
                time_zone="India Standard Time",
                working_hours=WorkingHoursSeed(start="10:00", end="18:30"),
            ),
            UserSeed(
                upn=f"lukas.weber@{domain}",
                display_name="Lukas Weber",
                job_title="Designer",
                manager=manager,
                time_zone="Europe/Berlin",
                working_hours=WorkingHoursSeed(
                    days=["monday", "tuesday", "wednesday", "thursday"], start="08:00", end="16:00"
                ),
                out_of_office=OutOfOfficeSeed(
                    start=next_monday, end=next_monday + timedelta(days=5)
                ),
            ),
            # A second team, so that one manager's view can be told apart from another's.
            UserSeed(
                upn=f"omar.haddad@{domain}",
                display_name="Omar Haddad",
                job_title="Support Lead",
                time_zone="Pacific Standard Time",
            ),
            UserSeed(
                upn=f"elena.rossi@{domain}",
                display_name="Elena Rossi",
                job_title="Support Engineer",
                manager=f"omar.haddad@{domain}",
                time_zone="W. Europe Standard Time",
            ),
            UserSeed(
                upn=f"jun.park@{domain}",
                display_name="Jun Park",
                job_title="Support Engineer",
                manager=f"omar.haddad@{domain}",
                time_zone="Korea Standard Time",
            ),
            UserSeed(
                upn=f"ines.alvarez@{domain}",
                display_name="Inés Álvarez",
                job_title="People Operations",
                time_zone="Romance Standard Time",
                app_roles=["Accord.Admin"],
            ),
            # A shared mailbox: a desk that several people answer, never one person's request.
            UserSeed(
                upn=f"facilities@{domain}",
                display_name="Facilities desk",
                time_zone="GMT Standard Time",
                mailbox_purpose="shared",
            ),
            UserSeed(
                upn=f"accord@{domain}",
                display_name="Accord",
                job_title="Accountability agent",
                time_zone="UTC",
                working_hours=WorkingHoursSeed(
                    days=[*WEEKDAYS, "saturday", "sunday"], start="00:00", end="23:59"
                ),
            ),
        ],
        groups=[
            # A team list (never one person's request), and a list that is one person's desk.
            GroupSeed(
                mail=f"platform-team@{domain}",
                display_name="Platform team",
                members=[f"sam.okafor@{domain}", f"priya.raman@{domain}", f"lukas.weber@{domain}"],
            ),
            GroupSeed(
                mail=f"forecasting@{domain}",
                display_name="Forecasting",
                members=[f"priya.raman@{domain}"],
            ),
        ],
    )

"""What the API knows of its deployment, handed to it by its composition root.

The API reads no settings: accord/wiring/api.py builds one :class:`ApiConfig` from Accord's
settings when it builds the app, and routes take it through
:data:`api.dependencies.ConfigDep` (tests replace it through
``app.dependency_overrides[get_config]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.authorization import AuthorizationPolicy
from workflows.intake.contracts import WatchMode


@dataclass(frozen=True)
class AddinConfig:
    """The Outlook add-in's sign-in registration (docs/addin.md).

    Attributes:
        client_id: the Entra ID app (client) id of Accord's API; unset: no manifest.
        resource: its Application ID URI; unset: derived from the public URL.
    """

    client_id: str | None = None
    resource: str | None = None


@dataclass(frozen=True)
class AppSignInConfig:
    """How the web app's sign-in page gets a token for Accord's API (docs/app.md, Sign-in).

    Attributes:
        authority: where people sign in, ``https://login.microsoftonline.com/<tenant>``, or
            the local sandbox's plain-http address.
        client_id: the app registration MSAL.js signs in as in a browser (a single-page
            application platform whose redirect URI is ``<public url>/app/signin``); unset:
            only Teams single sign-on is offered.
        scope: the delegated scope asked for (``<Application ID URI>/access_as_user``).
    """

    authority: str = "https://login.microsoftonline.com/organizations"
    client_id: str | None = None
    scope: str = "api://accord/access_as_user"

    @property
    def local(self) -> bool:
        """Whether the authority is the local sandbox (plain http, so MSAL.js is helped)."""
        return self.authority.startswith("http://")


@dataclass(frozen=True)
class WebhookConfig:
    """What Graph's change notifications are checked against.

    Attributes:
        client_states: the ``clientState`` values a notification may carry.
        watched: every (mailbox, mode) Accord watches, mailboxes lower-cased.
    """

    client_states: tuple[str, ...] = ()
    watched: frozenset[tuple[str, WatchMode]] = frozenset()


@dataclass(frozen=True)
class ApiConfig:
    """The deployment, as far as the API's routes need it.

    Attributes:
        public_url: where people reach the API; links and ``Location`` headers start here.
        task_queue: the Temporal task queue workflows are started on.
        agent_mailbox: Accord's own mailbox.
        max_body_bytes: the largest request body accepted.
        addin: the Outlook add-in's registration.
        app_signin: how the web app's sign-in page gets its token.
        webhooks: what Graph's notifications are checked against.
        authorization: how far project leads widen who may set whom an expectation.
        support_trend_to_manager: whether a manager's own manager sees the trend of the
            support they promised their team (off: the manager alone).
        run_events: the run length of the commitments it starts (``CommitmentInput``'s
            ``run_events``; ``None``: one run).
    """

    public_url: str
    task_queue: str
    agent_mailbox: str
    max_body_bytes: int
    addin: AddinConfig = field(default_factory=AddinConfig)
    app_signin: AppSignInConfig = field(default_factory=AppSignInConfig)
    webhooks: WebhookConfig = field(default_factory=WebhookConfig)
    authorization: AuthorizationPolicy = field(default_factory=AuthorizationPolicy)
    support_trend_to_manager: bool = False
    run_events: int | None = None

"""Accord's settings, read from ``ACCORD_*`` environment variables.

Nothing reads the environment at import time: callers ask for settings through
:func:`load_settings`, and the API receives them through a dependency that tests override.
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic_settings
from pydantic import BeforeValidator, Field, SecretStr, ValidationError
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "ACCORD_"
SECRETS_DIR_VARIABLE = "ACCORD_SECRETS_DIR"
"""A directory of files named like the variables (``ACCORD_GRAPH_CLIENT_SECRET``) holding
secrets, e.g. a Kubernetes Secret mounted as a volume; a variable set in the environment wins."""


class SettingsError(Exception):
    """Raised when the environment holds an invalid setting; names each variable at fault."""


def _secret_list(value: Any) -> Any:
    """Read a list of secrets from a JSON list or from comma-separated text.

    Only text is parsed (what the environment holds); a list given in code passes through.
    The messages never quote the value: it is a secret. They are pydantic's custom errors
    rather than ``ValueError`` so that they read without a "Value error," prefix.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        raise PydanticCustomError(
            "secret_list_empty",
            "empty; set a JSON list or comma-separated secrets, or unset it to use a key "
            "generated under the data directory",
        )
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            # The position, not the decoder's message: nothing of the secret is repeated.
            raise PydanticCustomError(
                "secret_list_json",
                "not a valid JSON list (error at character {position})",
                {"position": exc.pos},
            ) from None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise PydanticCustomError("secret_list_json", "not a JSON list of strings")
        return items
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise PydanticCustomError("secret_list_entry", "an entry between commas is empty")
    return items


# Read as plain text rather than decoded as JSON by pydantic-settings, so that both forms
# reach `_secret_list` and a bad value is reported as a validation error naming the variable.
SecretList = Annotated[list[SecretStr], NoDecode, BeforeValidator(_secret_list)]


def _address_list(value: Any) -> Any:
    """Read a list of email addresses (or domains) from a JSON list or comma-separated text."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PydanticCustomError(
                "address_list_json",
                "not a valid JSON list (error at character {position})",
                {"position": exc.pos},
            ) from None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise PydanticCustomError("address_list_json", "not a JSON list of strings")
    else:
        items = text.split(",") if text else []
    return [item.strip().lower() for item in items if item.strip()]


# Plain text in the environment, like SecretList: both forms reach `_address_list`.
AddressList = Annotated[list[str], NoDecode, BeforeValidator(_address_list)]


def _optional_count(value: Any) -> Any:
    """Read an optional count: empty text, ``off`` or ``none`` mean none."""
    if isinstance(value, str) and value.strip().lower() in {"", "off", "none"}:
        return None
    return value


OptionalCount = Annotated[int | None, BeforeValidator(_optional_count)]

COMMITMENT_RUN_EVENTS = 30
"""The default run length of a new commitment (``ACCORD_COMMITMENT_RUN_EVENTS``).

A new run starts with about 15 events and an answered check-in adds about ten, so at 30 a
followed commitment hands over every cycle of a check-in sent and answered, and rests with 15
to 25 events; 20 (a new run after every answer) measured no less (docs/performance.md)."""
LEAST_COMMITMENT_RUN_EVENTS = 20
"""The least run length the setting allows: the least a commitment's input accepts
(``workflows.commitment.contracts.MIN_RUN_EVENTS``; a test keeps the two equal)."""


class AccordSettings(BaseSettings):
    """Every setting Accord reads, with its environment variable ``ACCORD_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    data_dir: Path = Field(default=Path(".accord"), description="Where local state lives.")

    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(default=5001, ge=1, le=65535)
    sandbox_tenant_file: Path | None = Field(
        default=None,
        description="A JSON or YAML tenant that seeds a new sandbox under `accord up` "
        "(default: the demo tenant); the worker and API use its tenant and app ids.",
    )

    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the API's Prometheus /metrics (on api_host, never behind the "
        "ingress); unset: no metrics endpoint.",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where people reach Accord's API; action links in emails point here.",
    )
    link_keys: SecretList = Field(
        default_factory=list,
        description="Secrets (32+ bytes each) that sign action links, as a JSON list or "
        "comma-separated; the first signs. "
        "Unset: a key is generated and kept under data_dir (local use only).",
    )
    agent_mailbox: str = Field(
        default="accord@northwind.example", description="The mailbox Accord sends from."
    )
    sending_mailboxes: AddressList = Field(
        default_factory=list,
        description="Mailboxes that share Accord's sending (Exchange allows each 30 messages a "
        "minute), as a JSON list or comma-separated; each person always hears from the same "
        "one. Empty: agent_mailbox alone.",
    )
    mail_pacing_enabled: bool = Field(
        default=True,
        description="Keep each sending mailbox within mail_messages_per_minute and "
        "mailbox_concurrent_requests, instead of learning the limits from 429s.",
    )
    mail_messages_per_minute: int = Field(
        default=30,
        ge=1,
        description="Messages a sending mailbox submits per minute (Exchange: 30): across "
        "all workers with mail_send_queues, else from each worker (give each its share).",
    )
    mail_send_queues: bool = Field(
        default=True,
        description="Send each sending mailbox's messages from a task queue of its own, "
        "which Temporal limits to mail_messages_per_minute however many workers run.",
    )
    mailbox_concurrent_requests: int = Field(
        default=4,
        ge=1,
        description="Graph requests this worker makes at once per mailbox (Exchange: 4 per app).",
    )
    mail_pacing_max_wait_seconds: float = Field(
        default=15.0,
        ge=0,
        description="A send whose turn is further off is booked and retried then, freeing "
        "its activity slot.",
    )
    agenda_enabled: bool = Field(
        default=True,
        description="Plan the regular 1:1s daily: an agenda the working day before each, and "
        "the offer of a 1:1 where there is none. Off: the worker removes the daily schedule.",
    )
    intake_enabled: bool = Field(
        default=True,
        description="Watch the agent's inbox (and opted-in managers' flags) for new "
        "commitments; the worker starts the watches.",
    )
    intake_grace_window: timedelta = Field(
        default=timedelta(minutes=15),
        description="How long a manager has to correct or cancel a commitment read from "
        "their email before its owner hears of it (ISO 8601 duration or seconds).",
    )
    intake_category: str = Field(
        default="Accord",
        min_length=1,
        description="The Outlook category that, with a flag and a due date, makes a "
        "message a commitment (for managers in intake_flag_managers).",
    )
    intake_flag_managers: AddressList = Field(
        default_factory=list,
        description="Managers who opted in to flag intake, as a JSON list or comma-separated.",
    )
    intake_tenant_domains: AddressList = Field(
        default_factory=list,
        description="Accepted mail domains; senders outside them are never trusted. Unset: "
        "the agent mailbox's domain.",
    )
    webhook_client_state: SecretStr | None = Field(
        default=None,
        description="The secret Graph echoes in every change notification (at most 128 "
        "characters). Unset: derived from the first link key.",
    )
    intake_id_key: SecretStr | None = Field(
        default=None,
        description="The secret (32+ bytes) that keys the ids of email conversations and the "
        "commitments read from them, so no one can compute one. Changing it gives new ids to "
        "new conversations only. Unset: derived from the oldest payload key.",
    )
    subscription_lifetime: timedelta = Field(
        default=timedelta(minutes=4200),
        description="How long each mail subscription is asked to live (Graph allows 4,230 "
        "minutes or more for messages); it is renewed at two thirds of that.",
    )

    temporal_address: str | None = Field(
        default=None, description="host:port of Temporal; unset: `accord up` starts a dev server."
    )
    temporal_namespace: str = "default"
    temporal_task_queue: str = "accord-commitments"
    temporal_tls: bool = False
    temporal_api_key: SecretStr | None = None
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_ca_cert: Path | None = Field(
        default=None,
        description="PEM file of the CA that signed Temporal's server certificate (a "
        "self-hosted cluster with a private CA); unset: the system's roots.",
    )
    temporal_tls_server_name: str | None = Field(
        default=None,
        description="The name Temporal's server certificate is checked against, when it "
        "differs from the address's host.",
    )
    payload_keys: SecretList = Field(
        default_factory=list,
        description="AES-256 keys (base64, 32 bytes) for payload encryption, as a JSON list "
        "or comma-separated; the first encrypts. Unset: a key is generated and kept under "
        "data_dir (local use only).",
    )
    temporal_dev_port: int = Field(
        default=7233,
        ge=1,
        le=65535,
        description="gRPC port of the dev server `accord up` starts (used when "
        "temporal_address is unset).",
    )
    temporal_ui_port: int = Field(
        default=8233, ge=1, le=65535, description="Web UI port of that dev server."
    )

    worker_max_cached_workflows: int = Field(
        default=250,
        ge=0,
        description="Workflows a worker keeps in memory between tasks (about 0.1 MiB each; "
        "see docs/operations.md, Worker memory).",
    )
    commitment_run_events: OptionalCount = Field(
        default=COMMITMENT_RUN_EVENTS,
        ge=LEAST_COMMITMENT_RUN_EVENTS,
        description="History events after which a new commitment's run starts again, "
        "carrying its state, at its next wait with nothing in flight once something has "
        "happened to it: a worker's memory for "
        "a cached run grows with the events it has replayed. Empty or `off`: one run until "
        "Temporal suggests a new one. Read when a commitment starts (API and mail intake).",
    )
    worker_max_concurrent_activities: int = Field(
        default=50, ge=1, description="Activities (Graph calls) a worker runs at once."
    )
    worker_graceful_shutdown_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How long a stopping worker lets running activities finish.",
    )
    worker_max_concurrent_workflow_tasks: int = Field(
        default=100, ge=2, description="Workflow tasks a worker runs at once (fixed tuner)."
    )
    worker_tuner: Literal["fixed", "resource_based"] = Field(
        default="fixed",
        description="`fixed`: the max_concurrent_* slots above; `resource_based`: slots "
        "follow the pod's memory and CPU use towards the targets below.",
    )
    worker_target_memory_usage: float = Field(
        default=0.8, gt=0, le=1, description="Memory share the resource-based tuner aims at."
    )
    worker_target_cpu_usage: float = Field(
        default=0.9, gt=0, le=1, description="CPU share the resource-based tuner aims at."
    )
    worker_http_host: str = Field(
        default="127.0.0.1", description="Where the worker's probe and metrics ports listen."
    )
    worker_health_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the worker's /livez and /readyz; unset: no probe endpoint.",
    )
    worker_metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the worker's Prometheus /metrics; unset: no metrics endpoint.",
    )
    worker_ready_max_poll_age_seconds: float = Field(
        default=150.0,
        gt=0,
        description="A worker is ready while Temporal saw it poll its task queue this recently.",
    )
    tracing_enabled: bool = Field(
        default=False, description="Send OpenTelemetry traces of workflows and activities."
    )
    tracing_otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP traces URL, e.g. http://otel-collector:4318/v1/traces; unset: "
        "the exporter reads OTEL_EXPORTER_OTLP_* variables.",
    )
    tracing_service_name: str = Field(
        default="accord-worker", description="service.name of the traces."
    )
    up_startup_timeout_seconds: float = Field(
        default=90.0, gt=0, description="How long `accord up` waits for each process to be ready."
    )

    graph_base_url: str | None = Field(
        default=None,
        description="Graph's base URL, e.g. https://graph.microsoft.com/v1.0; unset: the sandbox.",
    )
    graph_tenant_id: str | None = None
    graph_client_id: str | None = Field(
        default=None,
        description="The app registration Graph is called as; by default also the bot's app "
        "(teams_app_id) and the Teams app's webApplicationInfo id (one registration).",
    )
    graph_client_secret: SecretStr | None = None
    graph_credential: Literal["secret", "certificate", "workload_identity", "managed_identity"] = (
        Field(
            default="secret",
            description="How Accord proves who it is to Entra ID, for Graph and the bot: "
            "`secret` (graph_client_secret), `certificate` (graph_client_certificate_path), "
            "`workload_identity` (AKS: the federated token file) or `managed_identity`.",
        )
    )
    graph_client_certificate_path: Path | None = Field(
        default=None,
        description="PEM file with the certificate's private key and certificate (or a "
        "PKCS#12 file), for graph_credential=certificate; upload the certificate to the app.",
    )
    graph_client_certificate_password: SecretStr | None = Field(
        default=None, description="The certificate file's password, if it has one."
    )
    graph_federated_token_file: Path | None = Field(
        default=None,
        description="The service account token for graph_credential=workload_identity; unset: "
        "AZURE_FEDERATED_TOKEN_FILE, which AKS's workload identity webhook sets.",
    )
    graph_authority: str | None = Field(
        default=None,
        description="Entra ID's host for app tokens, e.g. https://login.microsoftonline.us "
        "(US Government); unset: https://login.microsoftonline.com.",
    )

    auth_authority: str | None = Field(
        default=None,
        description="Where people sign in, e.g. https://login.microsoftonline.com/<tenant id>; "
        "its /v2.0/.well-known/openid-configuration names the issuer and signing keys. "
        "Unset: login.microsoftonline.com for a real tenant (graph_base_url set), else the "
        "sandbox.",
    )
    auth_tenant_id: str | None = Field(
        default=None,
        description="The tenant tokens must carry (tid); unset: graph_tenant_id, else the "
        "sandbox's tenant.",
    )
    auth_audience: str = Field(
        default="api://accord",
        description="The aud tokens must carry: in Entra ID (v2 tokens), the API app's client "
        "id; the sandbox's tokens carry api://accord.",
    )
    auth_admin_role: str = Field(
        default="Accord.Admin", description="The app role that lets a person see everything."
    )
    auth_policy_file: Path | None = Field(
        default=None,
        description="A JSON file that lets project leads (members of named Entra groups) set "
        "expectations for the people it lists (docs/security.md, 'Who may ask whom'). "
        "Unset: only someone above the owner in the directory, or an admin.",
    )
    auth_cli_client_id: str | None = Field(
        default=None,
        description="The public client app `accord login` signs in as (device code); unset: "
        "the sandbox tenant's app.",
    )
    api_max_body_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Larger request bodies get 413."
    )
    api_support_trend_to_manager: bool = Field(
        default=False,
        description="Show a manager's own manager the trend of the support they promised "
        "their team (GET /people/{email}/reliability); off: the manager alone sees it.",
    )
    addin_client_id: str | None = Field(
        default=None,
        description="The Outlook add-in's single sign-on: the Entra ID client id of Accord's "
        "API registration (GET /addin/manifest.xml needs it).",
    )
    addin_resource: str | None = Field(
        default=None,
        description="That registration's Application ID URI; unset: "
        "api://<public host>/<addin_client_id>.",
    )

    codec_server_host: str = Field(
        default="127.0.0.1", description="Where `accord codec-server` listens."
    )
    codec_server_port: int = Field(
        default=8234, ge=1, le=65535, description="Port of `accord codec-server`."
    )
    codec_cors_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8233", "http://localhost:8233"],
        description="Web origins (the Temporal UI's) allowed to call the codec server, as a "
        'JSON list, e.g. ["https://temporal.example.com"].',
    )
    codec_operator_role: str = Field(
        default="Accord.Operator",
        description="The app role a person needs to decode payloads at the codec server.",
    )

    teams_app_id: str | None = Field(
        default=None,
        description="The Teams bot's Microsoft App ID (the audience of incoming activities); "
        "unset: Teams is off and every message goes by email.",
    )
    teams_app_secret: SecretStr | None = Field(
        default=None,
        description="The bot's client secret; unset: the bot authenticates as Graph's app does "
        "(graph_credential), one registration.",
    )
    teams_token_url: str | None = Field(
        default=None,
        description="The bot's token endpoint; unset: single-tenant, its tenant's "
        "(graph_tenant_id under graph_authority; the sandbox tenant's when Graph is the sandbox).",
    )
    teams_openid_metadata_url: str | None = Field(
        default=None,
        description="OpenID metadata that publishes the Bot Connector's signing keys; unset: "
        "Bot Framework's (the sandbox's when Graph is the sandbox).",
    )
    teams_issuers: list[str] = Field(
        default_factory=list,
        description="Trusted issuers of incoming activities' tokens, as a JSON list; empty: "
        "https://api.botframework.com (the sandbox's when Graph is the sandbox).",
    )
    teams_default_channel: Literal["email", "teams", "both"] = Field(
        default="email",
        description="Where messages go for people who chose nothing (they write "
        "'prefer teams|email|both' to the bot).",
    )


def load_settings() -> AccordSettings:
    """Read and validate the settings from the environment.

    Returns:
        The validated settings.

    Raises:
        SettingsError: when a variable holds an invalid value; the message names it.
    """
    secrets_dir = os.environ.get(SECRETS_DIR_VARIABLE)
    if secrets_dir and not Path(secrets_dir).is_dir():
        raise SettingsError(f"invalid settings: {SECRETS_DIR_VARIABLE}: no directory {secrets_dir}")
    try:
        return AccordSettings(_secrets_dir=secrets_dir) if secrets_dir else AccordSettings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            # The location starts with the field; what follows (an index into a list) is
            # not part of the variable's name.
            field, *within = error["loc"]
            where = f" (at {'.'.join(str(part) for part in within)})" if within else ""
            problems.append(f"{_variable(str(field))}{where}: {error['msg']}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
    except pydantic_settings.SettingsError as exc:
        # pydantic-settings' own error, raised before validation when it cannot decode a
        # variable (JSON for a structured field). It names the field only in its message.
        match = re.search(r'field "(\w+)"', str(exc))
        variable = _variable(match.group(1)) if match else "an ACCORD_* variable"
        raise SettingsError(f"invalid settings: {variable}: cannot be read ({exc})") from None


def _variable(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"

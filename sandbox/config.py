"""Limits and fault injection settings of the sandbox, changeable at run time."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LimitsConfig(BaseModel):
    """Exchange Online's limits, on by default.

    ``time_scale`` shrinks every window (a value of 60 makes "a minute" last one second), so
    benchmarks of pacing can run quickly with the same shape of limits.
    """

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    messages_per_minute: int = Field(default=30, ge=1)
    recipients_per_day: int = Field(default=10_000, ge=1)
    recipients_per_message: int = Field(default=500, ge=1)
    requests_per_ten_minutes: int = Field(default=10_000, ge=1)
    concurrent_requests: int = Field(default=4, ge=1)
    time_scale: float = Field(default=1.0, gt=0)


class FaultConfig(BaseModel):
    """Rates (0 to 1) of injected failures, for reliability tests.

    ``accepted_then_failed_rate`` is the nastiest: the request takes effect, then the client
    sees a 5xx or a dropped connection, so a naive retry duplicates the effect.
    """

    model_config = ConfigDict(extra="forbid")

    service_unavailable_rate: float = Field(default=0.0, ge=0, le=1)
    gateway_timeout_rate: float = Field(default=0.0, ge=0, le=1)
    slow_rate: float = Field(default=0.0, ge=0, le=1)
    slow_seconds: float = Field(default=2.0, ge=0, le=120)
    drop_connection_rate: float = Field(default=0.0, ge=0, le=1)
    accepted_then_failed_rate: float = Field(default=0.0, ge=0, le=1)
    retry_after_seconds: int = Field(default=1, ge=0)
    seed: int | None = None


class SandboxConfig(BaseModel):
    """Everything about the sandbox that tests and the web page may change while it runs."""

    model_config = ConfigDict(extra="forbid")

    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    faults: FaultConfig = Field(default_factory=FaultConfig)
    max_subscription_minutes: int = Field(default=10_080, ge=1)
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    # Exchange's application access policy, as far as sendMail is concerned: the mailboxes the
    # app may send as. None is a tenant with no policy, where an app with Mail.Send may send
    # as anyone (Exchange's default, and the gap `accord doctor` reports).
    allowed_senders: list[str] | None = Field(default=None, max_length=10_000)
    # Misconfigurations `accord doctor` finds (`accord sandbox --misconfigure ...`): Graph
    # application permissions the admin did not grant (left out of app tokens' roles), and
    # notification URLs Graph cannot reach (a firewall in front of the API).
    missing_app_roles: list[str] = Field(default_factory=list, max_length=100)
    receivers_unreachable: bool = False

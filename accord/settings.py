"""Accord's settings, read from ``ACCORD_*`` environment variables.

Nothing reads the environment at import time: callers ask for settings through
:func:`load_settings`, and the API receives them through a dependency that tests override.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "ACCORD_"


class SettingsError(Exception):
    """Raised when the environment holds an invalid setting; names each variable at fault."""


class AccordSettings(BaseSettings):
    """Every setting Accord reads, with its environment variable ``ACCORD_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    data_dir: Path = Field(default=Path(".accord"), description="Where local state lives.")

    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(default=5001, ge=1, le=65535)

    graph_base_url: str | None = Field(
        default=None,
        description="Graph's base URL, e.g. https://graph.microsoft.com/v1.0; unset: the sandbox.",
    )
    graph_tenant_id: str | None = None
    graph_client_id: str | None = None
    graph_client_secret: SecretStr | None = None


def load_settings() -> AccordSettings:
    """Read and validate the settings from the environment.

    Returns:
        The validated settings.

    Raises:
        SettingsError: when a variable holds an invalid value; the message names it.
    """
    try:
        return AccordSettings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            problems.append(f"{ENV_PREFIX}{field.upper()}: {error['msg']}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None

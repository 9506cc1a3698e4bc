"""Everything one running sandbox holds, built once and shared by its routes."""

from __future__ import annotations

from pathlib import Path

from sandbox.auth import TokenIssuer
from sandbox.changes import ChangeHub
from sandbox.clock import SandboxClock
from sandbox.config import SandboxConfig
from sandbox.directory import Directory, seed_tenant
from sandbox.faults import FaultInjector
from sandbox.limits import MailboxLimits
from sandbox.store import Store
from sandbox.tenant import TenantSeed, demo_tenant

_CONFIG_KEY = "config"
_TENANT_KEY = "tenant"


class SandboxState:
    """The sandbox's store, clock, directory, tokens, limits and faults.

    A new data directory is seeded from the tenant (the demo tenant when none is given); an
    existing one keeps its state, so the sandbox carries on after a restart.
    """

    def __init__(
        self,
        data_dir: Path | None,
        *,
        tenant: TenantSeed | None = None,
        public_url: str = "http://127.0.0.1:5001",
        config: SandboxConfig | None = None,
    ) -> None:
        self.store = Store(None if data_dir is None else data_dir / "sandbox.sqlite3")
        self.clock = SandboxClock(self.store)
        self.public_url = public_url.rstrip("/")
        saved_tenant = self.store.get_meta(_TENANT_KEY)
        if saved_tenant is None:
            seed = tenant or demo_tenant(self.clock.now())
            seed_tenant(self.store, seed)
            self.store.set_meta(_TENANT_KEY, seed.model_dump_json())
        else:
            seed = TenantSeed.model_validate_json(saved_tenant)
        self.tenant = seed
        saved_config = self.store.get_meta(_CONFIG_KEY)
        self._config = (
            config
            or (SandboxConfig.model_validate_json(saved_config) if saved_config else None)
            or SandboxConfig()
        )
        self.store.set_meta(_CONFIG_KEY, self._config.model_dump_json())
        self.directory = Directory(self.store)
        self.tokens = TokenIssuer(self.store, seed.tenant_id, self.public_url)
        self.limits = MailboxLimits(lambda: self._config.limits)
        self.faults = FaultInjector(lambda: self._config.faults)
        self.changes = ChangeHub()

    @property
    def config(self) -> SandboxConfig:
        """The limits, faults and other run-time settings in force."""
        return self._config

    def update_config(self, config: SandboxConfig) -> None:
        """Replace the run-time settings and keep them across restarts."""
        self._config = config
        self.store.set_meta(_CONFIG_KEY, config.model_dump_json())
        self.limits.reset()
        self.faults.reseed()

    def close(self) -> None:
        """Release the store."""
        self.store.close()

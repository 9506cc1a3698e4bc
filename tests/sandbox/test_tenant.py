"""Tenant files: the shipped round-the-clock demo tenant loads and seeds a sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from domain.working_time import PersonSchedule, is_reachable
from sandbox.server import SandboxServer
from sandbox.tenant import load_tenant_file

ANYTIME = Path(__file__).parents[2] / "docs" / "tenants" / "anytime.yaml"


def test_the_anytime_tenant_has_everyone_reachable_at_any_hour(tmp_path: Path) -> None:
    tenant = load_tenant_file(ANYTIME)
    with SandboxServer(tmp_path, tenant=tenant) as server:
        assert server.state is not None
        for user in server.state.directory.all_users():
            schedule = PersonSchedule.from_graph(
                server.state.directory.mailbox_settings(user["id"])
            )
            for hour in (0, 7, 13, 22):
                assert is_reachable(datetime(2026, 11, 22, hour, 30, tzinfo=UTC), schedule)

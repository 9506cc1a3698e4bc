"""Take the screenshot of the sandbox's Teams view shown in docs/teams.md (``docs/teams.png``).

Runs the real Teams path on Temporal's time-skipping test server: a sandbox, Accord's API with
the bot, a worker whose messages go to Teams. Sam adds the app, prefers Teams, gets the
expectation card and accepts it (the card refreshes), then a check-in card arrives at his
working hours. Headless Chromium (Debian's ``chromium``) opens his Teams tab and saves a PNG.

    ./dev python scripts/screenshot_teams.py [--out docs/teams.png]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.async_api import async_playwright
from temporalio.testing import WorkflowEnvironment

from domain.models import Person
from domain.working_time import PersonSchedule, next_reachable
from integrations.graph.client import GraphConnection, build_graph_client
from integrations.graph.credentials import SandboxClientCredential
from integrations.temporal.codec import EncryptionCodec, PayloadKeyRing
from integrations.temporal.converter import build_data_converter
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID
from tests.support.browser import launch_chromium
from tests.support.lifecycle import spec_for, start_commitment
from tests.support.people import SAM
from tests.support.polling import eventually
from tests.support.teams import teams_stack
from tests.support.temporal import venv_binary


async def _scene(sandbox: SandboxServer, out: Path) -> None:
    if sandbox.state is None:
        raise RuntimeError("the sandbox did not start")
    converter = build_data_converter(EncryptionCodec(PayloadKeyRing([secrets.token_bytes(32)])))
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"), data_converter=converter
    )
    credential = SandboxClientCredential(
        sandbox.url, sandbox.state.tenant.tenant_id, DEMO_CLIENT_ID, "screenshot-only"
    )
    try:
        graph = build_graph_client(GraphConnection(sandbox.graph_url, credential))
        async with teams_stack(env.client, "screenshot", sandbox, graph) as teams:
            await teams.install(SAM)
            await teams.say(SAM, "prefer teams")
            now = await env.get_current_time()
            sam = Person(email=SAM, display_name="Sam Okafor")
            await start_commitment(
                env.client, "screenshot", spec_for(sam, now + timedelta(days=10)), now
            )
            user_id = sandbox.state.directory.user(SAM)["id"]
            schedule = PersonSchedule.from_graph(sandbox.state.directory.mailbox_settings(user_id))
            reachable = next_reachable(now, schedule) or now
            await env.sleep(reachable - now + timedelta(hours=1))
            (expectation,) = await eventually(lambda: teams.cards(SAM))
            await teams.press(SAM, expectation, "Accept")
            await env.sleep(timedelta(days=4))
            await eventually(lambda: _two(teams.cards(SAM)))
            async with async_playwright() as playwright:
                browser = await launch_chromium(playwright)
                page = await browser.new_page(viewport={"width": 1280, "height": 1100})
                await page.goto(f"{sandbox.url}/web/users/{user_id}/teams")
                await page.screenshot(path=str(out), full_page=True)
                await browser.close()
    finally:
        await credential.close()
        await env.shutdown()


async def _two(found: object) -> bool:
    cards = await found  # type: ignore[misc]
    return len(cards) >= 2


def main() -> None:
    """Write the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/teams.png"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data, SandboxServer(Path(data)) as sandbox:
        asyncio.run(_scene(sandbox, args.out))
    print(f"wrote {args.out}")  # noqa: T201 - a script's one line of output


if __name__ == "__main__":
    main()

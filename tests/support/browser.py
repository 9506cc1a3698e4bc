"""Debian's Chromium, headless, as the page tests and the screenshot script start it."""

from __future__ import annotations

import shutil

from playwright.async_api import Browser, Playwright

# Without the background-networking flags Chromium keeps dialling out on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ChromiumMissingError(RuntimeError):
    """Debian's ``chromium`` is not installed (``./dev check`` installs it)."""


async def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the system's Chromium headless; Playwright's own browsers are never downloaded.

    Raises:
        ChromiumMissingError: when no ``chromium`` is on the PATH.
    """
    executable = shutil.which("chromium")
    if executable is None:
        raise ChromiumMissingError(
            "Headless Chromium is missing: install Debian's 'chromium' package "
            "(./dev check does it)."
        )
    return await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)

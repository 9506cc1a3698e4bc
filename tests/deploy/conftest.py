"""Each overlay is rendered once per session."""

from __future__ import annotations

import pytest

from tests.support.manifests import OVERLAYS, Rendered, render


@pytest.fixture(scope="session")
def rendered() -> dict[str, Rendered]:
    """Every overlay, rendered."""
    return {overlay: render(overlay) for overlay in OVERLAYS}

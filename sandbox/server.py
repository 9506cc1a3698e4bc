"""Running the sandbox: as the ``accord sandbox`` command, or in a thread for tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Collection, Sequence
from pathlib import Path
from types import TracebackType

import uvicorn

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.misconfiguration import configured
from sandbox.state import SandboxState
from sandbox.tenant import TenantSeed, load_tenant_file


def _uvicorn_config(state: SandboxState, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(state),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )


def serve(
    host: str,
    port: int,
    tenant_file: Path | None,
    data_dir: Path,
    *,
    misconfigurations: Collection[str] = (),
    access_policy: Sequence[str] | None = None,
) -> None:
    """Serve the sandbox until interrupted.

    Args:
        host: the interface to listen on.
        port: the TCP port.
        tenant_file: a JSON or YAML tenant to seed a new data directory with.
        data_dir: where the sandbox keeps its database.
        misconfigurations: see :mod:`sandbox.misconfiguration` (for ``accord doctor``).
        access_policy: the mailboxes the application access policy is scoped to.
    """
    tenant = load_tenant_file(tenant_file) if tenant_file else None
    state = SandboxState(data_dir, tenant=tenant, public_url=f"http://{host}:{port}")
    state.update_config(configured(state.config, misconfigurations, access_policy=access_policy))
    try:
        uvicorn.Server(_uvicorn_config(state, host, port)).run()
    finally:
        state.close()


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free right now on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class SandboxServer:
    """A real sandbox HTTP server on a free port, run in a background thread.

    Use as a context manager; ``restart()`` stops and starts it on the same data, as a
    process restart would.
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        tenant: TenantSeed | None = None,
        config: SandboxConfig | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._data_dir = data_dir
        self._tenant = tenant
        self._config = config
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self.state: SandboxState | None = None

    @property
    def url(self) -> str:
        """The server's base URL, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def graph_url(self) -> str:
        """Graph's service root on this server."""
        return f"{self.url}/v1.0"

    def start(self) -> SandboxServer:
        """Start serving and wait until the socket accepts connections."""
        self.state = SandboxState(
            self._data_dir, tenant=self._tenant, public_url=self.url, config=self._config
        )
        self._config = None  # a restart keeps what the running sandbox was changed to
        self._server = uvicorn.Server(_uvicorn_config(self.state, self.host, self.port))
        self._thread = threading.Thread(target=self._run, name="sandbox", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the sandbox server failed to start")
            threading.Event().wait(0.01)
        return self

    def _run(self) -> None:
        assert self._server is not None  # noqa: S101 - set by start()
        asyncio.run(self._server.serve())

    def stop(self) -> None:
        """Stop serving and close the store."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.state is not None:
            self.state.close()
        self._server = self._thread = None

    def restart(self) -> None:
        """Stop, then start again on the same port and data."""
        self.stop()
        self.start()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

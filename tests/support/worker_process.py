"""A real ``accord worker`` process: its environment and how a test starts it."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
from pathlib import Path

from temporalio.client import Client

from sandbox.server import SandboxServer

REPO = Path(__file__).resolve().parents[2]


def worker_env(
    client: Client, task_queue: str, payload_key: bytes, sandbox: SandboxServer, data_dir: Path
) -> dict[str, str]:
    """The environment of an ``accord worker`` process on ``client``'s server and the sandbox."""
    return {
        **os.environ,
        "ACCORD_TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "ACCORD_TEMPORAL_TASK_QUEUE": task_queue,
        # A list setting: pydantic-settings reads it from the environment as JSON.
        "ACCORD_PAYLOAD_KEYS": json.dumps([base64.b64encode(payload_key).decode()]),
        "ACCORD_SANDBOX_HOST": sandbox.host,
        "ACCORD_SANDBOX_PORT": str(sandbox.port),
        "ACCORD_DATA_DIR": str(data_dir),
        "ACCORD_PUBLIC_URL": "http://accord.test",
        "ACCORD_LOG_FORMAT": "json",
    }


async def spawn_worker(env: dict[str, str], log_file: Path) -> asyncio.subprocess.Process:
    """Start ``accord worker`` with ``env``, its output going to ``log_file``."""
    with log_file.open("wb") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "accord.cli.main",
            "worker",
            cwd=REPO,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )

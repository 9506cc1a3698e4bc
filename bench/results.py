"""What every benchmark shares: the machine's description, percentiles, and the result files.

Each benchmark prints its figures and writes them, with the machine's description and its load
averages before and after the run, to ``bench/results/<name>.json``; ``bench.report`` turns
those files into docs/performance.md and its plot.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from accord.logs import configure_logging

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def load_averages() -> list[float]:
    """Return the 1, 5 and 15 minute load averages (how busy the machine was)."""
    return [round(value, 2) for value in os.getloadavg()]


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def machine() -> dict[str, Any]:
    """Describe the machine a figure was measured on.

    Returns:
        Cores, memory, CPU model, Python version and the load averages now.
    """
    return {
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "cpu_model": _cpu_model(),
        "python": sys.version.split()[0],
        "platform": platform.platform(terse=True),
        "load_average": load_averages(),
    }


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` (0..1) percentile of ``values`` by the nearest-rank method.

    Args:
        values: the samples (not necessarily sorted).
        share: 0.5 for the median, 0.99 for p99.

    Returns:
        The sample at that rank, or 0.0 for no samples.
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def milliseconds(values: list[float]) -> dict[str, float]:
    """Summarise latencies in seconds as p50/p95/p99/max in milliseconds."""
    return {
        "samples": len(values),
        "p50_ms": round(percentile(values, 0.50) * 1000, 1),
        "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        "max_ms": round(max(values, default=0.0) * 1000, 1),
    }


def quiet_logs() -> None:
    """Log warnings only: a line per message sent would bury the figures and slow the run.

    Called where a benchmark runs as a program, never on import or from ``main`` (tests call
    ``main``, and logging is configured once per process).
    """
    configure_logging("warning", "console")


class Run:
    """One benchmark run: records the load at its start, then publishes its figures."""

    def __init__(self, name: str, parameters: dict[str, Any]) -> None:
        self.name = name
        self.parameters = parameters
        self.started_at = datetime.now(UTC)
        self.machine_before = machine()

    def publish(self, figures: dict[str, Any], directory: Path | None = None) -> Path:
        """Print the figures and write them with the machine and load to a JSON file.

        Args:
            figures: what the benchmark measured.
            directory: where to write (default ``bench/results``).

        Returns:
            The file written.
        """
        target = directory or RESULTS_DIR
        target.mkdir(parents=True, exist_ok=True)
        document = {
            "benchmark": self.name,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "parameters": self.parameters,
            "machine": self.machine_before,
            "load_average_after": load_averages(),
            "figures": figures,
        }
        path = target / f"{self.name}.json"
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        # A benchmark's whole purpose is to show its figures on the terminal.
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return path

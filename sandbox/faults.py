"""Fault injection: the failures a reliability test wants Graph to show."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from enum import StrEnum

from sandbox.config import FaultConfig


class Fault(StrEnum):
    """What happens to one request."""

    NONE = "none"
    SERVICE_UNAVAILABLE = "service_unavailable"
    GATEWAY_TIMEOUT = "gateway_timeout"
    SLOW = "slow"
    DROP_CONNECTION = "drop_connection"
    ACCEPTED_THEN_FAILED = "accepted_then_failed"


class FaultInjector:
    """Draws a fault for each request at the configured rates, reproducibly with a seed."""

    def __init__(self, config: Callable[[], FaultConfig]) -> None:
        self._config = config
        self._random = random.Random(config().seed)  # noqa: S311 - test traffic, not security
        self.injected: Counter[Fault] = Counter()

    def reseed(self) -> None:
        """Restart the random sequence from the configured seed."""
        self._random = random.Random(self._config().seed)  # noqa: S311 - as above

    def draw(self) -> Fault:
        """Choose the fault for the next request."""
        config = self._config()
        roll = self._random.random()
        for fault, rate in (
            (Fault.SERVICE_UNAVAILABLE, config.service_unavailable_rate),
            (Fault.GATEWAY_TIMEOUT, config.gateway_timeout_rate),
            (Fault.DROP_CONNECTION, config.drop_connection_rate),
            (Fault.ACCEPTED_THEN_FAILED, config.accepted_then_failed_rate),
            (Fault.SLOW, config.slow_rate),
        ):
            if roll < rate:
                self.injected[fault] += 1
                return fault
            roll -= rate
        return Fault.NONE

    def failure_after_acceptance(self) -> Fault:
        """Choose how an accepted request fails: a 503, a 504 or a dropped connection."""
        return self._random.choice(
            [Fault.SERVICE_UNAVAILABLE, Fault.GATEWAY_TIMEOUT, Fault.DROP_CONNECTION]
        )

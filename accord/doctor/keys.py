"""The payload and link keys: present, readable, and not the local development key."""

from __future__ import annotations

from collections.abc import Callable

from accord.doctor.results import CheckResult, failed, passed
from accord.keys.secrets import KeyFileError


def check_key_ring(
    what: str,
    variable: str,
    load: Callable[[], object],
    *,
    configured: int,
    shared_needed: bool,
) -> CheckResult:
    """Check one key ring (payload or link keys).

    Accord's keys carry no expiry date of their own: a key is retired by rotation
    (docs/security.md). So the check is that the ring loads, and that a real deployment
    has keys every process shares, rather than one generated under the data directory.

    Args:
        what: ``payload`` or ``link``.
        variable: the setting, e.g. ``ACCORD_PAYLOAD_KEYS``.
        load: builds the ring from the settings (raises ``KeyFileError``).
        configured: how many keys the setting holds.
        shared_needed: whether keys must be configured (a real tenant).

    Returns:
        The result.
    """
    name = f"keys.{what}"
    if configured == 0 and shared_needed:
        return failed(
            name,
            f"{variable} is not set, so each process would generate a {what} key of its own",
            f"Set {variable} (docs/operations.md, Create the secrets) in the Secret every "
            "worker and API pod mounts.",
        )
    try:
        load()
    except KeyFileError as exc:
        return failed(name, str(exc), f"Correct {variable} (docs/security.md shows the form).")
    source = f"{configured} in {variable}" if configured else "the local development key"
    return passed(name, f"{what} keys load ({source}); the first is current.")

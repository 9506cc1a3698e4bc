"""Where the API reads untrusted text: a bounded reading its composition root hands it.

``POST /addin/prefill`` reads an email a person has open; that reading runs in a worker
process with a time budget (:class:`integrations.reading_pool.ReadingPool`, made and closed
by accord/wiring/api.py), so the event loop keeps answering every other request. Past the
budget the caller gets a 422 problem that says so (:func:`too_slow_problem`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from api.problems import ProblemError, problem_doc
from integrations.reading_pool import BoundedReading, ThreadReading

# Without a pool (tests that build the app by hand): a thread, which answers at the budget.
_FALLBACK = ThreadReading()

TOO_SLOW_RESPONSE = problem_doc(
    422, "Accord could not read this email within its time limit; nothing was started."
)


def install_reading(app: FastAPI, reading: BoundedReading) -> None:
    """Make the app read untrusted text through ``reading``.

    Args:
        app: the application.
        reading: the pool (or, in tests, any bounded reading).
    """
    app.state.accord_reading = reading


def get_reading(request: Request) -> BoundedReading:
    """Return the bounded reading the app was given (a thread when it was given none)."""
    reading: BoundedReading | None = getattr(request.app.state, "accord_reading", None)
    return reading or _FALLBACK


def too_slow_problem() -> ProblemError:
    """Return the problem for a reading stopped at its time budget (nothing was kept)."""
    return ProblemError(
        422,
        "reading-over-time-limit",
        "This email took too long to read",
        "Accord stops reading an email after a few seconds, and this one needed longer. "
        "Nothing was started: fill in the fields yourself.",
    )


ReadingDep = Annotated[BoundedReading, Depends(get_reading)]

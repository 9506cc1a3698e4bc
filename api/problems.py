"""One error shape everywhere: RFC 9457 problem details (``application/problem+json``).

Every error the JSON API returns is a :class:`Problem`; 422s add an ``errors`` list naming
each field at fault. Messages never repeat what the client sent, so commitment text stays out
of responses and logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, cast

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "/problems/"
_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})

log = structlog.get_logger("accord.api")


class FieldError(BaseModel):
    """One field at fault in a request."""

    field: str = Field(description="The field's name; dotted for nested fields.")
    location: str = Field(description="Where the field was: body, query, path or header.")
    message: str = Field(description="What is wrong, in plain words.")
    type: str = Field(description="A stable machine-readable code, e.g. `missing`.")


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(
        default="about:blank",
        description="Identifies the kind of problem, e.g. `/problems/validation-error`.",
    )
    title: str = Field(description="A short summary that is the same for every such problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What happened this time.")
    errors: list[FieldError] | None = Field(
        default=None, description="Each field at fault (422 only)."
    )


class ProblemError(Exception):
    """Raise to answer with a problem; ``kind`` becomes the ``type`` ``/problems/<kind>``."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str | None = None,
        errors: Sequence[FieldError] = (),
    ) -> None:
        super().__init__(detail or title)
        self.problem = Problem(
            type=f"{PROBLEM_TYPE_PREFIX}{kind}",
            title=title,
            status=status,
            detail=detail,
            errors=list(errors) or None,
        )


def field_errors(*errors: FieldError) -> ProblemError:
    """Return the 422 problem for fields the request got wrong.

    Args:
        *errors: the fields at fault.

    Returns:
        The problem, ready to raise.
    """
    return ProblemError(
        422,
        "validation-error",
        "The request is not valid",
        "See `errors` for each field at fault.",
        errors,
    )


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    """Render a problem as ``application/problem+json``.

    Args:
        problem: the problem.
        headers: extra response headers (e.g. ``Allow``).

    Returns:
        The response.
    """
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def unavailable_response(detail: str) -> JSONResponse:
    """Answer 503 (``unavailable``) with ``Retry-After: 5``: a dependency is briefly away.

    Args:
        detail: what could not be done, and that trying again soon is fine.

    Returns:
        The response.
    """
    return problem_response(
        Problem(
            type=f"{PROBLEM_TYPE_PREFIX}unavailable",
            title="Accord cannot answer right now",
            status=503,
            detail=detail,
        ),
        headers={"Retry-After": "5"},
    )


def _field_error(error: Any) -> FieldError:
    loc = [str(part) for part in error.get("loc", ())]
    location = loc[0] if loc and loc[0] in _LOCATIONS else "body"
    path = loc[1:] if loc and loc[0] in _LOCATIONS else loc
    if error.get("type") == "json_invalid":
        # Pydantic's location is a character position, which names no field.
        path = []
    message = str(error.get("msg", "is not valid"))
    # Pydantic prefixes messages raised by validators; people need only the reason.
    message = message.removeprefix("Value error, ")
    return FieldError(
        field=".".join(path) or location,
        location=location,
        message=message,
        type=str(error.get("type", "invalid")),
    )


async def _on_api_problem(_request: Request, exc: Exception) -> JSONResponse:
    # Each handler is registered for its own exception type only.
    return problem_response(cast(ProblemError, exc).problem)


def malformed_json_problem(detail: str) -> Problem:
    """Return the 400 problem for a body that is not usable JSON (broken, or nested too deep).

    Args:
        detail: what was wrong with it.

    Returns:
        The problem (``/problems/malformed-json``).
    """
    return Problem(
        type=f"{PROBLEM_TYPE_PREFIX}malformed-json",
        title="The request body is not usable JSON",
        status=400,
        detail=detail,
    )


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    errors = cast(RequestValidationError, exc).errors()
    return problem_response(field_errors(*map(_field_error, errors)).problem)


async def _on_http_exception(_request: Request, exc: Exception) -> JSONResponse:
    http = cast(StarletteHTTPException, exc)
    phrase = HTTPStatus(http.status_code).phrase
    detail = http.detail if isinstance(http.detail, str) and http.detail != phrase else None
    return problem_response(
        Problem(title=phrase, status=http.status_code, detail=detail),
        headers=dict(http.headers) if http.headers else None,
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The route's template, not the URL: an action link's URL carries its token.
    route = getattr(request.scope.get("route"), "path", "unknown")
    log.error("request_failed", route=route, error_type=type(exc).__name__)
    return problem_response(
        Problem(
            type=f"{PROBLEM_TYPE_PREFIX}internal-error",
            title="Something went wrong on our side",
            status=500,
            detail="Nothing was changed. Please try again in a moment.",
        ),
        # This answer leaves from outside every middleware, so it carries nosniff itself.
        headers={"X-Content-Type-Options": "nosniff"},
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` a problem details response.

    Args:
        app: the application.
    """
    app.add_exception_handler(ProblemError, _on_api_problem)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)


_PROBLEM_CONTENT = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def problem_doc(status: int, description: str) -> dict[int | str, dict[str, Any]]:
    """Describe one problem response for OpenAPI.

    Args:
        status: the HTTP status.
        description: when it happens.

    Returns:
        An entry for a route's ``responses``.
    """
    return {status: {"model": Problem, "description": description, "content": _PROBLEM_CONTENT}}


PROBLEM_RESPONSES = problem_doc(
    422, "The request is not valid; `errors` names each field at fault."
)
"""The OpenAPI description of the validation problem, for routes that take input."""

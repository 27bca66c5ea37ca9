"""Errors that carry their HTTP status, and the one handler that turns every error into one body shape.

Every failure a client can see — a protocol mistake, a refused query, a timeout, a 404 from the
router, a validation error from FastAPI — leaves the service as `{"error": {"status", "message"}}`,
so clients need to parse only one shape.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException


class ServiceError(Exception):
    """An error with the HTTP status it should be answered with."""

    status = 500

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(ServiceError):
    """The request breaks the SPARQL protocol or the query is not valid SPARQL."""

    status = 400


class Refused(ServiceError):
    """A well-formed request this read-only, closed-world endpoint will not run (update, SERVICE, LOAD)."""

    status = 403


class NotAcceptable(ServiceError):
    """No result format the client accepts fits the query form."""

    status = 406


class ContentTooLarge(ServiceError):
    """A request body past the size the service reads."""

    status = 413


class UnsupportedMediaType(ServiceError):
    """A POST body whose Content-Type the SPARQL protocol does not define for queries."""

    status = 415


class Unavailable(ServiceError):
    """The store cannot answer now: a query over the time limit, all workers busy, the store missing."""

    status = 503


def error_body(status: int, message: str) -> dict[str, dict[str, int | str]]:
    """The one error body shape of the service."""
    return {"error": {"status": status, "message": message}}


ERROR_RESPONSE = {
    "description": "Error",
    "content": {"application/json": {"example": error_body(400, "SPARQL syntax error: ...")}},
}


def describe(error: Exception) -> tuple[int, str, dict[str, str]]:
    """The status, message and headers any error is answered with."""
    if isinstance(error, ServiceError):
        return error.status, error.message, error.headers
    if isinstance(error, HTTPException):
        return error.status_code, str(error.detail), dict(error.headers or {})
    if isinstance(error, RequestValidationError):
        return 422, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()), {}
    return 500, "internal error", {}


async def handle_error(request: Request, error: Exception) -> JSONResponse:
    """The single exception handler, registered for service, HTTP and validation errors."""
    status, message, headers = describe(error)
    return JSONResponse(error_body(status, message), status_code=status, headers=headers)

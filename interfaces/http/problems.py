"""Every error the API returns is an RFC 9457 problem document."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from application.errors import (
    ApplicationError,
    InvalidCredentials,
    ServiceUnavailable,
    TaskNotFound,
    TitleTaken,
    UsernameTaken,
    VersionMismatch,
    WriteConflict,
)
from domain.errors import DomainError, InvalidValue, TaskAlreadyDeleted
from domain.tasks import Status
from interfaces.http.schemas import MAX_LIMIT, MAX_SKIP

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"

_STATUS_OF_ERROR: dict[type[Exception], int] = {
    InvalidValue: 400,
    InvalidCredentials: 401,
    TaskNotFound: 404,
    TaskAlreadyDeleted: 404,
    TitleTaken: 409,
    UsernameTaken: 409,
    WriteConflict: 409,
    VersionMismatch: 412,
    ServiceUnavailable: 503,
}

# Seconds a client should wait before retrying when a store is down.
RETRY_AFTER_SECONDS = "2"


# msgspec names a missing or unknown field inside its message.
_NAMED_FIELD = re.compile(r"(?:missing required|unknown) field `([^`]+)`")
_ALLOWED_VALUES = {"status": ", ".join(status.value for status in Status)}
# The query parameters' rules, in place of the validator's terse wording.
_QUERY_RULES = {
    "skip": f"must be a whole number from 0 to {MAX_SKIP}",
    "limit": f"must be a whole number from 1 to {MAX_LIMIT}",
}


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    """An error, as RFC 9457 describes: `errors` names each bad field."""

    status: int
    title: str
    detail: str
    type: str = "about:blank"
    errors: list[FieldError] = []


def problem_response(
    status: int,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Problem]:
    body = Problem(
        status=status,
        title=HTTPStatus(status).phrase,
        detail=detail,
        errors=errors or [],
    )
    return Response(
        body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def handle_http_exception(
    _: Request[Any, Any, Any], error: HTTPException
) -> Response[Problem]:
    headers = dict(error.headers or {})
    if error.status_code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    if isinstance(error, ValidationException):
        return problem_response(
            400, "the request is not valid", _field_errors(error.extra), headers
        )
    if error.status_code == 400:
        # Litestar's body decoding fails this way on malformed JSON.
        return problem_response(
            400, error.detail, [FieldError("body", error.detail)], headers
        )
    return problem_response(error.status_code, error.detail, headers=headers)


def handle_domain_error(
    _: Request[Any, Any, Any], error: DomainError | ApplicationError
) -> Response[Problem]:
    status = _STATUS_OF_ERROR.get(type(error), 400)
    if isinstance(error, InvalidValue):
        return problem_response(
            status, "the request is not valid", [FieldError(error.field, error.message)]
        )
    headers = None
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    elif status == 503:
        logger.warning("store unavailable", exc_info=error.__cause__)
        headers = {"Retry-After": RETRY_AFTER_SECONDS}
    return problem_response(status, str(error), headers=headers)


def handle_too_deep(_: Request[Any, Any, Any], __: RecursionError) -> Response[Problem]:
    # The JSON decoder recurses once per nesting level of the body.
    return problem_response(
        400,
        "the request is not valid",
        [FieldError("body", "is nested too deeply")],
    )


def handle_unexpected(
    request: Request[Any, Any, Any], error: Exception
) -> Response[Problem]:
    logger.error("unhandled error", exc_info=error, extra={"path": request.url.path})
    return problem_response(
        HTTP_500_INTERNAL_SERVER_ERROR, "the server failed to handle this request"
    )


def validation_detail(error: msgspec.ValidationError) -> dict[str, str]:
    """A msgspec error in the shape Litestar reports validation failures."""
    message, _, path = str(error).partition(" - at `$.")
    return {"key": path.rstrip("`") or "body", "message": message}


def _field_errors(extra: Any) -> list[FieldError]:
    if not isinstance(extra, list):
        return []
    return [_field_error(item) for item in extra if isinstance(item, dict)]


def _field_error(item: dict[str, Any]) -> FieldError:
    field = str(item.get("key") or "body")
    message = str(item.get("message", "is not valid"))
    if named := _NAMED_FIELD.search(message):
        field = named.group(1)
    elif field == "data":
        # The body as a whole: absent, or not an object.
        field = "body"
        if message == "'data'":
            message = "a JSON body is required"
    if item.get("source") == "query" and field in _QUERY_RULES:
        message = _QUERY_RULES[field]
    if message.startswith("Invalid enum value") and field in _ALLOWED_VALUES:
        message += f"; allowed values are {_ALLOWED_VALUES[field]}"
    return FieldError(field=field, message=message)


EXCEPTION_HANDLERS: Any = {
    HTTPException: handle_http_exception,
    DomainError: handle_domain_error,
    ApplicationError: handle_domain_error,
    RecursionError: handle_too_deep,
    Exception: handle_unexpected,
}

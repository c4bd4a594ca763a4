"""Pieces of the OpenAPI document shared by the routes."""

from http import HTTPStatus

from litestar.openapi import ResponseSpec
from litestar.openapi.spec import (
    Components,
    Example,
    OAuthFlow,
    OAuthFlows,
    SecurityScheme,
)
from msgspec import to_builtins

from interfaces.http.problems import PROBLEM_MEDIA_TYPE, FieldError, Problem

SECURITY_SCHEME = "OAuth2PasswordBearer"

COMPONENTS = Components(
    security_schemes={
        SECURITY_SCHEME: SecurityScheme(
            type="oauth2",
            description=(
                "Enter the username and password of a user made with "
                "`POST /auth/create`; leave client_id and client_secret empty."
            ),
            flows=OAuthFlows(
                password=OAuthFlow(token_url="/auth/login", scopes={})  # noqa: S106
            ),
        )
    }
)

SECURED: list[dict[str, list[str]]] = [{SECURITY_SCHEME: []}]

_DESCRIPTIONS = {
    400: "The request is not valid; `errors` names each bad field.",
    401: "No valid access token, or wrong username or password.",
    404: "No such task, or it was deleted.",
    409: "The title or username is taken, or the task kept changing under "
    "this request (retry it).",
    412: "The task has changed since the ETag given in If-Match.",
    413: "The body is larger than 256 KiB.",
    415: "The body is neither JSON nor a form.",
    503: "The database cannot be reached; retry after `Retry-After` seconds.",
}

_UNAVAILABLE_EXAMPLE = Problem(
    status=503,
    title="Service Unavailable",
    detail="the event store is unavailable; try again shortly",
)


def example_problem(
    status: int,
    detail: str = "the request is not valid",
    errors: dict[str, str] | None = None,
) -> Problem:
    """A problem as a route returns it, for the route's documentation."""
    return Problem(
        status=status,
        title=HTTPStatus(status).phrase,
        detail=detail,
        errors=[
            FieldError(field, message) for field, message in (errors or {}).items()
        ],
    )


TOO_LARGE = example_problem(413, "Request Entity Too Large")


def problems(*examples: Problem) -> dict[int, ResponseSpec]:
    """The problem responses of a route, one example each; every route can 503."""
    return {
        example.status: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS[example.status],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
            examples=[Example(summary=example.detail, value=to_builtins(example))],
        )
        for example in (*examples, _UNAVAILABLE_EXAMPLE)
    }

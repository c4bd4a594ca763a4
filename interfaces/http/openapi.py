"""Pieces of the OpenAPI document shared by the routes."""

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

_EXAMPLES = {
    400: Problem(
        status=400,
        title="Bad Request",
        detail="the request is not valid",
        errors=[FieldError("title", "must not be empty or only whitespace")],
    ),
    401: Problem(
        status=401,
        title="Unauthorized",
        detail="the access token has expired; log in again",
    ),
    404: Problem(
        status=404,
        title="Not Found",
        detail="no task with id 0b7e6e1c-52f4-4a3a-9d0e-6f1f8f3c2a10",
    ),
    409: Problem(
        status=409,
        title="Conflict",
        detail="a task titled 'Write the release notes' already exists",
    ),
    415: Problem(
        status=415,
        title="Unsupported Media Type",
        detail="send the credentials as application/x-www-form-urlencoded "
        "or application/json",
    ),
    503: Problem(
        status=503,
        title="Service Unavailable",
        detail="the event store is unavailable; try again shortly",
    ),
}

_DESCRIPTIONS = {
    400: "The request is not valid; `errors` names each bad field.",
    401: "No valid access token, or wrong username or password.",
    404: "No such task, or it was deleted.",
    409: "The title or username is already taken.",
    415: "The body is neither JSON nor a form.",
    503: "The database cannot be reached; retry after `Retry-After` seconds.",
}

COMPONENTS = Components(
    security_schemes={
        SECURITY_SCHEME: SecurityScheme(
            type="oauth2",
            description="Log in with a username and password to get a token.",
            flows=OAuthFlows(
                password=OAuthFlow(token_url="/auth/login", scopes={})  # noqa: S106
            ),
        )
    }
)

SECURED: list[dict[str, list[str]]] = [{SECURITY_SCHEME: []}]


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """The problem responses a route can give; every route can give a 503."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS[status],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
            examples=[
                Example(
                    summary=_DESCRIPTIONS[status], value=to_builtins(_EXAMPLES[status])
                )
            ],
        )
        for status in (*statuses, 503)
    }

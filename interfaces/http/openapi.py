"""Pieces of the OpenAPI document shared by the routes."""

from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Components, OAuthFlow, OAuthFlows, SecurityScheme

from interfaces.http.problems import PROBLEM_MEDIA_TYPE, Problem

SECURITY_SCHEME = "OAuth2PasswordBearer"

_DESCRIPTIONS = {
    400: "The request is not valid; `errors` names each bad field.",
    401: "No valid access token, or wrong username or password.",
    404: "No such task, or it was deleted.",
    409: "The title or username is already taken.",
    415: "The body is neither JSON nor a form.",
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
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS[status],
            media_type=PROBLEM_MEDIA_TYPE,
        )
        for status in statuses
    }

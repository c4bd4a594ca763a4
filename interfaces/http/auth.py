"""The /auth routes: sign up, and log in for a bearer token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, post
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)

from application.service import AccountService
from application.views import UserView
from interfaces.http.openapi import TOO_LARGE, example_problem, problems
from interfaces.http.problems import validation_detail
from interfaces.http.schemas import NEW_USER_BODY, AccessToken, Credentials, NewUser
from interfaces.http.security import TokenService

_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"

_CREDENTIALS_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["username", "password"],
    properties={
        "username": Schema(type=OpenAPIType.STRING, examples=["ada"]),
        "password": Schema(
            type=OpenAPIType.STRING, format=None, examples=["correct horse"]
        ),
    },
)


@dataclass
class _LoginOperation(Operation):
    """Login takes the OAuth2 password form (as Swagger's Authorize sends) or JSON."""

    def __post_init__(self) -> None:
        # The handler reads the body itself, so Litestar documents none.
        self.request_body = RequestBody(
            required=True,
            content={
                _FORM: OpenAPIMediaType(schema=_CREDENTIALS_SCHEMA),
                _JSON: OpenAPIMediaType(schema=_CREDENTIALS_SCHEMA),
            },
        )


_BAD_PASSWORD = example_problem(
    400, errors={"password": "must be at least 8 characters"}
)
_NAME_TAKEN = example_problem(409, 'the username "ada" is taken')
_MISSING_FIELD = example_problem(400, errors={"password": "is required"})
_WRONG = example_problem(401, "wrong username or password")
_NOT_A_FORM = example_problem(415, f"send the credentials as {_FORM} or {_JSON}")


def auth_router(accounts: AccountService, tokens: TokenService) -> Router:
    @post(
        "/create",
        status_code=201,
        summary="Create a user",
        response_description="The new user (never the password).",
        responses=problems(_BAD_PASSWORD, _NAME_TAKEN, TOO_LARGE),
    )
    async def create_user(data: Annotated[NewUser, NEW_USER_BODY]) -> UserView:
        """Sign up. The password is kept only as an Argon2id hash."""
        return await accounts.register(username=data.username, password=data.password)

    @post(
        "/login",
        status_code=200,
        summary="Log in",
        operation_class=_LoginOperation,
        response_description="A bearer token for the /tasks routes.",
        responses=problems(_MISSING_FIELD, _WRONG, TOO_LARGE, _NOT_A_FORM),
    )
    async def login(request: Request[Any, Any, Any]) -> Response[AccessToken]:
        """Exchange a username and password for a bearer token."""
        credentials = await _read_credentials(request)
        user = await accounts.authenticate(
            username=credentials.username, password=credentials.password
        )
        issued = tokens.issue(user.id)
        return Response(
            AccessToken(access_token=issued.token, expires_in=issued.expires_in),
            headers={"Cache-Control": "no-store"},
        )

    return Router(path="/auth", route_handlers=[create_user, login], tags=["auth"])


async def _read_credentials(request: Request[Any, Any, Any]) -> Credentials:
    """The same rules apply to the form (as Swagger's Authorize sends) and JSON."""
    media_type = request.content_type[0]
    try:
        if media_type == _FORM:
            form = await request.form()
            # Other OAuth2 fields (grant_type, scope, client_id) are ignored.
            fields = {
                name: form[name] for name in ("username", "password") if name in form
            }
            return msgspec.convert(fields, Credentials)
        if media_type in (_JSON, ""):
            return msgspec.json.decode(await request.body(), type=Credentials)
    except msgspec.ValidationError as error:
        raise ValidationException(
            "the request is not valid", extra=[validation_detail(error)]
        ) from error
    except msgspec.DecodeError as error:
        raise ValidationException(
            "the request is not valid",
            extra=[{"key": "body", "message": f"is not valid JSON: {error}"}],
        ) from error
    raise HTTPException(
        status_code=415, detail=f"send the credentials as {_FORM} or {_JSON}"
    )

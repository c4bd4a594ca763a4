"""Bearer tokens: JWTs signed with one configured algorithm and secret."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import jwt
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

_REQUIRED_CLAIMS = ["sub", "iat", "exp"]
# Clocks of the issuing and checking machines may differ by this much.
_LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class Actor:
    """Who is making the request, as proven by the token."""

    user_id: UUID


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int


class InvalidToken(Exception):
    pass


class TokenService:
    def __init__(self, *, secret: str, algorithm: str, ttl_seconds: int) -> None:
        self._secret = secret
        self._algorithm = algorithm
        self._ttl_seconds = ttl_seconds

    def issue(self, user_id: UUID) -> IssuedToken:
        now = int(time.time())
        claims = {"sub": str(user_id), "iat": now, "exp": now + self._ttl_seconds}
        token = jwt.encode(claims, self._secret, algorithm=self._algorithm)
        return IssuedToken(token=token, expires_in=self._ttl_seconds)

    def verify(self, token: str) -> Actor:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[self._algorithm],
                options={"require": _REQUIRED_CLAIMS},
                leeway=_LEEWAY_SECONDS,
            )
            return Actor(user_id=UUID(claims["sub"]))
        except jwt.ExpiredSignatureError as error:
            raise InvalidToken("the access token has expired; log in again") from error
        except (jwt.InvalidTokenError, ValueError, TypeError, AttributeError) as error:
            raise InvalidToken("the access token is not valid") from error


class BearerAuthentication(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, tokens: TokenService) -> None:
        super().__init__(app)
        self._tokens = tokens

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization")
        if not header:
            raise NotAuthorizedException(
                "send the token from /auth/login as 'Authorization: Bearer <token>'"
            )
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException(
                "the Authorization header must read 'Bearer <token>'"
            )
        try:
            actor = self._tokens.verify(token.strip())
        except InvalidToken as error:
            raise NotAuthorizedException(str(error)) from error
        return AuthenticationResult(user=actor, auth=token)

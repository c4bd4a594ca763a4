"""A request id for every request: taken from X-Request-ID, or made up.

It is echoed in the response, bound to every log line written while the
request is handled, and recorded in the events the request causes as their
correlation id.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_STATE_KEY = "taskpool_request_id"
_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def _request_id(scope: Scope) -> str:
    """The id this request goes by, decided once and kept in its scope."""
    state = scope.setdefault("state", {})
    if _STATE_KEY not in state:
        given = next(
            (
                value.decode("latin-1")
                for key, value in scope["headers"]
                if key == b"x-request-id"
            ),
            "",
        )
        # Ids from clients are kept only if short and plain: they end up in
        # logs and stored events.
        state[_STATE_KEY] = given if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex
    return str(state[_STATE_KEY])


class RequestIdMiddleware:
    """Binds the request id for the handler and the log lines it writes."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self._app(scope, receive, send)
            return
        token = _current.set(_request_id(scope))
        try:
            await self._app(scope, receive, send)
        finally:
            _current.reset(token)


async def echo_request_id(message: Message, scope: Scope) -> None:
    """Puts the id on every response, errors that bypass middleware included."""
    if message["type"] == "http.response.start":
        MutableScopeHeaders.from_message(message)[HEADER] = _request_id(scope)


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to each log record, when there is one."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _current.get()
        if request_id is not None:
            record.request_id = request_id
        return True

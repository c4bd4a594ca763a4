"""The Litestar application: routes, error handling and the self-hosted docs."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from litestar import Litestar, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from openapi_ui_bundles import swagger_ui

from application.service import AccountService, TaskService
from infrastructure.messages import asyncapi_document
from infrastructure.readiness import Readiness, ReadinessProbe
from interfaces.http.auth import auth_router
from interfaces.http.metrics import (
    RequestMetrics,
    TimingMiddleware,
    render,
    response_recorder,
)
from interfaces.http.openapi import COMPONENTS
from interfaces.http.problems import EXCEPTION_HANDLERS
from interfaces.http.request_ids import RequestIdMiddleware, echo_request_id
from interfaces.http.security import TokenService
from interfaces.http.tasks import task_router

_ASSETS = "/docs/assets"
# Ample for the largest valid body (a 10,000-character description, each
# character escaped), small enough that no request ties up the server.
MAX_BODY_BYTES = 256 * 1024

Lifespan = Callable[[Litestar], AbstractAsyncContextManager[None]]


def _openapi() -> OpenAPIConfig:
    # Swagger UI's files come from an installed package, not a CDN, so the
    # page works with no internet access.
    swagger = SwaggerRenderPlugin(
        path="/",
        js_url=f"{_ASSETS}/swagger-ui-bundle.js",
        css_url=f"{_ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{_ASSETS}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' href='{_ASSETS}/favicon-32x32.png'>",
        init_oauth={"usePkceWithAuthorizationCodeGrant": False},
    )
    return OpenAPIConfig(
        title="taskpool",
        version="1.0.0",
        description=(
            "A team's shared pool of tasks. Create a user under /auth/create, "
            "then use Authorize to log in."
        ),
        path="/docs",
        render_plugins=[swagger],
        components=COMPONENTS,
        # No server list: Swagger UI then calls the host the page came from.
        servers=[],
    )


def _event_stream_document() -> HTTPRouteHandler:
    document = asyncapi_document()

    @get(
        "/asyncapi.json",
        summary="The event stream's AsyncAPI document",
        tags=["events"],
    )
    async def event_stream_document() -> dict[str, Any]:
        """How to follow task events on the broker: channel and envelope."""
        return dict(document)

    return event_stream_document


def _operations(
    probe: ReadinessProbe, requests: RequestMetrics
) -> list[HTTPRouteHandler]:
    @get("/health", summary="Liveness", tags=["operations"])
    async def health() -> dict[str, str]:
        """The process is up and answering."""
        return {"status": "ok"}

    @get(
        "/ready",
        summary="Readiness",
        tags=["operations"],
        responses={503: ResponseSpec(Readiness, description="The database is down.")},
    )
    async def ready() -> Response[Readiness]:
        """Whether the database answers, and how far each reader is behind."""
        readiness = await probe.check()
        return Response(readiness, status_code=200 if readiness.ready else 503)

    return [health, ready, _metrics_route(probe, requests)]


def _metrics_route(probe: ReadinessProbe, requests: RequestMetrics) -> HTTPRouteHandler:
    @get(
        "/metrics",
        summary="Metrics",
        tags=["operations"],
        media_type="text/plain; version=0.0.4",
        include_in_schema=True,
    )
    async def metrics() -> str:
        """Request rates and latencies, and each reader's lag, for Prometheus."""
        return await render(requests, probe.check, probe.dead_letters)

    return metrics


def create_app(
    tasks: TaskService,
    accounts: AccountService,
    tokens: TokenService,
    probe: ReadinessProbe,
    lifespan: list[Lifespan] | None = None,
) -> Litestar:
    requests = RequestMetrics()
    assets = create_static_files_router(
        path=_ASSETS, directories=[swagger_ui.static_path], include_in_schema=False
    )
    return Litestar(
        route_handlers=[
            auth_router(accounts, tokens),
            task_router(tasks, tokens),
            _event_stream_document(),
            *_operations(probe, requests),
            assets,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=_openapi(),
        lifespan=lifespan or [],
        # Logging is configured once, by the process that runs the app.
        logging_config=None,
        request_max_body_size=MAX_BODY_BYTES,
        middleware=[RequestIdMiddleware, TimingMiddleware],
        before_send=[echo_request_id, response_recorder(requests)],
    )

"""Prometheus metrics: request counts and latencies, and the readers' lag.

Written in the Prometheus text format by hand: a few counters and one
histogram need no client library.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Awaitable, Callable

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from infrastructure.readiness import Readiness

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class RequestMetrics:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, str], int] = defaultdict(int)
        self._buckets: dict[tuple[str, str], list[int]] = defaultdict(
            lambda: [0] * len(_BUCKETS)
        )
        self._sums: dict[tuple[str, str], float] = defaultdict(float)
        self._observations: dict[tuple[str, str], int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self._counts[(method, route, str(status))] += 1
        key = (method, route)
        self._sums[key] += seconds
        self._observations[key] += 1
        buckets = self._buckets[key]
        for index, bound in enumerate(_BUCKETS):
            if seconds <= bound:
                buckets[index] += 1

    def lines(self) -> list[str]:
        lines = [
            "# HELP taskpool_http_requests_total HTTP requests answered.",
            "# TYPE taskpool_http_requests_total counter",
        ]
        for (method, route, status), count in sorted(self._counts.items()):
            labels = f'method="{method}",route="{route}",status="{status}"'
            lines.append(f"taskpool_http_requests_total{{{labels}}} {count}")
        lines += [
            "# HELP taskpool_http_request_seconds Time to answer HTTP requests.",
            "# TYPE taskpool_http_request_seconds histogram",
        ]
        for (method, route), buckets in sorted(self._buckets.items()):
            labels = f'method="{method}",route="{route}"'
            for bound, count in zip(_BUCKETS, buckets, strict=True):
                lines.append(
                    f'taskpool_http_request_seconds_bucket{{{labels},le="{bound}"}} '
                    f"{count}"
                )
            total = self._observations[(method, route)]
            lines += [
                f'taskpool_http_request_seconds_bucket{{{labels},le="+Inf"}} {total}',
                f"taskpool_http_request_seconds_sum{{{labels}}} "
                f"{self._sums[(method, route)]:.6f}",
                f"taskpool_http_request_seconds_count{{{labels}}} {total}",
            ]
        return lines


_STARTED = "taskpool_started"


class TimingMiddleware:
    """Notes when a routed request arrived, for `record_response`."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            scope.setdefault("state", {})[_STARTED] = time.perf_counter()
        await self._app(scope, receive, send)


def response_recorder(
    metrics: RequestMetrics,
) -> Callable[[Message, Scope], Awaitable[None]]:
    """A before-send hook: it sees every response, errors included."""

    async def record_response(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        started = scope.get("state", {}).get(_STARTED)
        elapsed = 0.0 if started is None else time.perf_counter() - started
        route = str(scope.get("path_template") or "unmatched")
        method = str(scope.get("method", "GET"))
        metrics.observe(method, route, message["status"], elapsed)

    return record_response


async def render(
    metrics: RequestMetrics,
    readiness: Callable[[], Awaitable[Readiness]],
    dead_letters: Callable[[], Awaitable[int | None]],
) -> str:
    state = await readiness()
    lines = metrics.lines()
    lines += [
        "# HELP taskpool_up Whether the database answers.",
        "# TYPE taskpool_up gauge",
        f"taskpool_up {int(state.database)}",
    ]
    for name, reader in (("projector", state.projector), ("relay", state.relay)):
        if reader is not None:
            lines += [
                f"# HELP taskpool_{name}_lag_events Events the {name} is behind.",
                f"# TYPE taskpool_{name}_lag_events gauge",
                f"taskpool_{name}_lag_events {reader.lag}",
            ]
    if state.notifier_pending is not None:
        lines += [
            "# HELP taskpool_notifier_pending Messages delivered, not acknowledged.",
            "# TYPE taskpool_notifier_pending gauge",
            f"taskpool_notifier_pending {state.notifier_pending}",
        ]
    dead = await dead_letters()
    if dead is not None:
        lines += [
            "# HELP taskpool_dead_letters Messages in the dead-letter stream.",
            "# TYPE taskpool_dead_letters gauge",
            f"taskpool_dead_letters {dead}",
        ]
    return "\n".join(lines) + "\n"

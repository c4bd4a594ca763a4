"""Liveness and readiness, as an operator's probes see them."""

import pytest
from litestar.testing import TestClient

from tests.integration.conftest import create

pytestmark = pytest.mark.integration


def test_liveness_needs_nothing_but_the_process(client: TestClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_reports_each_readers_position_and_lag(
    client: TestClient, auth: dict[str, str]
) -> None:
    create(client, auth, "Counted")

    response = client.get("/ready")

    body = response.json()
    assert response.status_code == 200
    assert body["ready"] is True
    assert body["database"] is True
    assert body["redis"] is True
    assert body["store_position"] >= 2
    # The write waited for the projector, so it has caught up with it.
    assert body["projector"]["lag"] == 0
    assert body["projector"]["position"] == body["store_position"]


def test_metrics_count_requests_and_report_each_readers_lag(
    client: TestClient, auth: dict[str, str]
) -> None:
    create(client, auth, "Measured")
    client.get("/tasks", headers=auth)
    client.get("/tasks")

    response = client.get("/metrics")

    text = response.text
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert (
        'taskpool_http_requests_total{method="GET",route="/tasks",status="200"} 1'
        in text
    )
    assert (
        'taskpool_http_requests_total{method="GET",route="/tasks",status="401"} 1'
        in text
    )
    assert 'taskpool_http_request_seconds_count{method="POST",route="/tasks"}' in text
    assert "taskpool_projector_lag_events 0" in text
    assert "taskpool_dead_letters" in text

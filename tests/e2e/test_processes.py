"""The parts run as separate processes: migrate, api and project."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import httpx
import psycopg
import pytest
from psycopg import sql

from domain.tasks import Status
from infrastructure.database import Database
from infrastructure.projector import Projector
from interfaces.composition import System
from tests.conftest import TEST_SECRET
from tests.e2e.conftest import (
    TASKPOOL,
    Service,
    free_port,
    log_in,
    service_env,
    start,
    wait_until_serving,
)
from tests.integration.helpers import (
    create_read_table,
    eventually,
    projected_position,
    table_rows,
)

pytestmark = pytest.mark.e2e

ACTOR = UUID(int=11)


@pytest.fixture
def env(clean_database: Database, clean_redis: str, tmp_path: Path) -> dict[str, str]:
    return service_env(
        DATABASE_URL=clean_database.conninfo,
        REDIS_URL=clean_redis,
        TASKPOOL_DATA_DIR=str(tmp_path / "data"),
        JWT_SECRET=TEST_SECRET,
        PROJECTION_BATCH_SIZE="7",
    )


@pytest.fixture
def projector_process(env: dict[str, str], tmp_path: Path) -> Iterator[Service]:
    service = start([TASKPOOL, "project"], env, tmp_path / "project.log")
    yield service
    service.stop()


def test_migrations_started_together_do_not_race(server_conninfo: str) -> None:
    name = "taskpool_migrate_race"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(server_conninfo, dbname=name)
    env = service_env(DATABASE_URL=url)

    processes = [
        subprocess.Popen(
            [TASKPOOL, "migrate"], env=env, stderr=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    results = [
        (p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes
    ]

    assert [code for code, _ in results] == [0] * 6, results


def test_api_and_projector_as_separate_processes_keep_read_your_writes(
    env: dict[str, str], tmp_path: Path, projector_process: Service
) -> None:
    port = free_port()
    api = start([TASKPOOL, "api", "--port", str(port)], env, tmp_path / "api.log", port)
    wait_until_serving(api)
    try:
        auth = log_in(api.url, "split")
        seen = []
        for n in range(15):
            created = httpx.post(
                f"{api.url}/tasks/", json={"title": f"Split {n}"}, headers=auth
            ).json()
            listed = httpx.get(f"{api.url}/tasks/?limit=1", headers=auth).json()
            seen.append(listed[0]["id"] == created["id"])
    finally:
        api.stop()

    assert all(seen)


def test_a_projector_killed_mid_stream_and_restarted_matches_a_rebuild(
    system: System,
    clean_database: Database,
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    ids = []
    for n in range(60):
        written = system.pool.create_task(
            title=f"Task {n}", description=None, status=Status.PENDING, actor=ACTOR
        )
        ids.append(written.result.id)
    projector = start([TASKPOOL, "project"], env, tmp_path / "first.log")
    for n, task_id in enumerate(ids):
        system.pool.update_task(task_id, actor=ACTOR, status=Status.COMPLETED)
        if n % 4 == 0:
            system.pool.delete_task(task_id, actor=ACTOR)
        if n == 30:
            projector.stop(signal.SIGKILL)
    last = system.pool.recorder.max_notification_id() or 0
    assert projected_position(clean_database) < last

    restarted = start([TASKPOOL, "project"], env, tmp_path / "second.log")
    try:
        eventually(lambda: projected_position(clean_database) >= last)
    finally:
        restarted.stop()

    create_read_table(clean_database, "tasks_rebuilt")
    Projector(
        clean_database.conninfo,
        system.pool,
        name="tasks_rebuilt",
        table="tasks_rebuilt",
    ).catch_up()
    assert table_rows(clean_database, "tasks") == table_rows(
        clean_database, "tasks_rebuilt"
    )
    assert len(table_rows(clean_database, "tasks")) == 45

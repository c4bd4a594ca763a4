"""Rebuilding the read table while the service keeps working."""

import io
import threading
from uuid import UUID

import psycopg
import pytest
import redis

from domain.tasks import Status
from infrastructure.database import Database
from infrastructure.messages import STREAM
from infrastructure.projector import Projector
from infrastructure.rebuild import ProgressBar, rebuild
from interfaces.composition import System
from tests.integration.helpers import (
    create_read_table,
    eventually,
    projected_position,
    table_rows,
)

pytestmark = pytest.mark.integration

ACTOR = UUID(int=44)


def write(system: System, count: int, prefix: str) -> None:
    for n in range(count):
        task = system.pool.create_task(
            title=f"{prefix} {n}", description=None, status=Status.PENDING, actor=ACTOR
        ).result
        if n % 2:
            system.pool.update_task(task.id, actor=ACTOR, status=Status.COMPLETED)
        if n % 5 == 0:
            system.pool.delete_task(task.id, actor=ACTOR)


def from_scratch(system: System, database: Database) -> list[tuple[object, ...]]:
    create_read_table(database, "tasks_check")
    Projector(
        database.conninfo, system.pool, name="tasks_check", table="tasks_check"
    ).catch_up()
    return table_rows(database, "tasks_check")


def test_a_rebuild_during_writes_ends_identical_to_the_live_projection(
    system: System, clean_database: Database, running_projector: None
) -> None:
    write(system, 40, "Before")
    writer = threading.Thread(target=write, args=(system, 40, "During"))
    writer.start()
    out = io.StringIO()

    applied = rebuild(
        clean_database.conninfo, system.pool, batch_size=7, progress=ProgressBar(out)
    )
    writer.join()
    last = system.pool.recorder.max_notification_id() or 0
    eventually(lambda: projected_position(clean_database) == last)

    assert applied > 0
    assert "events/s" in out.getvalue()
    assert table_rows(clean_database, "tasks") == from_scratch(system, clean_database)


def test_a_rebuild_can_run_again_and_touches_no_published_event(
    system: System, clean_database: Database, clean_redis: str
) -> None:
    write(system, 10, "Task")
    system.projector().catch_up()
    client = redis.Redis.from_url(clean_redis)
    published_before = client.xlen(STREAM)

    rebuild(clean_database.conninfo, system.pool)
    rebuild(clean_database.conninfo, system.pool)

    assert client.xlen(STREAM) == published_before
    client.close()
    assert table_rows(clean_database, "tasks") == from_scratch(system, clean_database)


def test_a_stopped_rebuild_resumes_where_it_stopped(
    system: System, clean_database: Database
) -> None:
    write(system, 20, "Task")
    system.projector().catch_up()
    total = system.pool.recorder.max_notification_id() or 0

    def stop_after_first_batch(done: int, _: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rebuild(
            clean_database.conninfo,
            system.pool,
            batch_size=10,
            progress=stop_after_first_batch,
        )
    resumed = rebuild(clean_database.conninfo, system.pool, batch_size=10)

    assert resumed == total - 10
    assert table_rows(clean_database, "tasks") == from_scratch(system, clean_database)
    with psycopg.connect(clean_database.conninfo) as conn:
        indexes = {
            row[0]
            for row in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'tasks'"
            )
        }
    assert indexes == {
        "tasks_pkey",
        "tasks_newest_first",
        "tasks_by_status_newest_first",
    }

"""The projector against a real PostgreSQL: exactly once, in order, resumable."""

import threading
from uuid import UUID

import psycopg
import pytest

from domain.tasks import Status
from infrastructure.database import Database
from infrastructure.projector import Projector
from interfaces.composition import System
from tests.integration.helpers import create_read_table, projected_position, table_rows

pytestmark = pytest.mark.integration

ACTOR = UUID(int=3)


def write_history(system: System, tasks: int) -> None:
    """Creates, renames, completes and deletes, interleaved across tasks."""
    pool = system.pool
    ids = []
    for n in range(tasks):
        written = pool.create_task(
            title=f"Task {n}", description=None, status=Status.PENDING, actor=ACTOR
        )
        ids.append(written.result.id)
    for n, task_id in enumerate(ids):
        if n % 2 == 0:
            pool.update_task(task_id, actor=ACTOR, title=f"Renamed {n}")
        if n % 3 == 0:
            pool.update_task(task_id, actor=ACTOR, status=Status.COMPLETED)
        if n % 5 == 0:
            pool.delete_task(task_id, actor=ACTOR)


def rebuilt_rows(system: System, database: Database) -> list[tuple[object, ...]]:
    create_read_table(database, "tasks_rebuilt")
    projector = Projector(
        database.conninfo, system.pool, name="tasks_rebuilt", table="tasks_rebuilt"
    )
    projector.catch_up()
    return table_rows(database, "tasks_rebuilt")


def test_the_read_table_shows_the_latest_state_of_every_live_task(
    system: System, clean_database: Database
) -> None:
    write_history(system, tasks=10)

    system.projector().catch_up()

    rows = table_rows(clean_database, "tasks")
    assert len(rows) == 8
    titles = {row[1] for row in rows}
    assert {"Renamed 2", "Task 1"} <= titles
    assert "Task 5" not in titles
    statuses = {row[1]: row[3] for row in rows}
    assert statuses["Task 3"] == "COMPLETED"
    assert (
        projected_position(clean_database) == system.pool.recorder.max_notification_id()
    )


def test_small_batches_build_the_same_table_as_one_big_one(
    system: System, clean_database: Database
) -> None:
    write_history(system, tasks=20)

    Projector(clean_database.conninfo, system.pool, batch_size=3).catch_up()

    assert table_rows(clean_database, "tasks") == rebuilt_rows(system, clean_database)


def test_a_projector_resumes_from_its_position_without_reapplying(
    system: System, clean_database: Database
) -> None:
    write_history(system, tasks=6)
    system.projector().catch_up()
    late = system.pool.create_task(
        title="Late", description=None, status=Status.PENDING, actor=ACTOR
    )

    applied = system.projector().catch_up()

    assert applied == 2  # the task's event and its title reservation's
    assert late.result.id in {row[0] for row in table_rows(clean_database, "tasks")}


def test_two_projectors_at_once_apply_each_event_once(
    system: System, clean_database: Database
) -> None:
    write_history(system, tasks=30)
    first = Projector(clean_database.conninfo, system.pool, batch_size=2)
    second = Projector(clean_database.conninfo, system.pool, batch_size=2)

    threads = [threading.Thread(target=p.catch_up) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert table_rows(clean_database, "tasks") == rebuilt_rows(system, clean_database)


def test_a_running_projector_follows_new_events_live(
    system: System, clean_database: Database
) -> None:
    stop = threading.Event()
    projector = system.projector()
    thread = threading.Thread(target=projector.run, args=(stop,))
    thread.start()
    try:
        written = system.pool.create_task(
            title="Live", description=None, status=Status.PENDING, actor=ACTOR
        )
        with psycopg.connect(clean_database.conninfo, autocommit=True) as conn:
            conn.execute("LISTEN taskpool_projection")
            while projector.position < (written.position or 0):
                next(conn.notifies(timeout=5, stop_after=1), None)
    finally:
        stop.set()
        thread.join()

    assert [row[1] for row in table_rows(clean_database, "tasks")] == ["Live"]

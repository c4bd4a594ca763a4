"""`taskpool history`, `export` and `verify`, run as an auditor would."""

import json
import subprocess
from uuid import UUID

import psycopg
import pytest

from domain.tasks import Status
from infrastructure.database import Database
from interfaces.composition import System
from tests.e2e.conftest import TASKPOOL, service_env

pytestmark = pytest.mark.e2e

ACTOR = UUID(int=33)


def taskpool(database: Database, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TASKPOOL, *args],
        env=service_env(DATABASE_URL=database.conninfo),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_history_export_and_verify_answer_who_changed_what(
    system: System, clean_database: Database
) -> None:
    task = system.pool.create_task(
        title="Audit", description=None, status=Status.PENDING, actor=ACTOR
    ).result
    system.pool.update_task(task.id, actor=ACTOR, status=Status.COMPLETED)
    system.projector().catch_up()

    history = taskpool(clean_database, "history", str(task.id))
    export = taskpool(clean_database, "export")
    verify = taskpool(clean_database, "verify")
    rebuilt = taskpool(clean_database, "rebuild")
    verified_again = taskpool(clean_database, "verify")

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "events/s" in rebuilt.stderr
    assert verified_again.returncode == 0
    entries = [json.loads(line) for line in history.stdout.splitlines()]
    assert [e["type"] for e in entries] == ["TaskCreated", "TaskUpdated"]
    assert entries[1]["changes"] == {"status": {"old": "PENDING", "new": "COMPLETED"}}
    events = [json.loads(line) for line in export.stdout.splitlines()]
    assert [e["position"] for e in events] == sorted(e["position"] for e in events)
    assert {e["type"] for e in events} >= {
        "TaskCreated",
        "TaskUpdated",
        "TitleReserved",
    }
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_verify_reports_a_read_row_that_disagrees_with_the_events(
    system: System, clean_database: Database
) -> None:
    task = system.pool.create_task(
        title="Tampered", description=None, status=Status.PENDING, actor=ACTOR
    ).result
    system.projector().catch_up()
    with psycopg.connect(clean_database.conninfo) as conn:
        conn.execute("UPDATE tasks SET title = 'Forged'")

    verify = taskpool(clean_database, "verify")

    assert verify.returncode == 1
    assert str(task.id) in verify.stdout
    assert "Forged" in verify.stdout


def test_history_of_an_unknown_task_says_so(clean_database: Database) -> None:
    unknown = taskpool(
        clean_database, "history", "00000000-0000-0000-0000-000000000000"
    )
    malformed = taskpool(clean_database, "history", "not-an-id")

    assert unknown.returncode != 0
    assert "no task" in unknown.stderr
    assert "not a task id" in malformed.stderr

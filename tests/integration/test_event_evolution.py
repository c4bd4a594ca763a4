"""Events stored by an older shape of the code still load and project."""

import json
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from litestar.testing import TestClient

from domain.tasks import Status, Task
from infrastructure.database import Database
from interfaces.composition import System
from tests.integration.helpers import table_rows

pytestmark = pytest.mark.integration

VERSION_1 = Path(__file__).parents[1] / "fixtures" / "version1_task_events.jsonl"


def store_version_1_events(system: System) -> Task:
    """Write the events exactly as version 1 of the code stored them."""
    task_id = uuid4()
    stored = [
        StoredEvent(
            originator_id=task_id,
            originator_version=record["version"],
            topic=record["topic"],
            state=record["state"].encode(),
        )
        for record in map(json.loads, VERSION_1.read_text().splitlines())
    ]
    system.pool.recorder.insert_events(stored)
    return system.pool.repository.get(task_id)


def test_events_stored_by_version_1_load_without_a_correlation_id(
    system: System,
) -> None:
    task = store_version_1_events(system)

    events = list(system.pool.events.get(task.id))
    assert task.title == "Written by version 1"
    assert task.status is Status.COMPLETED
    assert task.version == 2
    assert [event.correlation_id for event in events] == [None, None]


def test_events_stored_by_version_1_project_into_the_read_table(
    system: System, clean_database: Database
) -> None:
    task = store_version_1_events(system)

    system.projector().catch_up()

    (row,) = table_rows(clean_database, "tasks")
    assert row[0] == task.id
    assert row[1:4] == ("Written by version 1", "old shape", "COMPLETED")


def test_a_request_id_is_echoed_and_recorded_as_the_events_correlation_id(
    client: TestClient, auth: dict[str, str]
) -> None:
    given = client.post(
        "/tasks/", json={"title": "Traced"}, headers={**auth, "X-Request-ID": "req-42"}
    )
    made_up = client.patch(
        f"/tasks/{given.json()['id']}", json={"status": "COMPLETED"}, headers=auth
    )
    refused = client.get("/tasks", headers={**auth, "X-Request-ID": "bad id\x7f" * 20})

    unauthorized = client.get("/tasks", headers={"X-Request-ID": "req-401"})

    history = client.get(f"/tasks/{given.json()['id']}/history", headers=auth).json()
    assert unauthorized.headers["x-request-id"] == "req-401"
    assert given.headers["x-request-id"] == "req-42"
    assert len(made_up.headers["x-request-id"]) == 32
    assert refused.headers["x-request-id"] != "bad id"
    assert [entry["correlation_id"] for entry in history] == [
        "req-42",
        made_up.headers["x-request-id"],
    ]

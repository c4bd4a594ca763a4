"""Audit over HTTP: history, time travel, and writes guarded by If-Match."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from threading import Barrier
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from tests.integration.conftest import create

pytestmark = pytest.mark.integration

Headers = dict[str, str]


def test_task_responses_carry_the_version_as_etag(
    client: TestClient, auth: Headers
) -> None:
    created = client.post("/tasks/", json={"title": "Tagged"}, headers=auth)
    fetched = client.get(f"/tasks/{created.json()['id']}", headers=auth)

    assert created.headers["etag"] == fetched.headers["etag"] == '"1"'


def test_an_update_with_a_stale_etag_is_refused_and_changes_nothing(
    client: TestClient, auth: Headers
) -> None:
    task = create(client, auth, "Guarded")
    url = f"/tasks/{task['id']}"
    client.patch(url, json={"status": "IN_PROGRESS"}, headers=auth)

    stale = client.patch(
        url, json={"title": "Overwrite"}, headers={**auth, "If-Match": '"1"'}
    )
    stale_delete = client.delete(url, headers={**auth, "If-Match": '"1"'})
    current = client.patch(
        url, json={"title": "Careful"}, headers={**auth, "If-Match": '"2"'}
    )

    assert stale.status_code == stale_delete.status_code == 412
    assert stale.json()["status"] == 412
    assert current.status_code == 200
    assert current.json()["title"] == "Careful"
    assert current.headers["etag"] == '"3"'


@pytest.mark.parametrize("header", ["*", '"1", "7"', "1", '"7", "1"'])
def test_if_match_accepts_any_tag_of_the_current_version_or_a_star(
    client: TestClient, auth: Headers, header: str
) -> None:
    task = create(client, auth, "Matching")

    response = client.patch(
        f"/tasks/{task['id']}",
        json={"status": "COMPLETED"},
        headers={**auth, "If-Match": header},
    )

    assert response.status_code == 200


@pytest.mark.parametrize("header", ['W/"1"', "one", '"1'])
def test_a_weak_or_malformed_if_match_never_matches(
    client: TestClient, auth: Headers, header: str
) -> None:
    task = create(client, auth, "Strict")

    response = client.patch(
        f"/tasks/{task['id']}",
        json={"status": "COMPLETED"},
        headers={**auth, "If-Match": header},
    )

    assert response.status_code in (400, 412)
    assert client.get(f"/tasks/{task['id']}", headers=auth).json()["version"] == 1


def test_two_simultaneous_updates_with_one_etag_give_one_200_and_one_412(
    client: TestClient, auth: Headers
) -> None:
    task = create(client, auth, "Contended")
    barrier = Barrier(2)

    def update(title: str) -> int:
        barrier.wait()
        return client.patch(
            f"/tasks/{task['id']}",
            json={"title": title},
            headers={**auth, "If-Match": '"1"'},
        ).status_code

    with ThreadPoolExecutor(2) as executor:
        statuses = sorted(executor.map(update, ["Mine", "Yours"]))

    assert statuses == [200, 412]
    assert client.get(f"/tasks/{task['id']}", headers=auth).json()["version"] == 2


def test_the_history_tells_who_changed_what_and_when(
    client: TestClient, auth: Headers
) -> None:
    task = create(client, auth, "Audited", description="first")
    url = f"/tasks/{task['id']}"
    client.patch(
        url, json={"title": "Audited again", "description": None}, headers=auth
    )
    client.delete(url, headers=auth)

    response = client.get(f"{url}/history", headers=auth)

    entries = response.json()
    assert response.headers["x-total-count"] == "3"
    assert [e["type"] for e in entries] == ["TaskCreated", "TaskUpdated", "TaskDeleted"]
    assert [e["version"] for e in entries] == [1, 2, 3]
    assert {e["actor"] for e in entries} == {task["created_by"]}
    assert entries[0]["changes"]["title"] == {"old": None, "new": "Audited"}
    assert entries[1]["changes"] == {
        "title": {"old": "Audited", "new": "Audited again"},
        "description": {"old": "first", "new": None},
    }
    assert entries[2]["changes"]["status"] == {"old": "PENDING", "new": None}


def test_a_long_history_pages(client: TestClient, auth: Headers) -> None:
    task = create(client, auth, "Busy")
    for n in range(6):
        client.patch(f"/tasks/{task['id']}", json={"description": str(n)}, headers=auth)

    first = client.get(f"/tasks/{task['id']}/history?limit=4", headers=auth)
    second = client.get(f"/tasks/{task['id']}/history?skip=4&limit=4", headers=auth)

    versions = [e["version"] for e in first.json() + second.json()]
    assert versions == list(range(1, 8))
    assert first.headers["x-total-count"] == "7"


def test_the_history_of_an_unknown_task_is_not_found(
    client: TestClient, auth: Headers
) -> None:
    assert client.get(f"/tasks/{uuid4()}/history", headers=auth).status_code == 404


def test_a_task_can_be_read_as_it_was(client: TestClient, auth: Headers) -> None:
    task = create(client, auth, "Then")
    url = f"/tasks/{task['id']}"
    renamed = client.patch(url, json={"title": "Now"}, headers=auth).json()
    client.delete(url, headers=auth)
    created_at = datetime.fromisoformat(task["created_at"])

    at_one = client.get(f"{url}?version=1", headers=auth)
    at_two = client.get(f"{url}?version=2", headers=auth)
    at_creation = client.get(
        f"{url}", params={"as_of": task["created_at"]}, headers=auth
    )
    before = client.get(
        url,
        params={"as_of": (created_at - timedelta(seconds=1)).isoformat()},
        headers=auth,
    )
    deleted = client.get(f"{url}?version=3", headers=auth)
    beyond = client.get(f"{url}?version=9", headers=auth)
    both = client.get(f"{url}?version=1&as_of=0", headers=auth)

    assert at_one.json() == task
    assert at_two.json() == renamed
    assert at_creation.json() == task
    assert [before.status_code, deleted.status_code, beyond.status_code] == [404] * 3
    assert both.status_code == 400


changes = st.fixed_dictionaries(
    {},
    optional={
        "title": st.sampled_from(["Alpha", "Beta", "Gamma"]),
        "description": st.none() | st.sampled_from(["x", "y"]),
        "status": st.sampled_from(["PENDING", "IN_PROGRESS", "COMPLETED"]),
    },
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(changes, max_size=6))
def test_history_and_time_travel_agree_with_every_state_a_client_saw(
    client: TestClient, auth: Headers, history: list[dict[str, Any]]
) -> None:
    task = create(client, auth, f"Timeline {uuid4()}")
    url = f"/tasks/{task['id']}"
    states = {1: task}
    for change in history:
        state = client.patch(url, json=change, headers=auth).json()
        states[state["version"]] = state

    entries = client.get(f"{url}/history?limit=100", headers=auth).json()

    assert [e["version"] for e in entries] == sorted(states)
    for version, state in states.items():
        assert client.get(f"{url}?version={version}", headers=auth).json() == state
        for field in ("title", "description", "status"):
            entry = next(e for e in entries if e["version"] == version)
            if field in entry["changes"]:
                assert entry["changes"][field]["new"] == state[field]
    client.delete(url, headers=auth)

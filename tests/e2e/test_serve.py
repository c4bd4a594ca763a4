"""`./dev serve` as the README runs it: embedded PostgreSQL, real HTTP."""

import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import httpx
import pytest

from tests.e2e.conftest import Service, free_port, log_in, serve

pytestmark = pytest.mark.e2e


def test_the_readme_session_works_over_real_http(served: Service) -> None:
    url = served.url
    created_user = httpx.post(
        f"{url}/auth/create", json={"username": "ada", "password": "s3cret-pass"}
    )
    token = httpx.post(
        f"{url}/auth/login", data={"username": "ada", "password": "s3cret-pass"}
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}

    created = httpx.post(
        f"{url}/tasks/", json={"title": "Write the release notes"}, headers=auth
    )
    task_url = url + created.headers["location"]
    listed = httpx.get(f"{url}/tasks/?status=PENDING", headers=auth)
    updated = httpx.patch(task_url, json={"status": "IN_PROGRESS"}, headers=auth)
    deleted = httpx.delete(task_url, headers=auth)
    gone = httpx.get(task_url, headers=auth)

    assert created_user.status_code == 201
    assert created.status_code == 201
    assert [task["title"] for task in listed.json()] == ["Write the release notes"]
    assert updated.json()["status"] == "IN_PROGRESS"
    assert deleted.status_code == 204
    assert gone.status_code == 404


def test_simultaneous_creates_of_one_title_give_one_201_and_only_409s(
    served: Service,
) -> None:
    auth = log_in(served.url, "racer")
    contenders = 16
    barrier = Barrier(contenders)

    def attempt(_: int) -> int:
        with httpx.Client(base_url=served.url, headers=auth, timeout=30) as client:
            barrier.wait()
            return client.post("/tasks/", json={"title": "Contested"}).status_code

    with ThreadPoolExecutor(contenders) as executor:
        statuses = list(executor.map(attempt, range(contenders)))

    assert sorted(statuses) == [201] + [409] * (contenders - 1)


def test_simultaneous_renames_to_one_title_leave_one_winner(served: Service) -> None:
    auth = log_in(served.url, "renamer")
    contenders = 12
    ids = [
        httpx.post(
            f"{served.url}/tasks/", json={"title": f"Rename me {n}"}, headers=auth
        ).json()["id"]
        for n in range(contenders)
    ]
    barrier = Barrier(contenders)

    def attempt(task_id: str) -> int:
        with httpx.Client(base_url=served.url, headers=auth, timeout=30) as client:
            barrier.wait()
            return client.patch(
                f"/tasks/{task_id}", json={"title": "Crowned"}
            ).status_code

    with ThreadPoolExecutor(contenders) as executor:
        statuses = list(executor.map(attempt, ids))

    assert sorted(statuses) == [200] + [409] * (contenders - 1)
    titles = [
        httpx.get(f"{served.url}/tasks/{task_id}", headers=auth).json()["title"]
        for task_id in ids
    ]
    assert titles.count("Crowned") == 1


def test_tasks_survive_a_restart_of_the_service(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = serve(data_dir, free_port())
    auth = log_in(first.url, "keeper")
    task = httpx.post(
        f"{first.url}/tasks/", json={"title": "Still here"}, headers=auth
    ).json()
    assert first.stop(signal.SIGTERM) == 0

    second = serve(data_dir, free_port())
    try:
        fetched = httpx.get(f"{second.url}/tasks/{task['id']}", headers=auth)
        logged_in_again = log_in(second.url, "keeper")
    finally:
        second.stop()

    assert fetched.json() == task
    assert logged_in_again

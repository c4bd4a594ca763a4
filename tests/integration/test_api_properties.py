"""The API as a whole behaves like a simple model of a shared task pool.

Hypothesis drives random sequences of creates, renames, status changes,
description edits and deletes, including colliding and invalid titles, and
after every step compares the whole list the API returns with the model.
"""

import unicodedata
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)
from litestar.testing import TestClient

from domain.text import comparison_key

pytestmark = pytest.mark.integration

titles = st.sampled_from(
    ["Alpha", "alpha ", "  ALPHA", "Beta", "beta", "Gamma", "Caf\u00e9", "CAFE\u0301"]
)
bad_titles = st.sampled_from(["", "   ", "x" * 201, "tab\there"])
statuses = st.sampled_from(["PENDING", "IN_PROGRESS", "COMPLETED"])
descriptions = st.none() | st.sampled_from(["", "notes", "more notes"])


def stored(title: str) -> str:
    """A title as the service keeps it: composed and trimmed."""
    return unicodedata.normalize("NFC", title).strip()


def newest_first(task: dict[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(task["created_at"]), task["id"]


class TaskPoolModel(RuleBasedStateMachine):
    client: TestClient
    auth: dict[str, str]

    tasks = Bundle("tasks")

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, dict[str, Any]] = {}

    def taken(self, title: str, by_other_than: str | None = None) -> bool:
        key = comparison_key(title)
        return any(
            comparison_key(task["title"]) == key and task_id != by_other_than
            for task_id, task in self.model.items()
        )

    @rule(target=tasks, title=titles, status=statuses, description=descriptions)
    def create(self, title: str, status: str, description: str | None) -> str:
        response = self.client.post(
            "/tasks/",
            json={"title": title, "status": status, "description": description},
            headers=self.auth,
        )
        if self.taken(title):
            assert response.status_code == 409
            return ""
        assert response.status_code == 201, response.text
        task = response.json()
        assert task["title"] == stored(title)
        self.model[task["id"]] = task
        return str(task["id"])

    @rule(title=bad_titles)
    def create_invalid(self, title: str) -> None:
        response = self.client.post("/tasks/", json={"title": title}, headers=self.auth)
        assert response.status_code == 400

    @rule(task_id=tasks, title=titles)
    def rename(self, task_id: str, title: str) -> None:
        response = self.client.patch(
            f"/tasks/{task_id or UUID(int=0)}",
            json={"title": title},
            headers=self.auth,
        )
        if task_id not in self.model:
            assert response.status_code == 404
        elif self.taken(title, by_other_than=task_id):
            assert response.status_code == 409
        else:
            assert response.status_code == 200, response.text
            self.expect_update(task_id, response.json(), title=stored(title))

    @rule(task_id=tasks, status=statuses, description=descriptions)
    def edit(self, task_id: str, status: str, description: str | None) -> None:
        if task_id not in self.model:
            return
        response = self.client.patch(
            f"/tasks/{task_id}",
            json={"status": status, "description": description},
            headers=self.auth,
        )
        assert response.status_code == 200, response.text
        self.expect_update(
            task_id, response.json(), status=status, description=description
        )

    @rule(task_id=consumes(tasks))
    def delete(self, task_id: str) -> None:
        if task_id not in self.model:
            return
        response = self.client.delete(f"/tasks/{task_id}", headers=self.auth)
        assert response.status_code == 204
        del self.model[task_id]
        assert (
            self.client.get(f"/tasks/{task_id}", headers=self.auth).status_code == 404
        )

    def expect_update(
        self, task_id: str, returned: dict[str, Any], **changes: Any
    ) -> None:
        before = self.model[task_id]
        changed = any(before[field] != value for field, value in changes.items())
        assert returned["version"] == before["version"] + (1 if changed else 0)
        for field, value in changes.items():
            assert returned[field] == value
        self.model[task_id] = returned

    @invariant()
    def the_list_matches_the_model(self) -> None:
        response = self.client.get("/tasks", params={"limit": 100}, headers=self.auth)
        expected = sorted(self.model.values(), key=newest_first, reverse=True)
        assert response.json() == expected
        assert response.headers["x-total-count"] == str(len(expected))

    def teardown(self) -> None:
        # Clear what the API holds, not what the model thinks: a failed
        # example must not leave tasks behind for the next one.
        listed = self.client.get("/tasks", params={"limit": 100}, headers=self.auth)
        for task in listed.json():
            self.client.delete(f"/tasks/{task['id']}", headers=self.auth)


def test_the_api_behaves_like_a_model_of_the_pool(
    client: TestClient, auth: dict[str, str]
) -> None:
    TaskPoolModel.client = client
    TaskPoolModel.auth = auth

    run_state_machine_as_test(
        TaskPoolModel,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

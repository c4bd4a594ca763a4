"""The /tasks routes over HTTP, against real PostgreSQL and a live projector."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from litestar.testing import TestClient

from tests.integration.conftest import create, sign_up

pytestmark = pytest.mark.integration

Headers = dict[str, str]


def test_a_created_task_is_returned_with_its_location(
    client: TestClient, auth: Headers
) -> None:
    response = client.post(
        "/tasks/",
        json={"title": "Write notes", "description": "for Monday"},
        headers=auth,
    )

    assert response.status_code == 201
    task = response.json()
    assert response.headers["location"] == f"/tasks/{task['id']}"
    assert task["status"] == "PENDING"
    assert task["version"] == 1
    assert task["created_at"] == task["updated_at"]
    assert set(task) == {
        "id",
        "title",
        "description",
        "status",
        "created_at",
        "updated_at",
        "created_by",
        "version",
    }


def test_a_write_is_seen_at_once_by_the_writer_in_every_read(
    client: TestClient, auth: Headers
) -> None:
    task = create(client, auth, "Seen at once")
    assert client.get(f"/tasks/{task['id']}", headers=auth).json() == task
    assert client.get("/tasks", headers=auth).json() == [task]

    updated = client.patch(
        f"/tasks/{task['id']}", json={"status": "COMPLETED"}, headers=auth
    ).json()
    assert client.get(f"/tasks/{task['id']}", headers=auth).json() == updated
    assert client.get("/tasks", headers=auth).json() == [updated]

    client.delete(f"/tasks/{task['id']}", headers=auth)
    assert client.get(f"/tasks/{task['id']}", headers=auth).status_code == 404
    assert client.get("/tasks", headers=auth).json() == []


def test_routes_work_with_and_without_the_trailing_slash(
    client: TestClient, auth: Headers
) -> None:
    created = client.post("/tasks", json={"title": "No slash"}, headers=auth)
    listed_without = client.get("/tasks", headers=auth)
    listed_with = client.get("/tasks/", headers=auth)

    assert created.status_code == 201
    assert listed_without.json() == listed_with.json() == [created.json()]


def test_the_list_is_newest_first_and_pages_never_repeat_or_skip(
    client: TestClient, auth: Headers
) -> None:
    ids = [create(client, auth, f"Task {n}")["id"] for n in range(7)]

    pages = [
        client.get("/tasks", params={"skip": skip, "limit": 3}, headers=auth)
        for skip in (0, 3, 6)
    ]

    listed = [task["id"] for page in pages for task in page.json()]
    assert listed == list(reversed(ids))
    assert {page.headers["x-total-count"] for page in pages} == {"7"}


def test_the_list_filters_by_status(client: TestClient, auth: Headers) -> None:
    done = create(client, auth, "Done", status="COMPLETED")
    create(client, auth, "Pending")

    response = client.get("/tasks", params={"status": "COMPLETED"}, headers=auth)

    assert response.json() == [done]
    assert response.headers["x-total-count"] == "1"


def test_the_list_filters_to_tasks_created_strictly_before_an_instant(
    client: TestClient, auth: Headers
) -> None:
    first = create(client, auth, "First")
    second = create(client, auth, "Second")
    instant = datetime.fromisoformat(second["created_at"])

    as_iso = client.get(
        "/tasks", params={"created_at": instant.isoformat()}, headers=auth
    )
    as_epoch = client.get(
        "/tasks",
        params={"created_at": str((instant + timedelta(hours=1)).timestamp())},
        headers=auth,
    )

    assert as_iso.json() == [first]
    assert [task["id"] for task in as_epoch.json()] == [second["id"], first["id"]]


def test_a_partial_update_changes_only_the_given_fields(
    client: TestClient, auth: Headers
) -> None:
    task = create(client, auth, "Draft", description="keep me")

    response = client.patch(
        f"/tasks/{task['id']}", json={"status": "IN_PROGRESS"}, headers=auth
    )

    updated = response.json()
    assert response.status_code == 200
    assert updated["description"] == "keep me"
    assert updated["title"] == "Draft"
    assert updated["status"] == "IN_PROGRESS"
    assert updated["version"] == 2
    assert updated["updated_at"] > task["updated_at"]


def test_a_null_description_clears_it(client: TestClient, auth: Headers) -> None:
    task = create(client, auth, "Draft", description="remove me")

    response = client.patch(
        f"/tasks/{task['id']}", json={"description": None}, headers=auth
    )

    assert response.json()["description"] is None


def test_an_update_that_changes_nothing_keeps_the_version(
    client: TestClient, auth: Headers
) -> None:
    task = create(client, auth, "Same")

    response = client.patch(
        f"/tasks/{task['id']}",
        json={"title": "Same", "status": "PENDING"},
        headers=auth,
    )

    assert response.status_code == 200
    assert response.json() == task


@pytest.mark.parametrize("field", ["title", "status"])
def test_a_null_title_or_status_is_refused(
    client: TestClient, auth: Headers, field: str
) -> None:
    task = create(client, auth, "Keep")

    response = client.patch(f"/tasks/{task['id']}", json={field: None}, headers=auth)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert client.get(f"/tasks/{task['id']}", headers=auth).json() == task


def test_a_taken_title_is_a_conflict_on_create_and_rename(
    client: TestClient, auth: Headers
) -> None:
    create(client, auth, "Buy milk")
    other = create(client, auth, "Buy bread")

    on_create = client.post("/tasks/", json={"title": "BUY  MILK"}, headers=auth)
    on_rename = client.patch(
        f"/tasks/{other['id']}", json={"title": " buy milk"}, headers=auth
    )

    assert on_create.status_code == on_rename.status_code == 409
    assert on_create.headers["content-type"] == "application/problem+json"


def test_deleting_frees_the_title(client: TestClient, auth: Headers) -> None:
    task = create(client, auth, "Reusable")

    deleted = client.delete(f"/tasks/{task['id']}", headers=auth)
    again = client.delete(f"/tasks/{task['id']}", headers=auth)
    reused = client.post("/tasks/", json={"title": "reusable"}, headers=auth)

    assert deleted.status_code == 204
    assert again.status_code == 404
    assert reused.status_code == 201


def test_tasks_are_shared_by_the_team(client: TestClient, auth: Headers) -> None:
    task = create(client, auth, "Shared")
    colleague = sign_up(client, "grace")

    seen = client.get(f"/tasks/{task['id']}", headers=colleague)
    renamed = client.patch(
        f"/tasks/{task['id']}", json={"title": "Shared, renamed"}, headers=colleague
    )

    assert seen.json() == task
    assert renamed.status_code == 200
    assert renamed.json()["created_by"] == task["created_by"]


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_unknown_task_is_not_found(
    client: TestClient, auth: Headers, method: str
) -> None:
    kwargs: dict[str, Any] = {"json": {"title": "x"}} if method == "patch" else {}

    response = getattr(client, method)(f"/tasks/{uuid4()}", headers=auth, **kwargs)

    assert response.status_code == 404
    assert response.json()["status"] == 404


BAD_CREATES = [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "\u200b\u00ad"}, "title"),
    ({"title": "evil\u202etxt.exe"}, "title"),
    ({"title": "nul\x00inside"}, "title"),
    ({"title": 42}, "title"),
    ({"title": "ok", "status": "pending"}, "status"),
    ({"title": "ok", "status": "DONE"}, "status"),
    ({"title": "ok", "description": 5}, "description"),
    ({"title": "ok", "description": "bell\x07"}, "description"),
    ({"title": "ok", "colour": "red"}, "colour"),
    ({}, "title"),
]


@pytest.mark.parametrize(("body", "field"), BAD_CREATES)
def test_a_bad_create_names_the_field_and_stores_nothing(
    client: TestClient, auth: Headers, body: dict[str, Any], field: str
) -> None:
    response = client.post("/tasks/", json=body, headers=auth)

    assert response.status_code == 400
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in problem["errors"]]
    assert client.get("/tasks", headers=auth).headers["x-total-count"] == "0"


def test_an_unknown_status_error_lists_the_allowed_values(
    client: TestClient, auth: Headers
) -> None:
    response = client.post(
        "/tasks/", json={"title": "ok", "status": "completed"}, headers=auth
    )

    assert "PENDING, IN_PROGRESS, COMPLETED" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "body", [b"{not json", b"", b"[]", b'"title"', b'{"title": "a"', b"\xff\xfe"]
)
def test_a_malformed_body_is_a_clear_400(
    client: TestClient, auth: Headers, body: bytes
) -> None:
    response = client.post(
        "/tasks/",
        content=body,
        headers={**auth, "content-type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"skip": -1}, "skip"),
        ({"skip": 2**63}, "skip"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"status": "pending"}, "status"),
        ({"created_at": "2026-01-31T09:30:00"}, "created_at"),
        ({"created_at": "last week"}, "created_at"),
        ({"created_at": "\u0661\u0662"}, "created_at"),
    ],
)
def test_bad_list_parameters_name_the_field(
    client: TestClient, auth: Headers, params: dict[str, Any], field: str
) -> None:
    response = client.get("/tasks", params=params, headers=auth)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_invalid_task_id_is_a_clear_400(
    client: TestClient, auth: Headers, method: str
) -> None:
    kwargs: dict[str, Any] = {"json": {}} if method == "patch" else {}

    response = getattr(client, method)("/tasks/not-a-uuid", headers=auth, **kwargs)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "task_id"


def test_a_bad_update_changes_nothing(client: TestClient, auth: Headers) -> None:
    task = create(client, auth, "Untouched")

    responses = [
        client.patch(f"/tasks/{task['id']}", json=body, headers=auth)
        for body in (
            {"title": "  "},
            {"status": "done"},
            {"title": "ok", "status": "nope"},
            {"tittle": "typo"},
        )
    ]

    assert [r.status_code for r in responses] == [400] * 4
    assert client.get(f"/tasks/{task['id']}", headers=auth).json() == task


def test_unknown_routes_and_methods_answer_with_problems(
    client: TestClient, auth: Headers
) -> None:
    missing = client.get("/nowhere")
    not_allowed = client.put("/tasks/", json={}, headers=auth)

    assert missing.status_code == 404
    assert not_allowed.status_code == 405
    assert missing.json()["status"] == 404
    assert not_allowed.json()["status"] == 405


def test_a_title_is_limited_after_trimming_and_composing(
    client: TestClient, auth: Headers
) -> None:
    padded = client.post("/tasks/", json={"title": f" {'c' * 200} "}, headers=auth)
    decomposed = client.post("/tasks/", json={"title": "e\u0301" * 200}, headers=auth)

    assert padded.status_code == decomposed.status_code == 201


def test_an_invisible_character_does_not_make_a_title_new(
    client: TestClient, auth: Headers
) -> None:
    create(client, auth, "ab")

    responses = [
        client.post("/tasks/", json={"title": f"a{char}b"}, headers=auth)
        for char in ("\ufe0f", "\u034f", "\u200b", "\u3164", "\u00ad")
    ]

    assert [r.status_code for r in responses] == [409] * 5


def test_a_deeply_nested_body_is_a_clear_400(client: TestClient, auth: Headers) -> None:
    nested = "[" * 5000 + "]" * 5000

    responses = [
        client.post(
            "/tasks/",
            content=nested,
            headers={**auth, "content-type": "application/json"},
        ),
        client.post(
            "/auth/create",
            content=f'{{"username": "a", "password": "b", "x": {nested}}}',
            headers={"content-type": "application/json"},
        ),
    ]

    assert [r.status_code for r in responses] == [400, 400]
    assert responses[0].json()["errors"][0]["field"] == "body"


def test_a_body_over_the_limit_is_refused_with_413(
    client: TestClient, auth: Headers
) -> None:
    huge = {"title": "big", "description": "x" * 300_000}

    response = client.post("/tasks/", json=huge, headers=auth)

    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_many_simultaneous_edits_of_one_task_all_succeed(
    client: TestClient, auth: Headers
) -> None:
    task = create(client, auth, "Busy")

    def edit(n: int) -> int:
        body = {"description": f"edit {n}"}
        return client.patch(f"/tasks/{task['id']}", json=body, headers=auth).status_code

    with ThreadPoolExecutor(12) as executor:
        statuses = list(executor.map(edit, range(24)))

    assert statuses == [200] * 24
    final = client.get(f"/tasks/{task['id']}", headers=auth).json()
    assert final["version"] == 25

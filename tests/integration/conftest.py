from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from interfaces.composition import System


@pytest.fixture
def client(system: System, running_projector: None) -> Iterator[TestClient]:
    with TestClient(system.http_app()) as test_client:
        yield test_client


def sign_up(client: TestClient, username: str = "ada") -> dict[str, str]:
    """Create a user, log in, and return the headers that carry the token."""
    password = "correct horse battery"
    created = client.post(
        "/auth/create", json={"username": username, "password": password}
    )
    assert created.status_code == 201, created.text
    login = client.post(
        "/auth/login", data={"username": username, "password": password}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def create(client: TestClient, auth: dict[str, str], title: str, **fields: Any) -> Any:
    """Create a task over HTTP and return it, failing the test if that fails."""
    response = client.post("/tasks/", json={"title": title, **fields}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    return sign_up(client)

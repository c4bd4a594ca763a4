"""Logs carry ids and fields, never passwords or tokens."""

import json
import logging

import pytest
from litestar.testing import TestClient

from interfaces.logs import JsonFormatter

pytestmark = pytest.mark.integration

PASSWORD = "a very secret password"


def test_no_log_line_holds_a_password_or_a_token(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    client.post("/auth/create", json={"username": "quiet", "password": PASSWORD})
    token = client.post(
        "/auth/login", data={"username": "quiet", "password": PASSWORD}
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    client.post("/tasks/", json={"title": "Logged"}, headers=auth)
    client.get("/tasks", headers={"Authorization": f"Bearer {token}x"})
    client.post("/auth/login", data={"username": "quiet", "password": PASSWORD + "!"})

    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    assert lines
    for line in lines:
        assert PASSWORD not in line
        assert token not in line
        json.loads(line)

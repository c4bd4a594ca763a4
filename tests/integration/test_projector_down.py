"""Writes with no projector running: they still answer, within the wait bound."""

import dataclasses

import pytest
from litestar.testing import TestClient

from interfaces.composition import System
from tests.integration.conftest import sign_up

pytestmark = pytest.mark.integration


def test_a_write_answers_after_the_wait_bound_when_no_projector_runs(
    system: System,
) -> None:
    system.settings = dataclasses.replace(system.settings, projection_wait_seconds=0.5)
    with TestClient(system.http_app()) as client:
        auth = sign_up(client)

        response = client.post("/tasks/", json={"title": "Unprojected"}, headers=auth)

        system.projector().catch_up()
        listed = client.get("/tasks", headers=auth)

    assert response.status_code == 201
    assert [task["id"] for task in listed.json()] == [response.json()["id"]]

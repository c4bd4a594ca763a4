"""The OpenAPI document and the Swagger UI that people use the service through."""

import re
from typing import Any

import pytest
from litestar.testing import TestClient

pytestmark = pytest.mark.integration

EXPECTED_STATUSES = {
    ("/auth/create", "post"): {"201", "400", "409", "413", "503"},
    ("/auth/login", "post"): {"200", "400", "401", "413", "415", "503"},
    ("/tasks", "post"): {"201", "400", "401", "409", "413", "503"},
    ("/tasks", "get"): {"200", "400", "401", "503"},
    ("/tasks/{task_id}", "get"): {"200", "400", "401", "404", "503"},
    ("/tasks/{task_id}", "patch"): {
        "200",
        "400",
        "401",
        "404",
        "409",
        "412",
        "413",
        "503",
    },
    ("/tasks/{task_id}", "delete"): {"204", "400", "401", "404", "409", "412", "503"},
    ("/tasks/{task_id}/history", "get"): {"200", "400", "401", "404", "503"},
    ("/asyncapi.json", "get"): {"200"},
    ("/health", "get"): {"200"},
    ("/ready", "get"): {"200", "503"},
    ("/metrics", "get"): {"200"},
}


@pytest.fixture
def document(client: TestClient) -> Any:
    response = client.get("/docs/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_route_lists_every_status_it_can_return(document: Any) -> None:
    listed = {
        (path, method): set(operation["responses"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }

    assert listed == EXPECTED_STATUSES


def test_task_routes_require_the_password_flow_token(document: Any) -> None:
    scheme = document["components"]["securitySchemes"]["OAuth2PasswordBearer"]

    assert scheme["flows"]["password"]["tokenUrl"] == "/auth/login"
    for path, operations in document["paths"].items():
        for operation in operations.values():
            secured = operation.get("security") == [{"OAuth2PasswordBearer": []}]
            assert secured == path.startswith("/tasks")


def test_login_documents_both_the_form_and_json(document: Any) -> None:
    content = document["paths"]["/auth/login"]["post"]["requestBody"]["content"]

    assert set(content) == {"application/x-www-form-urlencoded", "application/json"}


def test_the_docs_page_loads_every_asset_from_the_service_itself(
    client: TestClient,
) -> None:
    page = client.get("/docs")

    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert page.status_code == 200
    assert assets
    for asset in assets:
        assert asset.startswith("/docs/assets/"), asset
        assert client.get(asset).status_code == 200, asset


def test_the_event_stream_is_described_by_an_asyncapi_document(
    client: TestClient,
) -> None:
    document = client.get("/asyncapi.json").json()

    assert document["asyncapi"].startswith("3.")
    assert document["channels"]["taskEvents"]["address"] == "taskpool.task-events"
    envelope = document["components"]["schemas"]["TaskEventEnvelope"]
    assert set(envelope["required"]) == {
        "envelope_version",
        "event_id",
        "type",
        "task_id",
        "task_version",
        "position",
        "occurred_at",
        "actor",
        "data",
    }

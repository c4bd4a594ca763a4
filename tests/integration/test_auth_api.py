"""Signing up and logging in over HTTP."""

import time

import jwt
import pytest
from litestar.testing import TestClient

from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"


def test_a_new_user_is_returned_without_any_password(client: TestClient) -> None:
    response = client.post(
        "/auth/create", json={"username": "ada", "password": PASSWORD}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "ada"
    assert set(body) == {"id", "username", "created_at"}
    assert PASSWORD not in response.text


def test_a_taken_username_is_a_conflict_whatever_its_case(client: TestClient) -> None:
    client.post("/auth/create", json={"username": "ada", "password": PASSWORD})

    response = client.post(
        "/auth/create", json={"username": " ADA ", "password": PASSWORD}
    )

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


def test_login_takes_the_oauth2_form_and_json_alike(client: TestClient) -> None:
    client.post("/auth/create", json={"username": "ada", "password": PASSWORD})

    form = client.post("/auth/login", data={"username": "ada", "password": PASSWORD})
    as_json = client.post("/auth/login", json={"username": "Ada", "password": PASSWORD})

    for response in (form, as_json):
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 3600
        claims = jwt.decode(body["access_token"], TEST_SECRET, algorithms=["HS256"])
        assert {"sub", "iat", "exp"} <= set(claims)


def test_the_swagger_authorize_form_with_extra_fields_logs_in(
    client: TestClient,
) -> None:
    client.post("/auth/create", json={"username": "ada", "password": PASSWORD})

    response = client.post(
        "/auth/login",
        data={
            "grant_type": "password",
            "username": "ada",
            "password": PASSWORD,
            "scope": "",
            "client_id": "",
        },
    )

    assert response.status_code == 200


def test_wrong_username_and_wrong_password_get_the_same_answer(
    client: TestClient,
) -> None:
    client.post("/auth/create", json={"username": "ada", "password": PASSWORD})

    wrong_password = client.post(
        "/auth/login", data={"username": "ada", "password": "not the password"}
    )
    wrong_user = client.post(
        "/auth/login", data={"username": "grace", "password": PASSWORD}
    )

    assert wrong_password.status_code == wrong_user.status_code == 401
    assert wrong_password.json() == wrong_user.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "ada"}, "password"),
        ({"username": "ada", "password": "short"}, "password"),
        ({"username": "two words", "password": PASSWORD}, "username"),
        ({"username": "", "password": PASSWORD}, "username"),
        ({"username": 5, "password": PASSWORD}, "username"),
        ({"username": "ada", "password": PASSWORD, "admin": True}, "admin"),
    ],
)
def test_a_bad_sign_up_names_the_field_and_creates_nobody(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    response = client.post("/auth/create", json=body)

    assert response.status_code == 400
    assert field in [error["field"] for error in response.json()["errors"]]
    login = client.post("/auth/login", json={"username": "ada", "password": PASSWORD})
    assert login.status_code == 401


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": {"username": "ada"}}, 400),
        (
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
        ),
        ({"content": b"<xml/>", "headers": {"content-type": "application/xml"}}, 415),
        ({"json": {"username": "ada", "password": 1}}, 400),
        ({"json": []}, 400),
        ({"data": {"username": "ada", "password": "x" * 2000}}, 400),
    ],
)
def test_a_malformed_login_is_refused_clearly(
    client: TestClient, kwargs: dict[str, object], status: int
) -> None:
    response = client.post("/auth/login", **kwargs)  # type: ignore[arg-type]

    assert response.status_code == status
    assert response.json()["status"] == status
    for error in response.json().get("errors", []):
        assert error["field"] in ("body", "username", "password")
        assert "$." not in error["message"]


def forge(claims: dict[str, object], key: str = TEST_SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=alg)


def valid_claims(client: TestClient) -> dict[str, object]:
    created = client.post(
        "/auth/create", json={"username": "ada", "password": PASSWORD}
    ).json()
    now = int(time.time())
    return {"sub": created["id"], "iat": now, "exp": now + 60}


@pytest.mark.parametrize(
    "make_header",
    [
        pytest.param(lambda claims: None, id="missing"),
        pytest.param(lambda claims: "Bearer", id="empty-bearer"),
        pytest.param(lambda claims: "Basic YWRhOnB3", id="other-scheme"),
        pytest.param(lambda claims: "Bearer not-a-jwt", id="malformed"),
        pytest.param(
            lambda claims: "Bearer " + forge({**claims, "exp": claims["iat"] - 120}),
            id="expired",
        ),
        pytest.param(
            lambda claims: "Bearer " + forge(claims, key="another-secret-" * 4),
            id="wrongly-signed",
        ),
        pytest.param(
            lambda claims: "Bearer " + forge(claims, key=TEST_SECRET * 2, alg="HS512"),
            id="other-algorithm",
        ),
        pytest.param(
            lambda claims: "Bearer " + jwt.encode(claims, None, algorithm="none"),
            id="unsigned",
        ),
    ],
)
def test_every_task_route_refuses_a_missing_or_bad_token_with_401(
    client: TestClient, make_header: object
) -> None:
    claims = valid_claims(client)
    header = make_header(claims)  # type: ignore[operator]
    headers = {} if header is None else {"Authorization": header}
    task_url = "/tasks/00000000-0000-0000-0000-000000000001"

    responses = [
        client.get("/tasks/", headers=headers),
        client.post("/tasks/", json={"title": "x"}, headers=headers),
        client.get(task_url, headers=headers),
        client.patch(task_url, json={"title": "y"}, headers=headers),
        client.delete(task_url, headers=headers),
    ]

    assert [r.status_code for r in responses] == [401] * 5
    assert all(r.headers["www-authenticate"] == "Bearer" for r in responses)
    assert all(r.json()["status"] == 401 for r in responses)

import time
from uuid import uuid4

import jwt
import pytest

from interfaces.http.security import InvalidToken, TokenService

SECRET = "a-test-signing-secret-long-enough-for-every-hmac-algorithm-0123456789"


@pytest.fixture
def tokens() -> TokenService:
    return TokenService(secret=SECRET, algorithm="HS256", ttl_seconds=60)


def test_an_issued_token_names_its_user_and_expires(tokens: TokenService) -> None:
    user_id = uuid4()

    issued = tokens.issue(user_id)

    claims = jwt.decode(issued.token, SECRET, algorithms=["HS256"])
    assert claims["sub"] == str(user_id)
    assert claims["exp"] - claims["iat"] == issued.expires_in == 60
    assert tokens.verify(issued.token).user_id == user_id


def forge(
    claims: dict[str, object], key: str = SECRET, algorithm: str = "HS256"
) -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def now() -> int:
    return int(time.time())


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(
            forge({"sub": str(uuid4()), "iat": now() - 120, "exp": now() - 60}),
            id="expired",
        ),
        pytest.param(
            forge({"sub": str(uuid4()), "iat": now(), "exp": now() + 60}, key="x" * 40),
            id="wrong-signature",
        ),
        pytest.param(
            forge(
                {"sub": str(uuid4()), "iat": now(), "exp": now() + 60},
                algorithm="HS512",
            ),
            id="other-algorithm",
        ),
        pytest.param(
            jwt.encode(
                {"sub": str(uuid4()), "iat": now(), "exp": now() + 60},
                key=None,
                algorithm="none",
            ),
            id="unsigned",
        ),
        pytest.param(forge({"sub": str(uuid4()), "iat": now()}), id="no-expiry"),
        pytest.param(forge({"iat": now(), "exp": now() + 60}), id="no-subject"),
        pytest.param(
            forge({"sub": "root", "iat": now(), "exp": now() + 60}), id="subject-not-id"
        ),
        pytest.param("not.a.token", id="malformed"),
        pytest.param("", id="empty"),
    ],
)
def test_a_token_that_is_not_exactly_right_is_refused(
    tokens: TokenService, token: str
) -> None:
    with pytest.raises(InvalidToken):
        tokens.verify(token)

import pytest

from domain.errors import InvalidValue
from domain.users import User, check_password, clean_username, user_id_for


def test_usernames_that_normalise_alike_are_one_user() -> None:
    assert user_id_for("Ada.Lovelace") == user_id_for("  ada.lovelace ")
    assert user_id_for("Jos\u00e9") == user_id_for("JOSE\u0301")


def test_a_registered_user_keeps_the_name_as_typed_but_trimmed() -> None:
    user = User.register(username=" Ada ", password_hash="hash")

    assert user.username == "Ada"
    assert user.id == user_id_for("ada")


@pytest.mark.parametrize("username", ["", "  ", "two words", "semi;colon", "a\x00"])
def test_a_malformed_username_is_invalid(username: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        clean_username(username)

    assert raised.value.field == "username"


@pytest.mark.parametrize("password", ["short", "x" * 1025, "nul\x00password"])
def test_a_weak_or_malformed_password_is_invalid(password: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        check_password(password)

    assert raised.value.field == "password"

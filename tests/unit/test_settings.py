import pytest

from infrastructure.settings import Settings, SettingsError


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})

    assert settings.database_url is None
    assert settings.port == 8000
    assert settings.jwt_algorithm == "HS256"


def test_every_setting_is_read_from_its_variable() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://u@db/taskpool",
            "TASKPOOL_PORT": "9000",
            "JWT_ALGORITHM": "hs512",
            "PROJECTION_WAIT_SECONDS": "0.5",
        }
    )

    assert settings.database_url == "postgresql://u@db/taskpool"
    assert settings.port == 9000
    assert settings.jwt_algorithm == "HS512"
    assert settings.projection_wait_seconds == 0.5


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"TASKPOOL_PORT": "eighty"}, "TASKPOOL_PORT"),
        ({"TASKPOOL_PORT": "70000"}, "TASKPOOL_PORT"),
        ({"JWT_ALGORITHM": "RS256"}, "JWT_ALGORITHM"),
        ({"JWT_SECRET": "short"}, "JWT_SECRET"),
        ({"POSTGRES_POOL_SIZE": "0"}, "POSTGRES_POOL_SIZE"),
    ],
)
def test_a_bad_setting_is_refused_naming_its_variable(
    env: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)

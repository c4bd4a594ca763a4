"""docker-compose.yml is valid Compose, checked by the Compose tool itself."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def compose_command() -> list[str]:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run(
            [docker, "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    if legacy:
        return [legacy]
    pytest.skip("neither 'docker compose' nor 'docker-compose' is installed")


def compose(*args: str, jwt_secret: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}
    if jwt_secret is not None:
        env["JWT_SECRET"] = jwt_secret
    return subprocess.run(
        [*compose_command(), "-f", str(ROOT / "docker-compose.yml"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


def test_the_compose_file_is_valid_and_runs_every_part() -> None:
    checked = compose("config", "-q", jwt_secret="s" * 40)
    services = compose("config", "--services", jwt_secret="s" * 40)

    assert checked.returncode == 0, checked.stderr
    assert set(services.stdout.split()) == {
        "postgres",
        "redis",
        "migrate",
        "api",
        "projector",
        "relay",
        "notifier",
    }


def test_the_compose_file_refuses_to_run_without_a_signing_secret() -> None:
    checked = compose("config", "-q", jwt_secret=None)

    assert checked.returncode != 0
    assert "JWT_SECRET" in checked.stderr

"""Running `taskpool` as its own processes, as a person or an operator would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
TASKPOOL = str(Path(sys.executable).with_name("taskpool"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(**overrides: str) -> dict[str, str]:
    """The caller's environment without any service setting, plus overrides."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "JWT_SECRET")
        and not key.startswith(("TASKPOOL_", "POSTGRES_"))
    }
    env.update(overrides)
    return env


@dataclass
class Service:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=30)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start(
    args: list[str], env: Mapping[str, str], log: Path, port: int | None = None
) -> Service:
    handle = log.open("ab")
    process = subprocess.Popen(
        args, cwd=ROOT, env=dict(env), stdout=handle, stderr=subprocess.STDOUT
    )
    return Service(process=process, url=f"http://127.0.0.1:{port}", log=log)


def wait_until_serving(service: Service, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            pytest.fail(f"taskpool exited early:\n{service.output()}")
        try:
            if httpx.get(f"{service.url}/docs/openapi.json").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    service.stop(signal.SIGKILL)
    pytest.fail(f"taskpool did not start within {timeout}s:\n{service.output()}")


def serve(data_dir: Path, port: int) -> Service:
    """`./dev serve`, the README's first command, on the embedded default."""
    service = start(
        [str(ROOT / "dev"), "serve", "--port", str(port)],
        service_env(TASKPOOL_DATA_DIR=str(data_dir)),
        data_dir.parent / f"serve-{port}.log",
        port,
    )
    wait_until_serving(service)
    return service


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data_dir = tmp_path_factory.mktemp("serve") / "data"
    service = serve(data_dir, free_port())
    yield service
    service.stop()


def log_in(url: str, username: str) -> dict[str, str]:
    password = "correct horse battery"
    httpx.post(f"{url}/auth/create", json={"username": username, "password": password})
    token = httpx.post(
        f"{url}/auth/login", data={"username": username, "password": password}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}

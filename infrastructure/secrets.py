"""The token-signing secret: configured, or generated once and kept on disk."""

import logging
import os
import secrets
from pathlib import Path

logger = logging.getLogger(__name__)


def signing_secret(configured: str | None, data_dir: Path) -> str:
    if configured:
        return configured
    path = data_dir / "jwt-secret"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    # Created readable by its owner only, and never overwritten: every process
    # sharing the data directory must sign with the same key.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secret)
    logger.warning(
        "JWT_SECRET is not set; generated one for this data directory",
        extra={"path": str(path)},
    )
    return secret

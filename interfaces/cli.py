"""The `taskpool` command: serve everything, or run each part on its own."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
import threading
from collections.abc import Iterable, Sequence
from types import FrameType
from uuid import UUID

import msgspec
import uvicorn

from application.errors import TaskNotFound
from infrastructure.audit import export_events, verify_read_table
from infrastructure.database import locate_database
from infrastructure.rebuild import ProgressBar, rebuild
from infrastructure.schema import migrate
from infrastructure.settings import Settings, SettingsError
from interfaces.composition import System
from interfaces.logs import configure_logging

# Each option, the environment variable it stands for, and its help.
_OPTIONS = {
    "database_url": ("DATABASE_URL", "PostgreSQL URL; unset, an embedded server runs"),
    "redis_url": ("REDIS_URL", "Redis URL; unset, an embedded server runs"),
    "data_dir": (
        "TASKPOOL_DATA_DIR",
        "directory for the embedded PostgreSQL and secrets",
    ),
    "host": ("TASKPOOL_HOST", "address the HTTP API listens on"),
    "port": ("TASKPOOL_PORT", "port the HTTP API listens on"),
    "log_level": ("LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR"),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    env = dict(os.environ)
    for option, (variable, _) in _OPTIONS.items():
        value = getattr(arguments, option, None)
        if value is not None:
            env[variable] = str(value)
    try:
        settings = Settings.from_env(env)
    except SettingsError as error:
        parser.error(str(error))
    configure_logging(settings.log_level)
    command = _COMMANDS[arguments.command]
    command(settings, arguments)
    return 0


def serve(settings: Settings, _: argparse.Namespace) -> None:
    """Every part in one process, schema created first.

    The projector, relay and notifier each run on a thread of their own, so
    that none of them competes with HTTP requests for the event loop.
    """
    database = locate_database(settings)
    migrate(database, settings)
    system = System.connect(settings, database=database)
    stop = threading.Event()
    workers = [
        threading.Thread(target=system.projector().run, args=(stop,), name="projector"),
        threading.Thread(
            target=asyncio.run, args=(system.relay().run(stop),), name="relay"
        ),
        threading.Thread(
            target=asyncio.run,
            args=(system.run_notifier(stop, _consumer_name()),),
            name="notifier",
        ),
    ]
    for worker in workers:
        worker.start()
    try:
        _run_http(system, settings)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        system.close()


def api(settings: Settings, _: argparse.Namespace) -> None:
    system = System.connect(settings)
    try:
        _run_http(system, settings)
    finally:
        system.close()


def project(settings: Settings, _: argparse.Namespace) -> None:
    system = System.connect(settings)
    try:
        system.projector().run(_stop_on_signal())
    finally:
        system.close()


def relay(settings: Settings, _: argparse.Namespace) -> None:
    system = System.connect(settings)
    try:
        asyncio.run(system.relay().run(_stop_on_signal()))
    finally:
        system.close()


def notify(settings: Settings, _: argparse.Namespace) -> None:
    system = System.connect(settings)
    try:
        asyncio.run(system.run_notifier(_stop_on_signal(), _consumer_name()))
    finally:
        system.close()


def _stop_on_signal() -> threading.Event:
    stop = threading.Event()

    def request_stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop


def _consumer_name() -> str:
    """Unique within the consumer group: one name per running process."""
    return f"{socket.gethostname()}-{os.getpid()}"


def migrate_schema(settings: Settings, _: argparse.Namespace) -> None:
    migrate(locate_database(settings), settings)


def history(settings: Settings, arguments: argparse.Namespace) -> None:
    """Print a task's events, oldest first, as JSON lines."""
    system = System.connect(settings, with_redis=False)
    try:
        entries = system.pool.history(_task_id(arguments.task_id))
    except TaskNotFound as error:
        raise SystemExit(f"taskpool history: {error}") from error
    finally:
        system.close()
    _print_lines(entries)


def export(settings: Settings, _: argparse.Namespace) -> None:
    """Print every stored task event, in store order, as JSON lines."""
    system = System.connect(settings, with_redis=False)
    try:
        _print_lines(export_events(system.pool))
    finally:
        system.close()


def verify(settings: Settings, _: argparse.Namespace) -> None:
    """Replay every task and report each whose read row disagrees; exit 1 if any."""
    system = System.connect(settings, with_redis=False)
    try:
        problems = verify_read_table(system.pool, system.database.conninfo)
    finally:
        system.close()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} task(s) disagree with their events", file=sys.stderr)
    if problems:
        raise SystemExit(1)


def rebuild_read_table(settings: Settings, _: argparse.Namespace) -> None:
    """Rebuild the read table from the first event, then switch to it."""
    system = System.connect(settings, with_redis=False)
    try:
        applied = rebuild(
            system.database.conninfo,
            system.pool,
            batch_size=settings.projection_batch_size,
            progress=ProgressBar(),
        )
    finally:
        system.close()
    print(f"rebuilt the read table from {applied} events and switched to it")


def _print_lines(records: Iterable[object]) -> None:
    out = sys.stdout.buffer
    for record in records:
        out.write(msgspec.json.encode(record) + b"\n")
    out.flush()


def _task_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise SystemExit(f"taskpool history: {text!r} is not a task id") from None


_COMMANDS = {
    "serve": serve,
    "api": api,
    "project": project,
    "relay": relay,
    "notify": notify,
    "migrate": migrate_schema,
    "history": history,
    "export": export,
    "verify": verify,
    "rebuild": rebuild_read_table,
}


def _run_http(system: System, settings: Settings) -> None:
    # uvicorn shuts down gracefully on SIGTERM or SIGINT, then raises the signal
    # again for the handler it found in place. This one turns it into a normal
    # exit, so that the caller's cleanup (projector, embedded server) runs.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, _exit_after_shutdown)
    config = uvicorn.Config(
        system.http_app(),
        host=settings.host,
        port=settings.port,
        log_config=None,
        lifespan="on",
    )
    uvicorn.Server(config).run()


def _exit_after_shutdown(_signal: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taskpool",
        description="A team's shared pool of tasks, event-sourced on PostgreSQL.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    helps = {
        "serve": "run every part in one process (creates the schema first)",
        "api": "run the HTTP API alone",
        "project": "run the projector alone: it keeps the read table up to date",
        "relay": "run the relay alone: it publishes events to the broker",
        "notify": "run the notification consumer alone",
        "migrate": "create the schema, once, before workers start",
        "history": "print a task's events as JSON lines",
        "export": "print every task event, in store order, as JSON lines",
        "verify": "check the read table against a replay of every task",
        "rebuild": "build the read table anew beside the live one, then switch",
    }
    for name, help_text in helps.items():
        command = commands.add_parser(name, help=help_text, description=help_text)
        for option, (variable, option_help) in _OPTIONS.items():
            if name not in ("serve", "api") and option in ("host", "port"):
                continue
            command.add_argument(
                "--" + option.replace("_", "-"),
                help=f"{option_help} (env {variable})",
            )
        if name == "history":
            command.add_argument("task_id", help="the task's id")
    return parser


if __name__ == "__main__":
    sys.exit(main())

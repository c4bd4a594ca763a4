"""A downstream consumer of taskpool's task events, written without FastStream.

    python examples/follow_events.py redis://127.0.0.1:6379/0 --group audit

It joins (or creates) a consumer group on the `taskpool.task-events` stream,
prints each event as one line, drops events it has already seen by their
`event_id`, and acknowledges what it has handled. Any language with a Redis
client can do the same: the envelope is plain JSON in the entry's `__data__`
field, described at /asyncapi.json.
"""

from __future__ import annotations

import argparse
import json
import socket

import redis

STREAM = "taskpool.task-events"


def ensure_group(client: redis.Redis, group: str) -> None:
    try:
        client.xgroup_create(STREAM, group, id="0", mkstream=True)
    except redis.ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


def follow(url: str, group: str, count: int | None) -> None:
    client = redis.Redis.from_url(url)
    ensure_group(client, group)
    consumer = socket.gethostname()
    seen: set[str] = set()
    handled = 0
    # First what this consumer was given but did not acknowledge, then new ones.
    for start in ("0", ">"):
        while count is None or handled < count:
            replies = client.xreadgroup(
                group, consumer, {STREAM: start}, count=100, block=2000
            )
            entries = replies[0][1] if replies else []
            if not entries:
                if start == "0":
                    break
                continue
            for entry_id, fields in entries:
                event = json.loads(fields[b"__data__"])
                if event["event_id"] not in seen:
                    seen.add(event["event_id"])
                    print(
                        event["position"],
                        event["type"],
                        event["task_id"],
                        json.dumps(event["data"]),
                    )
                    handled += 1
                client.xack(STREAM, group, entry_id)
        if count is not None and handled >= count:
            break


def main() -> None:
    parser = argparse.ArgumentParser(description="Follow taskpool's task events.")
    parser.add_argument("url", help="the broker's Redis URL")
    parser.add_argument("--group", default="example", help="consumer group to join")
    parser.add_argument("--count", type=int, help="stop after this many events")
    arguments = parser.parse_args()
    follow(arguments.url, arguments.group, arguments.count)


if __name__ == "__main__":
    main()

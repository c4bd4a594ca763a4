from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidValue, ReservationHeld, TaskAlreadyDeleted
from domain.tasks import (
    TITLE_MAX_LENGTH,
    Status,
    Task,
    TitleReservation,
)
from domain.text import comparison_key

ACTOR = UUID(int=1)

titles = st.text(min_size=0, max_size=TITLE_MAX_LENGTH + 5)
descriptions = st.none() | st.text(max_size=50)
statuses = st.sampled_from(list(Status))
commands = st.lists(
    st.one_of(
        st.tuples(st.just("rename"), titles),
        st.tuples(st.just("describe"), descriptions),
        st.tuples(st.just("set_status"), statuses),
        st.tuples(st.just("delete"), st.none()),
    ),
    max_size=15,
)


def new_task(title: str = "Write the notes") -> Task:
    return Task.create(
        title=title, description=None, status=Status.PENDING, actor=ACTOR
    )


def run(task: Task, command: tuple[str, object]) -> None:
    """Apply one command, as a client might send it; rejected ones are ignored."""
    name, value = command
    try:
        if name == "rename":
            task.update(actor=ACTOR, title=str(value))
        elif name == "describe":
            if value is None:
                task.update(actor=ACTOR, clear_description=True)
            else:
                task.update(actor=ACTOR, description=str(value))
        elif name == "set_status":
            assert isinstance(value, Status)
            task.update(actor=ACTOR, status=value)
        else:
            task.delete(actor=ACTOR)
    except (InvalidValue, TaskAlreadyDeleted):
        pass


def state(task: Task) -> tuple[object, ...]:
    return (
        task.id,
        task.title,
        task.description,
        task.status,
        task.created_by,
        task.created_at,
        task.updated_at,
        task.version,
        task.is_deleted,
    )


@settings(max_examples=200)
@given(commands)
def test_replaying_any_history_of_accepted_commands_rebuilds_the_same_state(
    history: list[tuple[str, object]],
) -> None:
    task = new_task()
    events = list(task.collect_events())
    for command in history:
        run(task, command)
        events.extend(task.collect_events())

    replayed = None
    for event in events:
        replayed = event.mutate(replayed)

    assert replayed is not None
    assert state(replayed) == state(task)


@settings(max_examples=200)
@given(commands)
def test_no_sequence_of_commands_yields_an_invalid_task(
    history: list[tuple[str, object]],
) -> None:
    task = new_task()

    for command in history:
        run(task, command)

    assert task.title == task.title.strip()
    assert 0 < len(task.title) <= TITLE_MAX_LENGTH
    assert not any(ord(char) < 32 for char in task.title)
    assert isinstance(task.status, Status)
    assert task.version >= 1


def test_a_new_task_is_pending_by_default_and_records_who_created_it() -> None:
    task = new_task()

    assert task.status is Status.PENDING
    assert task.created_by == ACTOR
    assert task.version == 1


def test_an_update_records_only_the_fields_that_changed() -> None:
    task = new_task()
    task.collect_events()

    task.update(actor=ACTOR, title="Write the notes", status=Status.COMPLETED)

    (event,) = task.collect_events()
    assert isinstance(event, Task.TaskUpdated)
    assert event.changes == {"status": "COMPLETED"}
    assert event.actor == ACTOR


def test_an_update_that_changes_nothing_records_no_event() -> None:
    task = new_task()
    task.collect_events()

    changed = task.update(actor=ACTOR, title=" Write the notes ", status=Status.PENDING)

    assert not changed
    assert task.collect_events() == []


def test_clearing_the_description_records_it_as_null() -> None:
    task = new_task()
    task.update(actor=ACTOR, description="details")
    task.collect_events()

    task.update(actor=ACTOR, clear_description=True)

    (event,) = task.collect_events()
    assert isinstance(event, Task.TaskUpdated)
    assert event.changes == {"description": None}
    assert task.description is None


def test_a_deleted_task_accepts_no_changes() -> None:
    task = new_task()
    task.delete(actor=uuid4())

    with pytest.raises(TaskAlreadyDeleted):
        task.update(actor=ACTOR, title="Again")
    with pytest.raises(TaskAlreadyDeleted):
        task.delete(actor=ACTOR)


def test_every_event_has_a_stable_explicit_topic() -> None:
    task = new_task()
    task.update(actor=ACTOR, title="Other")
    task.delete(actor=ACTOR)

    topics = [type(event).TOPIC for event in task.collect_events()]

    assert topics == [
        "taskpool.TaskCreated",
        "taskpool.TaskUpdated",
        "taskpool.TaskDeleted",
    ]


def test_a_reservation_is_keyed_by_the_comparison_key_of_the_title() -> None:
    reservation = TitleReservation.reserve("  Buy MILK ", uuid4())

    assert reservation.id == TitleReservation.id_for("buy milk")
    assert reservation.key == comparison_key("buy milk")


def test_a_held_reservation_cannot_be_claimed_by_another_task() -> None:
    reservation = TitleReservation.reserve("Buy milk", uuid4())

    with pytest.raises(ReservationHeld):
        reservation.reclaim(uuid4())


def test_a_released_reservation_can_be_claimed_again() -> None:
    reservation = TitleReservation.reserve("Buy milk", uuid4())
    reservation.release()
    other = uuid4()

    reservation.reclaim(other)

    assert reservation.task_id == other
    assert reservation.version == 3

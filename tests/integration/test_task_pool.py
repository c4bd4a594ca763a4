"""The write side against a real PostgreSQL event store."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from uuid import UUID, uuid4

import pytest

from application.errors import TaskNotFound, TitleTaken
from application.tasks import TaskPool
from domain.tasks import Status, Task
from interfaces.composition import System

pytestmark = pytest.mark.integration

ACTOR = UUID(int=7)


@pytest.fixture
def pool(system: System) -> TaskPool:
    return system.pool


def create(pool: TaskPool, title: str) -> Task:
    return pool.create_task(
        title=title, description=None, status=Status.PENDING, actor=ACTOR
    ).result


def test_a_created_task_is_stored_with_its_event_and_position(pool: TaskPool) -> None:
    written = pool.create_task(
        title="Write notes", description="d", status=Status.PENDING, actor=ACTOR
    )

    stored = pool.repository.get(written.result.id)
    assert stored.title == "Write notes"
    assert written.position is not None
    assert written.position >= 1


def test_creating_a_task_with_a_taken_title_is_a_conflict(pool: TaskPool) -> None:
    create(pool, "Buy milk")

    with pytest.raises(TitleTaken):
        create(pool, "  BUY   milk ")


def test_renaming_to_a_taken_title_is_a_conflict(pool: TaskPool) -> None:
    create(pool, "Buy milk")
    other = create(pool, "Buy bread")

    with pytest.raises(TitleTaken):
        pool.update_task(other.id, actor=ACTOR, title="buy milk")


def test_renaming_a_task_to_its_own_title_is_not_a_conflict(pool: TaskPool) -> None:
    task = create(pool, "Buy milk")

    renamed = pool.update_task(task.id, actor=ACTOR, title="BUY MILK").result

    assert renamed.title == "BUY MILK"


def test_renaming_frees_the_old_title(pool: TaskPool) -> None:
    task = create(pool, "Buy milk")
    pool.update_task(task.id, actor=ACTOR, title="Buy oat milk")

    reused = create(pool, "Buy milk")

    assert reused.title == "Buy milk"


def test_deleting_frees_the_title_for_reuse_again_and_again(pool: TaskPool) -> None:
    for _ in range(3):
        task = create(pool, "Recurring")
        pool.delete_task(task.id, actor=ACTOR)

    assert create(pool, "recurring").title == "recurring"


def test_an_update_that_changes_nothing_appends_no_event(pool: TaskPool) -> None:
    task = create(pool, "Buy milk")

    written = pool.update_task(
        task.id, actor=ACTOR, title="Buy milk", status=Status.PENDING
    )

    assert written.position is None
    assert len(list(pool.events.get(task.id))) == 1


def test_changing_a_deleted_or_unknown_task_is_not_found(pool: TaskPool) -> None:
    task = create(pool, "Buy milk")
    pool.delete_task(task.id, actor=ACTOR)

    with pytest.raises(TaskNotFound):
        pool.update_task(task.id, actor=ACTOR, title="x")
    with pytest.raises(TaskNotFound):
        pool.delete_task(task.id, actor=ACTOR)
    with pytest.raises(TaskNotFound):
        pool.delete_task(uuid4(), actor=ACTOR)


def test_each_event_records_who_caused_it(pool: TaskPool) -> None:
    someone, someone_else = uuid4(), uuid4()
    task = pool.create_task(
        title="Audit me", description=None, status=Status.PENDING, actor=someone
    ).result
    pool.update_task(task.id, actor=someone_else, status=Status.IN_PROGRESS)

    actors = [event.actor for event in pool.events.get(task.id)]

    assert actors == [someone, someone_else]


def test_simultaneous_creates_of_one_title_admit_exactly_one(pool: TaskPool) -> None:
    contenders = 12
    barrier = Barrier(contenders)

    def attempt(_: int) -> str:
        barrier.wait()
        try:
            create(pool, "Only one")
        except TitleTaken:
            return "conflict"
        return "created"

    with ThreadPoolExecutor(contenders) as executor:
        outcomes = list(executor.map(attempt, range(contenders)))

    assert outcomes.count("created") == 1
    assert outcomes.count("conflict") == contenders - 1


def test_simultaneous_renames_to_one_title_leave_exactly_one_winner(
    pool: TaskPool,
) -> None:
    contenders = 10
    tasks = [create(pool, f"Task {n}") for n in range(contenders)]
    barrier = Barrier(contenders)

    def attempt(task: Task) -> str:
        barrier.wait()
        try:
            pool.update_task(task.id, actor=ACTOR, title="The winner")
        except TitleTaken:
            return "conflict"
        return "renamed"

    with ThreadPoolExecutor(contenders) as executor:
        outcomes = list(executor.map(attempt, tasks))

    assert outcomes.count("renamed") == 1
    titles = [pool.repository.get(task.id).title for task in tasks]
    assert titles.count("The winner") == 1
    losers = {f"Task {n}" for n in range(contenders)} & set(titles)
    assert len(losers) == contenders - 1

"""/todos: what is due for the user, read/done marks, soft delete; never another user's todos."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.todos.models import Todo, TodoScheduling
from tests.conftest import client_for
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def execution(owner):
    return ExecutionFactory(user_task__user=owner, start_date=timezone.now())


def _todo(execution, description, *days_from_today):
    todo = Todo.objects.create(user_task_execution=execution, description=description)
    for days in days_from_today:
        TodoScheduling.objects.create(todo=todo, scheduled_date=timezone.now().date() + timedelta(days=days))
    return todo


def test_it_lists_open_todos_due_from_today_soonest_first(owner, execution):
    later = _todo(execution, "Book the room", 3)
    rescheduled = _todo(execution, "Call Omar", -2, 1)  # the latest scheduling counts
    _todo(execution, "Overdue", -1)
    done = _todo(execution, "Already done", 2)
    done.completed = timezone.now()
    done.save()
    gone = _todo(execution, "Deleted", 2)
    gone.deleted_by_user = timezone.now()
    gone.save()

    body = client_for(owner).get("/todos").json()

    assert [t["description"] for t in body["todos"]] == ["Call Omar", "Book the room"]
    assert body["todos"][0] == {
        "todo_pk": rescheduled.pk,
        "user_task_execution_fk": execution.pk,
        "description": "Call Omar",
        "scheduled_date": (timezone.now().date() + timedelta(days=1)).isoformat(),
        "completed": None,
        "creation_date": rescheduled.creation_date.isoformat(),
        "read_by_user": None,
    }
    assert body["user_has_never_done_todo"] is False
    assert body["n_todos_not_read"] == 3  # Book the room, Call Omar, Overdue
    assert later.pk in [t["todo_pk"] for t in body["todos"]]


def test_it_lists_every_todo_of_one_execution(owner, execution):
    _todo(execution, "Overdue", -1)
    _todo(execution, "Tomorrow", 1)
    body = client_for(owner).get("/todos", {"user_task_execution_fk": execution.pk}).json()
    assert [t["description"] for t in body["todos"]] == ["Overdue", "Tomorrow"]


def test_it_tells_a_new_user_they_never_had_a_todo(owner):
    assert client_for(owner).get("/todos").json() == {
        "todos": [],
        "user_has_never_done_todo": True,
        "n_todos_not_read": 0,
    }


def test_it_marks_done_once_and_read_by_todo_execution_or_all(owner, execution):
    first, second = _todo(execution, "A", 1), _todo(execution, "B", 1)
    client = client_for(owner)
    assert client.post("/todos", {"todo_pk": first.pk, "mark_as_done": True}, format="json").json() == {
        "todo_pk": first.pk
    }
    again = client.post("/todos", {"todo_pk": first.pk, "mark_as_done": True}, format="json")
    assert again.status_code == 400
    assert again.json() == {"error": "todo_pk: this todo is already done"}
    first.refresh_from_db()
    assert first.completed is not None

    answer = client.post("/todos", {"user_task_execution_pk": execution.pk, "mark_as_read": True}, format="json")
    assert answer.json() == {"user_task_execution_pk": execution.pk}
    assert Todo.objects.filter(read_by_user__isnull=True).count() == 0
    Todo.objects.update(read_by_user=None)
    assert sorted(client.post("/todos", {"mark_as_read": True}, format="json").json()["todo_pks"]) == sorted(
        [first.pk, second.pk]
    )


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"mark_as_read": True, "mark_as_done": True},
            "mark_as_read: set exactly one of mark_as_read and mark_as_done",
        ),
        ({}, "mark_as_read: set exactly one of mark_as_read and mark_as_done"),
        ({"mark_as_done": True}, "todo_pk: required to mark a todo as done"),
        ({"todo_pk": "x", "mark_as_done": True}, "todo_pk: A valid integer is required."),
    ],
)
def test_it_rejects_a_bad_action_naming_the_field(owner, execution, body, error):
    todo = _todo(execution, "A", 1)
    response = client_for(owner).post("/todos", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == error
    todo.refresh_from_db()
    assert (todo.completed, todo.read_by_user) == (None, None)


def test_it_deletes_softly(owner, execution):
    todo = _todo(execution, "A", 1)
    response = client_for(owner).delete(f"/todos?todo_pk={todo.pk}")
    assert response.json() == {"todo_pk": todo.pk}
    todo.refresh_from_db()
    assert todo.deleted_by_user is not None
    assert client_for(owner).delete(f"/todos?todo_pk={todo.pk}").status_code == 404


def test_another_user_sees_and_changes_nothing(execution, member_client, anonymous):
    todo = _todo(execution, "Private", 1)
    intruder = member_client
    assert intruder.get("/todos").json()["todos"] == []
    assert intruder.get("/todos", {"user_task_execution_fk": execution.pk}).status_code == 404
    assert intruder.post("/todos", {"todo_pk": todo.pk, "mark_as_done": True}, format="json").status_code == 404
    assert intruder.delete(f"/todos?todo_pk={todo.pk}").status_code == 404
    assert anonymous.get("/todos").status_code == 401
    todo.refresh_from_db()
    assert (todo.completed, todo.deleted_by_user, todo.read_by_user) == (None, None, None)

"""The user's todos: the list of what is due, marking read or done, deleting (the ``/todos`` routes).

Todos come from task results (extraction arrives with the todos issue); a todo's due date is its
latest scheduling.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import Invalid
from apps.todos.models import Todo


class TodoConflict(Invalid):
    """The todo is already done (400, as the original answers)."""


def user_todos(user: User) -> QuerySet[Todo]:
    """The user's todos not deleted, with ``scheduled_date`` = their current due date."""
    return (
        Todo.objects.filter(user_task_execution__user_task__user=user, deleted_by_user__isnull=True)
        .annotate(scheduled_date=Max("schedulings__scheduled_date"))
        .order_by("scheduled_date", "id")
    )


def user_local_today(user: User) -> date:
    """Today for the user (``timezone_offset``: minutes to subtract from UTC, the JS convention)."""
    return (timezone.now() - timedelta(minutes=user.timezone_offset or 0)).date()


def due_todos(user: User) -> QuerySet[Todo]:
    """Open todos due today or later in the user's time zone, soonest first."""
    today = user_local_today(user)
    return user_todos(user).filter(completed__isnull=True, scheduled_date__gte=today)  # type: ignore[misc]  # annotated


def todo_json(todo: Todo) -> dict[str, Any]:
    scheduled = getattr(todo, "scheduled_date", None)
    return {
        "todo_pk": todo.pk,
        "user_task_execution_fk": todo.user_task_execution_id,
        "description": todo.description,
        "scheduled_date": scheduled.isoformat() if scheduled else None,
        "completed": todo.completed.isoformat() if todo.completed else None,
        "creation_date": todo.creation_date.isoformat(),
        "read_by_user": todo.read_by_user.isoformat() if todo.read_by_user else None,
    }


def todo_counts(user: User) -> dict[str, Any]:
    """``user_has_never_done_todo`` (no todo at all yet) and ``n_todos_not_read``."""
    everything = Todo.objects.filter(user_task_execution__user_task__user=user)
    unread = everything.filter(deleted_by_user__isnull=True, completed__isnull=True, read_by_user__isnull=True)
    return {"user_has_never_done_todo": not everything.exists(), "n_todos_not_read": unread.count()}


def mark_done(todo: Todo) -> None:
    if not Todo.objects.filter(pk=todo.pk, completed__isnull=True).update(completed=timezone.now()):
        raise TodoConflict("todo_pk: this todo is already done")


def mark_read(todos: QuerySet[Todo]) -> list[int]:
    """Mark unread todos read; returns their pks."""
    pks = list(todos.filter(read_by_user__isnull=True).values_list("pk", flat=True))
    Todo.objects.filter(pk__in=pks).update(read_by_user=timezone.now())
    return pks


def delete_todo(todo: Todo) -> None:
    Todo.objects.filter(pk=todo.pk, deleted_by_user__isnull=True).update(deleted_by_user=timezone.now())

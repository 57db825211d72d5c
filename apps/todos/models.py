"""To-dos extracted from finished task executions, and their due-date history."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone


class Todo(models.Model):
    """A to-do extracted from a task execution (``md_todo``); deletions and completion are times."""

    id = models.AutoField(primary_key=True, db_column="todo_pk")
    user_task_execution = models.ForeignKey(
        "executions.UserTaskExecution",
        on_delete=models.PROTECT,
        db_column="user_task_execution_fk",
        related_name="todos",
    )
    description = models.TextField()
    creation_date = models.DateTimeField(default=timezone.now, db_default=Now())
    deleted_by_user = models.DateTimeField(null=True, blank=True)
    completed = models.DateTimeField(null=True, blank=True)
    deleted_by_mojo = models.DateTimeField(null=True, blank=True)
    deletion_justification = models.TextField(null=True, blank=True)
    read_by_user = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "md_todo"
        ordering = ("-creation_date", "-id")

    def __str__(self) -> str:
        return self.description[:80]


class TodoScheduling(models.Model):
    """A due date given to a to-do (``md_todo_scheduling``); the latest ``scheduled_date`` is current.

    ``reschedule_justification`` is empty for the first scheduling.
    """

    id = models.AutoField(primary_key=True, db_column="todo_scheduling_pk")
    todo = models.ForeignKey(Todo, on_delete=models.PROTECT, db_column="todo_fk", related_name="schedulings")
    scheduled_date = models.DateField()
    creation_date = models.DateTimeField(default=timezone.now, db_default=Now())
    reschedule_justification = models.TextField(null=True, blank=True)

    class Meta:
        db_table = "md_todo_scheduling"
        ordering = ("todo_id", "scheduled_date", "id")
        get_latest_by = ("scheduled_date", "id")

    def __str__(self) -> str:
        return f"to-do {self.todo_id} due {self.scheduled_date}"

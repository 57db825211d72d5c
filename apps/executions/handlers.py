"""Executions' receivers of lower layers' signals (connected in ``ExecutionsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from apps.catalog.models import Task
from apps.catalog.services.base import CatalogConflict
from apps.executions.models import UserTask, UserTaskExecution


def keep_tasks_with_runs(sender: Any, task: Task, **kwargs: Any) -> None:
    """``catalog.signals.task_deleting``: a task users have run is kept (``CatalogConflict``, 409),
    so executions, produced texts and step results never lose their task; otherwise the users'
    task rows go with it."""
    runs = UserTaskExecution.objects.filter(user_task__task=task).count()
    if runs:
        raise CatalogConflict(
            f"task {task.pk} has {runs} execution(s) and cannot be deleted; remove it from its products instead"
        )
    UserTask.objects.filter(task=task).delete()

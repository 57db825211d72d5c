"""Executions' receivers of lower layers' signals (connected in ``ExecutionsConfig.ready``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.dispatch import receiver

from apps.catalog.models import Task
from apps.catalog.services.base import CatalogConflict
from apps.chat.signals import versions_read
from apps.executions.models import ProducedTextVersion, UserTask, UserTaskExecution


@receiver(versions_read, dispatch_uid="executions.mark_versions_read")
def mark_versions_read(
    sender: Any, *, session_id: str, version_pks: Sequence[int], when: datetime, report: bool, **kwargs: Any
) -> bool:
    """The user saw these versions of the session: ``read_by_user`` once. Reports whether one of
    them belongs to the session (only when asked: a page of history does not need the query)."""
    versions = ProducedTextVersion.objects.filter(pk__in=version_pks, produced_text__session_id=session_id)
    if versions.filter(read_by_user__isnull=True).update(read_by_user=when):
        return True
    return report and versions.exists()


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

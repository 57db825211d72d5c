"""The one lock of a workflow execution: its ``md_user_task_execution`` row.

Every transaction that changes a workflow's steps (claim, result, validation, invalidation, edit,
restart, relaunch, chat instruction) takes it first, so decisions about the next steps are made one
at a time and always see the previous decision committed. Taking it first also keeps one lock
order everywhere (execution row → step rows → session event counter), so these transactions
cannot deadlock each other; ``assistants.runs.run_from_form`` takes the same row first too.
"""

from __future__ import annotations

from django.db import connection

from apps.executions.models import UserTaskExecution


def lock_execution(user_task_execution_pk: int) -> UserTaskExecution | None:
    """Lock and return the execution (with task, user and session), or None when it is gone."""
    assert connection.in_atomic_block, "lock_execution must run inside transaction.atomic()"
    return (
        UserTaskExecution.objects.select_for_update(of=("self",))
        .select_related("user_task__task", "user_task__user", "session")
        .filter(pk=user_task_execution_pk)
        .first()
    )

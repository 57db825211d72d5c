"""Read-side shapes of workflow step executions for GET /user_task_execution (the step JSON itself is
``events.step_json``, shared with the events)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apps.accounts.models import User
from apps.executions.models import UserTaskExecution
from apps.workflows import engine
from apps.workflows.events import latest_result, step_json

__all__ = ["latest_result", "step_executions", "step_executions_by_execution", "step_json"]


def step_executions(execution: UserTaskExecution) -> list[dict[str, Any]]:
    """``step_executions`` of GET /user_task_execution: the current execution of every step slot
    reached so far, in (rank, item) order — valid ones, and the ones running, awaiting the user's
    review or failed; rejected attempts are left out (their replacement is listed)."""
    return step_executions_by_execution([execution])[execution.pk]


def step_executions_by_execution(executions: Sequence[UserTaskExecution]) -> dict[int, list[dict[str, Any]]]:
    """``step_executions`` of several workflow executions, keyed by execution pk (a constant number
    of queries for a page of executions)."""
    executions = list(executions)
    languages = dict(
        User.objects.filter(pk__in={e.user_task.user_id for e in executions}).values_list("pk", "language_code")
    )
    listed: dict[int, list[dict[str, Any]]] = {}
    for pk, state in engine.load_states(executions).items():
        language = languages.get(state.execution.user_task.user_id)
        listed[pk] = [
            dict(step_json(se, state.result(se), language))
            for se in engine.plan(state).current
            if se.validated is not False
        ]
    return listed

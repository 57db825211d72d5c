"""Read-side shapes of workflow step executions (events and GET /user_task_execution)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apps.accounts.models import User
from apps.catalog.selectors import displayed_data
from apps.executions.models import UserTaskExecution
from apps.workflows.events import StepExecution
from apps.workflows.models import UserWorkflowStepExecution


def latest_result(step_execution: UserWorkflowStepExecution) -> list[dict[str, Any]] | None:
    row = step_execution.results.order_by("-creation_date", "-id").first()
    return row.result if row is not None else None


def step_json(
    step_execution: UserWorkflowStepExecution, result: list[dict[str, Any]] | None, language: str | None
) -> StepExecution:
    """The original's step-execution JSON (names in the user's language, English fallback), with
    our ``rank``, ``item_index`` (order within a fan-out) and ``status``."""
    step = step_execution.workflow_step
    data = displayed_data(step.displayed_data.all(), language)
    return {
        "user_workflow_step_execution_pk": step_execution.pk,
        "workflow_step_pk": step.pk,
        "step_name_for_user": data.name_for_user if data else None,
        "step_definition_for_user": data.definition_for_user if data else None,
        "creation_date": step_execution.creation_date.isoformat(),
        "user_validation_required": step.user_validation_required,
        "validated": step_execution.validated,
        "parameter": step_execution.parameter,
        "result": result,
        "error_status": step_execution.error_status,
        "review_chat_enabled": step.review_chat_enabled,
        "rank": step.rank,
        "item_index": step_execution.item_index,
        "status": step_execution.status,
    }


def step_executions(execution: UserTaskExecution) -> list[dict[str, Any]]:
    """``step_executions`` of GET /user_task_execution: the current execution of every step slot
    reached so far, in (rank, item) order — valid ones, and the ones running, awaiting the user's
    review or failed; rejected attempts are left out (their replacement is listed)."""
    return step_executions_by_execution([execution])[execution.pk]


def step_executions_by_execution(executions: Sequence[UserTaskExecution]) -> dict[int, list[dict[str, Any]]]:
    """``step_executions`` of several workflow executions, keyed by execution pk (a constant number
    of queries for a page of executions)."""
    # engine imports this module for step_json (engine → selectors is the natural direction).
    from apps.workflows import engine

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

"""Typed payloads of the workflow events and their builders (names in ``apps.chat.events``; fields as
the original). Every producer builds its payload here (checked against ``docs/realtime.md``)."""

from __future__ import annotations

from typing import Any, TypedDict

from apps.catalog.selectors import displayed_data
from apps.workflows.models import UserWorkflowStepExecution


class StepExecution(TypedDict):
    """The step-execution JSON (reference realtime.md), plus ``rank``, ``item_index`` and ``status``."""

    user_workflow_step_execution_pk: int
    workflow_step_pk: int
    step_name_for_user: str | None
    step_definition_for_user: str | None
    creation_date: str
    user_validation_required: bool
    validated: bool | None
    parameter: dict[str, Any]
    result: list[dict[str, Any]] | None
    error_status: dict[str, Any] | None
    review_chat_enabled: bool
    rank: int
    item_index: int
    status: str


class StepExecutionEvent(StepExecution):
    session_id: str


class ProducedTextEvent(TypedDict):
    user_task_execution_pk: int
    produced_text: str
    produced_text_title: str
    produced_text_pk: int
    produced_text_version_pk: int
    session_id: str


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


def step_execution_event(step: StepExecution, session_id: str) -> StepExecutionEvent:
    """``workflow_step_execution_started`` / ``_ended`` / ``_invalidated``: the step-execution JSON
    (``step_json``) and the session."""
    return {**step, "session_id": session_id}


def produced_text_event(
    *,
    user_task_execution_pk: int,
    produced_text: str,
    produced_text_title: str,
    produced_text_pk: int,
    produced_text_version_pk: int,
    session_id: str,
) -> ProducedTextEvent:
    """``workflow_execution_produced_text``: the workflow's result saved as a produced text."""
    return {
        "produced_text": produced_text,
        "produced_text_title": produced_text_title,
        "produced_text_pk": produced_text_pk,
        "produced_text_version_pk": produced_text_version_pk,
        "user_task_execution_pk": user_task_execution_pk,
        "session_id": session_id,
    }

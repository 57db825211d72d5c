"""Typed payloads of the workflow events and their builders (names in ``apps.chat.events``; fields as
the original). Every producer builds its payload here (checked against ``docs/realtime.md``)."""

from __future__ import annotations

from typing import Any, TypedDict


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


def step_execution_event(step: StepExecution, session_id: str) -> StepExecutionEvent:
    """``workflow_step_execution_started`` / ``_ended`` / ``_invalidated``: the step-execution JSON
    (``selectors.step_json``) and the session."""
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

"""Workflow executions: start, validate, reject, edit, relaunch, restart, chat instructions.

Each action runs in one transaction that first locks the execution (``locks.lock_execution``),
changes step executions, records the session events, and lets ``engine.advance`` queue what can run
next (after commit). The steps themselves run in workers (``runner``, ``tasks.execute_step``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.catalog.models import TaskType
from apps.chat import events as chat_events
from apps.chat.models import Message, Sender
from apps.core.errors import Conflict, Invalid, Missing
from apps.executions import services as executions
from apps.executions.models import UserTaskExecution
from apps.workflows import engine
from apps.workflows.locks import lock_execution
from apps.workflows.models import (
    StepResultAuthor,
    StepStatus,
    UserWorkflowStepExecution,
    UserWorkflowStepExecutionResult,
)

logger = logging.getLogger(__name__)


class WorkflowConflict(Conflict):
    """The action does not fit the step's state (answered 409 with this message)."""


class NotAWorkflow(Invalid):
    """The execution is not one of a workflow task (answered 400)."""


class InvalidResult(Invalid):
    """An edited result that is not a non-empty list of JSON objects (400, named ``result``)."""

    def __init__(self, reason: str):
        super().__init__(f"result: {reason}", fields={"result": [reason]})


class StepNotFound(Missing, UserWorkflowStepExecution.DoesNotExist):
    """Not the user's step execution, or none (404: never reveal which)."""


def owned_step_execution(user: Any, step_execution_pk: int) -> UserWorkflowStepExecution:
    """The user's step execution (execution not deleted); another user's looks missing."""
    found = (
        UserWorkflowStepExecution.objects.select_related("workflow_step", "user_task_execution")
        .filter(
            pk=step_execution_pk,
            user_task_execution__user_task__user=user,
            user_task_execution__deleted_by_user__isnull=True,
        )
        .first()
    )
    if found is None:
        raise StepNotFound("user_workflow_step_execution_pk: not found")
    return found


def _locked(step_execution: UserWorkflowStepExecution) -> tuple[UserTaskExecution, UserWorkflowStepExecution]:
    execution = lock_execution(step_execution.user_task_execution_id)
    assert execution is not None
    fresh = UserWorkflowStepExecution.objects.select_related("workflow_step").get(pk=step_execution.pk)
    return execution, fresh


def start(execution: UserTaskExecution) -> list[UserWorkflowStepExecution]:
    """Start a workflow execution whose inputs are filled: title in the background, first step.

    Called inside the caller's transaction, the execution row locked (``run_from_form``).
    """
    executions.request_title(execution)
    return engine.advance(execution)


@transaction.atomic
def validate(step_execution: UserWorkflowStepExecution) -> None:
    """The user accepts the step's result: the workflow moves on (a repeat changes nothing)."""
    execution, se = _locked(step_execution)
    if se.validated is True:
        return
    was_valid = engine.is_valid(se)
    if se.status != StepStatus.DONE or se.error_status is not None or se.validated is False:
        raise WorkflowConflict(_not_reviewable(se))
    UserWorkflowStepExecution.objects.filter(pk=se.pk).update(validated=True)
    se.validated = True
    if not was_valid:  # a step without validation was valid already: nothing new to decide
        engine.advance(execution, became_valid=se)


@transaction.atomic
def reject(step_execution: UserWorkflowStepExecution) -> Message:
    """The user rejects the step's result: a state snapshot for the chat that follows; the step
    stays awaiting validation until the chat yields an instruction (``invalidate_current_step``)."""
    execution, se = _locked(step_execution)
    if not engine.awaits_validation(se):
        raise WorkflowConflict(_not_reviewable(se))
    state = engine.load_state(execution)
    return engine.add_state_message(state, engine.plan(state), se)


def _not_reviewable(se: UserWorkflowStepExecution) -> str:
    if se.status in (StepStatus.PENDING, StepStatus.RUNNING):
        return "this step execution is still running"
    if se.error_status is not None or se.status == StepStatus.FAILED:
        return "this step execution failed: relaunch it"
    if se.validated is False or se.status == StepStatus.CANCELLED:
        return "this step execution was rejected"
    return "this step execution does not wait for a validation"


@transaction.atomic
def relaunch(step_execution: UserWorkflowStepExecution) -> list[UserWorkflowStepExecution]:
    """Run the workflow again after a failed step: failed steps get a fresh execution."""
    execution, _ = _locked(step_execution)
    return engine.advance(execution, retry_errors=True)


def check_result(result: Any) -> list[dict[str, Any]]:
    if not isinstance(result, list) or not result or not all(isinstance(item, dict) for item in result):
        raise InvalidResult("result must be a non-empty list of JSON objects")
    return result


@transaction.atomic
def edit_result(step_execution: UserWorkflowStepExecution, result: Any) -> UserWorkflowStepExecutionResult:
    """The user's version of the step's result; later steps and the final text use it."""
    result = check_result(result)
    _, se = _locked(step_execution)
    if se.status != StepStatus.DONE or se.error_status is not None or se.validated is False:
        raise WorkflowConflict(_not_reviewable(se))
    return UserWorkflowStepExecutionResult.objects.create(
        user_workflow_step_execution=se, result=result, author=StepResultAuthor.USER
    )


@transaction.atomic
def restart(
    execution: UserTaskExecution,
    inputs: Sequence[Mapping[str, Any]],
    files: Mapping[str, UploadedFile] | None = None,
) -> list[UserWorkflowStepExecution]:
    """New inputs and the first step again; only while the workflow has not gone past it.

    Raises ``NotAWorkflow``, ``WorkflowConflict`` or ``executions.services.InputError``.
    """
    locked = lock_execution(execution.pk)
    assert locked is not None
    if locked.user_task.task.type != TaskType.WORKFLOW:
        raise NotAWorkflow("Task is not a workflow")
    state = engine.load_state(locked)
    if any(se.workflow_step.rank != 1 for se in state.step_executions):
        raise WorkflowConflict("can only restart from first step")
    locked.json_input_values = executions.fill_inputs(locked, inputs, files)
    locked.save(update_fields=["json_input_values"])
    executions.mark_started(locked)
    for se in engine.plan(state).current:
        if se.validated is not False:
            UserWorkflowStepExecution.objects.filter(pk=se.pk).update(validated=False)
            engine.notify_step(chat_events.WORKFLOW_STEP_EXECUTION_INVALIDATED, se, locked)
    return engine.advance(locked)


def rejected_step_pk(session_id: str) -> int | None:
    """The step execution of the session's latest rejection (state snapshot naming one)."""
    latest = (
        Message.objects.filter(session_id=session_id, sender=Sender.SYSTEM, event_name=engine.REJECTION_EVENT_NAME)
        .order_by("-message_date", "-id")
        .first()
    )
    value = (latest.message or {}).get("user_workflow_step_execution_pk") if latest else None
    return value if isinstance(value, int) else None


def invalidate_current_step(execution: UserTaskExecution, instruction: str) -> UserWorkflowStepExecution | None:
    """The chat understood what to change: reject the step under review with that instruction and
    run it again (same parameter; the step receives the instruction). None when no step awaits a
    review. Runs in the caller's transaction (the workflow assistant's)."""
    locked = lock_execution(execution.pk)
    assert locked is not None
    state = engine.load_state(locked)
    awaiting = engine.plan(state).awaiting()
    if not awaiting:
        return None
    wanted = rejected_step_pk(locked.session_id)
    target = next((se for se in awaiting if se.pk == wanted), awaiting[0])
    UserWorkflowStepExecution.objects.filter(pk=target.pk).update(validated=False, learned_instruction=instruction)
    engine.notify_step(chat_events.WORKFLOW_STEP_EXECUTION_INVALIDATED, target, locked)
    engine.advance(locked)
    return target

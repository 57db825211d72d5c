"""What runs next in a workflow execution: the original's next-step rule, with parallel fan-out.

The original runs one step execution at a time and decides the next one from the valid executions
so far (reference workflows.md §4): the first step gets the workflow inputs; a step whose
predecessor returned N items runs once per item, in order; the step after that gets the items of
the *last* execution of its predecessor. Here the N executions of a fan-out are created together
and run in parallel; each keeps its ``item_index`` so results, events and the final text stay in
item order whatever order they finish in.

The plan is computed from the database each time, under the execution's lock (``locks.py``):

* a *slot* is (step, item index) in the current chain; its *current* execution is the latest
  attempt created for it (a rejected or failed attempt is followed by a new one);
* the *frontier* is the first step (by rank) with a slot whose current execution is not valid;
* ``advance`` creates the missing attempts of the frontier and queues them; when every slot of
  every step is valid, the workflow ends (once: only on the transition that made it complete).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from celery import group
from django.db import transaction
from django.utils import timezone

from apps.catalog.models import WorkflowStep
from apps.chat import delivery
from apps.chat import events as chat_events
from apps.chat.models import Message, Sender
from apps.executions import services as executions
from apps.executions.models import UserTaskExecution
from apps.workflows import events, state_message
from apps.workflows.models import StepStatus, UserWorkflowStepExecution, UserWorkflowStepExecutionResult

logger = logging.getLogger(__name__)

REJECTION_EVENT_NAME = "worflow_step_execution_rejection"  # sic: the original's event name
PRODUCED_TEXT_EVENT_NAME = "workflow_execution_produced_text"


def initial_parameter(execution: UserTaskExecution) -> dict[str, Any]:
    """``{input_name: value}`` of the execution's form (the first step's parameter)."""
    return {item["input_name"]: item.get("value") for item in execution.json_input_values or [] if "input_name" in item}


def is_valid(step_execution: UserWorkflowStepExecution) -> bool:
    """Done without error, and accepted by the user when the step requires it (a step without
    validation counts unless it was explicitly rejected — the original counted it even then)."""
    if step_execution.status != StepStatus.DONE or step_execution.error_status is not None:
        return False
    if step_execution.validated is True:
        return True
    return not step_execution.workflow_step.user_validation_required and step_execution.validated is not False


def awaits_validation(step_execution: UserWorkflowStepExecution) -> bool:
    return (
        step_execution.status == StepStatus.DONE
        and step_execution.error_status is None
        and step_execution.validated is None
        and step_execution.workflow_step.user_validation_required
    )


@dataclass
class Slot:
    step: WorkflowStep
    item_index: int
    parameter: dict[str, Any]
    source_pk: int | None
    current: UserWorkflowStepExecution | None = None


@dataclass
class Plan:
    """The state of a workflow execution along its current chain of steps."""

    steps: list[WorkflowStep]
    frontier: list[Slot]  # slots of the first step not fully valid ([] when finished)
    valid: list[UserWorkflowStepExecution]  # valid current executions, in (rank, item) order
    current: list[UserWorkflowStepExecution]  # current executions of every slot so far, in order
    finished: bool

    def awaiting(self) -> list[UserWorkflowStepExecution]:
        return [se for se in self.current if awaits_validation(se)]


@dataclass
class WorkflowState:
    execution: UserTaskExecution
    steps: list[WorkflowStep]
    step_executions: list[UserWorkflowStepExecution]
    results: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def result(self, step_execution: UserWorkflowStepExecution | None) -> list[dict[str, Any]] | None:
        return None if step_execution is None else self.results.get(step_execution.pk)


def load_state(execution: UserTaskExecution) -> WorkflowState:
    """Steps, step executions (oldest first) and the latest result of each."""
    return load_states([execution])[execution.pk]


def load_states(executions: Sequence[UserTaskExecution]) -> dict[int, WorkflowState]:
    """``load_state`` of several executions in three queries (steps, step executions, results)."""
    task_ids = {execution.user_task.task_id for execution in executions}
    steps_by_task: dict[int, list[WorkflowStep]] = defaultdict(list)
    for step in WorkflowStep.objects.filter(task_id__in=task_ids).order_by("rank", "id"):
        steps_by_task[step.task_id].append(step)
    by_execution: dict[int, list[UserWorkflowStepExecution]] = defaultdict(list)
    for se in (
        UserWorkflowStepExecution.objects.filter(user_task_execution__in=[e.pk for e in executions])
        .select_related("workflow_step")
        .prefetch_related("workflow_step__displayed_data")
        .order_by("creation_date", "id")
    ):
        by_execution[se.user_task_execution_id].append(se)
    results: dict[int, list[dict[str, Any]]] = {}
    for row in UserWorkflowStepExecutionResult.objects.filter(
        user_workflow_step_execution__user_task_execution__in=[e.pk for e in executions]
    ).order_by("user_workflow_step_execution_id", "creation_date", "id"):
        results[row.user_workflow_step_execution_id] = row.result  # the latest row wins
    return {
        execution.pk: WorkflowState(
            execution,
            steps_by_task[execution.user_task.task_id],
            by_execution[execution.pk],
            {se.pk: results[se.pk] for se in by_execution[execution.pk] if se.pk in results},
        )
        for execution in executions
    }


def plan(state: WorkflowState) -> Plan:
    attempts: dict[tuple[int, int, int | None], list[UserWorkflowStepExecution]] = defaultdict(list)
    for se in state.step_executions:
        attempts[(se.workflow_step_id, se.item_index, se.fan_out_source_pk)].append(se)
    items: list[dict[str, Any]] = [initial_parameter(state.execution)]
    source_pk: int | None = None
    valid: list[UserWorkflowStepExecution] = []
    current: list[UserWorkflowStepExecution] = []
    for step in state.steps:
        slots = []
        for index, item in enumerate(items):
            tried = attempts.get((step.pk, index, source_pk), [])
            slots.append(
                Slot(step, index, item if isinstance(item, dict) else {}, source_pk, tried[-1] if tried else None)
            )
        current += [slot.current for slot in slots if slot.current is not None]
        if not all(slot.current is not None and is_valid(slot.current) for slot in slots) or not slots:
            return Plan(state.steps, slots, valid, current, finished=False)
        valid += [slot.current for slot in slots if slot.current is not None]
        last = slots[-1].current
        items = state.result(last) or []
        source_pk = last.pk if last is not None else None
    return Plan(state.steps, [], valid, current, finished=bool(state.steps))


def needs_new_attempt(slot: Slot, *, retry_errors: bool) -> bool:
    se = slot.current
    if se is None or se.validated is False or se.status == StepStatus.CANCELLED:
        return True
    return retry_errors and se.status == StepStatus.FAILED


def advance(
    execution: UserTaskExecution,
    *,
    became_valid: UserWorkflowStepExecution | None = None,
    retry_errors: bool = False,
) -> list[UserWorkflowStepExecution]:
    """Create and queue what can run now; end the workflow when ``became_valid`` completed it.

    Call under ``lock_execution``. Returns the step executions created.
    """
    state = load_state(execution)
    current_plan = plan(state)
    if current_plan.finished:
        if became_valid is not None and became_valid.workflow_step_id == state.steps[-1].pk:
            end_workflow(state, current_plan)
        return []
    created = []
    for slot in current_plan.frontier:
        if needs_new_attempt(slot, retry_errors=retry_errors):
            created.append(
                UserWorkflowStepExecution.objects.create(
                    user_task_execution=execution,
                    workflow_step=slot.step,
                    parameter=slot.parameter,
                    item_index=slot.item_index,
                    fan_out_source_pk=slot.source_pk,
                )
            )
    if created:
        enqueue([se.pk for se in created])
    return created


def enqueue(step_execution_pks: list[int]) -> None:
    """Queue the step executions after commit; several at once run in parallel (a Celery group)."""
    # The task module imports the runner, which imports this one: the task is looked up when called.
    from apps.workflows.tasks import execute_step

    def send() -> None:
        if len(step_execution_pks) == 1:
            execute_step.delay(step_execution_pks[0])
        else:
            group(execute_step.si(pk) for pk in step_execution_pks).apply_async()

    transaction.on_commit(send)


# --- events and messages -------------------------------------------------------------------------


def notify_step(event: str, step_execution: UserWorkflowStepExecution, execution: UserTaskExecution) -> None:
    """Record a ``workflow_step_execution_*`` event with the step-execution JSON (sent after commit)."""
    step_execution.refresh_from_db()
    language = execution.user_task.user.language_code
    step = events.step_json(step_execution, events.latest_result(step_execution), language)
    delivery.record_event(execution.session_id, event, events.step_execution_event(step, execution.session_id))


def notify_error(execution: UserTaskExecution, error: str) -> None:
    delivery.record_event(
        execution.session_id,
        chat_events.ERROR,
        chat_events.error(error, execution.session_id, user_task_execution_pk=execution.pk),
    )


def add_state_message(state: WorkflowState, current_plan: Plan, current: UserWorkflowStepExecution | None) -> Message:
    """The state snapshot the workflow assistant reads (a system message of the session)."""
    text = state_message.render(
        [(se, state.result(se)) for se in current_plan.valid],
        (current, state.result(current)) if current is not None else None,
    )
    content: dict[str, Any] = {"text": text}
    if current is not None:
        content["user_workflow_step_execution_pk"] = current.pk
    return Message.objects.create(
        session_id=state.execution.session_id, sender=Sender.SYSTEM, event_name=REJECTION_EVENT_NAME, message=content
    )


def final_text(state: WorkflowState, current_plan: Plan) -> str:
    """The first value of ``result[0]`` of every valid execution of the last step, in item order."""
    last_step = state.steps[-1]
    parts = []
    for se in current_plan.valid:
        result = state.result(se) or []
        if se.workflow_step_id == last_step.pk and result and isinstance(result[0], dict) and result[0]:
            parts.append(str(next(iter(result[0].values()))))
    return "\n\n".join(parts)


def end_workflow(state: WorkflowState, current_plan: Plan) -> None:
    """Save the workflow's result as its produced text and tell the session (reference §6)."""
    execution = state.execution
    add_state_message(state, current_plan, None)
    production = final_text(state, current_plan)
    version = executions.save_produced_text_version(
        user_id=execution.user_task.user_id, title="", production=production, execution=execution
    )
    title = version.title or ""
    payload = events.produced_text_event(
        produced_text=production,
        produced_text_title=title,
        produced_text_pk=version.produced_text_id,
        produced_text_version_pk=version.pk,
        user_task_execution_pk=execution.pk,
        session_id=execution.session_id,
    )
    stored = {key: value for key, value in payload.items() if key != "session_id"}
    Message.objects.create(
        session_id=execution.session_id,
        sender=Sender.MOJO,
        event_name=PRODUCED_TEXT_EVENT_NAME,
        message={
            **stored,
            "text": f"{title}\n{production}" if title else production,
            "text_with_tags": f"<execution><title>{title}</title><draft>{production}</draft></execution>",
        },
    )
    UserTaskExecution.objects.filter(pk=execution.pk).update(end_date=timezone.now())
    delivery.record_event(execution.session_id, chat_events.WORKFLOW_EXECUTION_PRODUCED_TEXT, payload)
    logger.info("workflow execution %s ended (produced text version %s)", execution.pk, version.pk)


def learned_instructions(
    step_execution: UserWorkflowStepExecution, state: WorkflowState
) -> list[tuple[str, list[dict[str, Any]] | None]]:
    """(instruction, rejected result) of earlier executions of the same step on an equal parameter."""
    return [
        (se.learned_instruction, state.result(se))
        for se in state.step_executions
        if se.pk != step_execution.pk
        and se.workflow_step_id == step_execution.workflow_step_id
        and se.parameter == step_execution.parameter
        and se.learned_instruction
        and (se.creation_date, se.pk) < (step_execution.creation_date, step_execution.pk)
    ]


def past_validated(
    step_execution: UserWorkflowStepExecution, state: WorkflowState, current_plan: Plan
) -> Iterable[UserWorkflowStepExecution]:
    """Valid executions of the steps before this one (their items are final; siblings running in
    parallel are not "past")."""
    rank = step_execution.workflow_step.rank
    return [se for se in current_plan.valid if se.workflow_step.rank < rank]

"""Workflow test helpers: workflow tasks built like the catalog's, runs driven step by step.

Unit tests run in a rolled-back transaction: nothing is queued (on-commit callbacks never fire);
``run_pending`` plays the worker by calling the runner for each pending step execution.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from apps.assistants import runs
from apps.catalog.models import Task, TaskDisplayedData, TaskType, TextType, WorkflowStep, WorkflowStepDisplayedData
from apps.chat.models import SessionEvent
from apps.executions.models import UserTask, UserTaskExecution
from apps.workflows import runner
from apps.workflows.models import StepStatus, UserWorkflowStepExecution
from tests.factories import ExecutionFactory
from tests.llm.conftest import fake_openai  # noqa: F401 - shared fixture, used by the doc_gen tests

POEM_INPUTS = [
    {"input_name": name, "description_for_user": name, "description_for_system": name, "type": "text_area"}
    for name in ("poem_topic", "n_stanzas")
]


def make_workflow(
    name: str,
    steps: Sequence[tuple[str, bool]],
    inputs: list[dict[str, Any]],
    output_type: str = "poem",
) -> Task:
    """A workflow task: ``steps`` are (name_for_system, user_validation_required) by rank."""
    task = Task.objects.create(
        type=TaskType.WORKFLOW,
        name_for_system=name,
        definition_for_system=f"The {name.replace('_', ' ')} workflow",
        icon="🪶",
        output_text_type=TextType.objects.get_or_create(name=output_type)[0],
    )
    TaskDisplayedData.objects.create(
        task=task, language_code="en", name_for_user=name, definition_for_user=name, json_input=inputs
    )
    for rank, (step_name, validation) in enumerate(steps, start=1):
        step = WorkflowStep.objects.create(
            task=task,
            name_for_system=step_name,
            rank=rank,
            user_validation_required=validation,
            definition_for_system=f"{step_name} definition",
        )
        WorkflowStepDisplayedData.objects.create(
            workflow_step=step,
            language_code="en",
            name_for_user=step_name.replace("_", " ").capitalize(),
            definition_for_user=f"What {step_name} does",
        )
    return task


def poem_task(*, validation: bool = True) -> Task:
    return make_workflow("write_poem", [("stanza_divider", validation), ("stanza_writer", validation)], POEM_INPUTS)


def new_execution(user, task: Task) -> UserTaskExecution:  # type: ignore[no-untyped-def]
    return ExecutionFactory(user_task=UserTask.objects.create(user=user, task=task))


def start(execution: UserTaskExecution, **values: str) -> None:
    runs.run_from_form(execution, [{"input_name": k, "input_value": v} for k, v in values.items()])


def pending(execution: UserTaskExecution) -> list[UserWorkflowStepExecution]:
    return list(
        UserWorkflowStepExecution.objects.filter(user_task_execution=execution, status=StepStatus.PENDING).order_by(
            "id"
        )
    )


def run_pending(execution: UserTaskExecution, *, order: str = "id", rounds: int = 10) -> None:
    """Run pending step executions (``order="-id"`` runs a fan-out's last item first) until none is left."""
    for _ in range(rounds):
        todo = pending(execution)
        if not todo:
            return
        for se in sorted(todo, key=lambda s: s.pk, reverse=order == "-id"):
            runner.run_step(se.pk, "test-worker:1")


def step_rows(execution: UserTaskExecution) -> list[tuple[str, int, str, bool | None]]:
    """(step name, item index, status, validated) of every step execution, oldest first."""
    return [
        (se.workflow_step.name_for_system, se.item_index, se.status, se.validated)
        for se in UserWorkflowStepExecution.objects.filter(user_task_execution=execution)
        .select_related("workflow_step")
        .order_by("id")
    ]


def events(execution: UserTaskExecution, since: int = 0) -> list[tuple[str, dict[str, Any]]]:
    return [
        (e.event, e.data)
        for e in SessionEvent.objects.filter(session_id=execution.session_id, seq__gt=since).order_by("seq")
    ]


def last_seq(execution: UserTaskExecution) -> int:
    event = SessionEvent.objects.filter(session_id=execution.session_id).order_by("-seq").first()
    return event.seq if event else 0


@pytest.fixture(autouse=True)
def _offline_llm(fake_llm):
    """Every workflow test uses the offline fake LLM; the fixture value scripts exact replies."""
    return fake_llm

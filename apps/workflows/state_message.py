"""The state snapshot of a workflow execution, inserted in its session as a system message.

The workflow assistant reads it to know which steps are achieved and which one the user is
reviewing (reference workflows.md §5: first line when everything is done, the achieved steps,
then the current step).
"""

from __future__ import annotations

import json
from typing import Any

from apps.workflows.models import UserWorkflowStepExecution

StepWithResult = tuple[UserWorkflowStepExecution, list[dict[str, Any]] | None]


def _json(value: Any) -> str:
    return "None" if value in (None, []) else json.dumps(value, ensure_ascii=False)


def _describe(step_execution: UserWorkflowStepExecution, result: list[dict[str, Any]] | None) -> list[str]:
    step = step_execution.workflow_step
    return [
        f"- {step.name_for_system}: {step.definition_for_system or ''}".rstrip(": "),
        f"  parameter: {_json(step_execution.parameter)}",
        f"  result: {_json(result)}",
    ]


def render(achieved: list[StepWithResult], current: StepWithResult | None) -> str:
    lines: list[str] = []
    if current is None:
        lines.append("Every step of the workflow is achieved.")
    lines.append("Achieved steps:" if achieved else "No step is achieved yet.")
    for step_execution, result in achieved:
        lines += _describe(step_execution, result)
    if current is not None:
        lines.append("Current step, waiting for the user's review:")
        lines += _describe(*current)
    return "\n".join(lines)

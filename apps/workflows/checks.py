"""System check: every workflow step named in the database has a class in the step library."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from apps.catalog.models import WorkflowStep
from workflow_steps.registry import STEPS


@register(Tags.database)
def check_steps_resolve(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``workflows.E001`` for each ``md_workflow_step.name_for_system`` missing from the library.

    A database check: it runs with ``manage.py check --database default`` and before ``migrate``.
    """
    if not databases:
        return []
    errors: list[CheckMessage] = []
    for alias in databases:
        try:
            rows = list(
                WorkflowStep.objects.using(alias)
                .exclude(name_for_system__in=list(STEPS))
                .order_by("task_id", "rank")
                .values_list("pk", "task__name_for_system", "name_for_system")
            )
        except DatabaseError:  # tables not migrated yet
            continue
        for pk, task_name, step_name in rows:
            errors.append(
                Error(
                    f"Workflow step {step_name!r} (workflow_step_pk {pk}) of task {task_name!r} "
                    "is not in the step library",
                    hint=f"Register it in workflow_steps/registry.py; known steps: {', '.join(sorted(STEPS))}",
                    obj=f"md_workflow_step:{pk}",
                    id="workflows.E001",
                )
            )
    return errors

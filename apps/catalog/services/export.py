"""Reading a task as JSON: ``GET /task`` (with pks) and the portable export that ``import_task``
and ``PUT /task`` accept back (``manage.py export_task``, the admin)."""

from __future__ import annotations

from typing import Any

from apps.catalog.definition import INSTRUCT_FIELDS
from apps.catalog.models import Task, TaskType


def _displayed_data_json(task: Task) -> list[dict[str, Any]]:
    return [
        {
            "language_code": row.language_code,
            "name_for_user": row.name_for_user,
            "definition_for_user": row.definition_for_user,
            "json_input": row.json_input,
        }
        for row in task.displayed_data.order_by("language_code", "id")
    ]


def _predefined_actions_json(task: Task, *, by_name: bool) -> list[dict[str, Any]]:
    actions = []
    associations = task.predefined_action_associations.select_related("predefined_action").prefetch_related(
        "displayed_data"
    )
    for association in associations.order_by("id"):
        target = association.predefined_action
        key: dict[str, Any] = {"task_name_for_system": target.name_for_system} if by_name else {"task_pk": target.pk}
        shown = sorted(association.displayed_data.all(), key=lambda row: (row.language_code, row.id))
        actions.append(
            key
            | {"displayed_data": [{"language_code": row.language_code, "data": row.displayed_data} for row in shown]}
        )
    return actions


def _steps_json(task: Task, *, with_ids: bool) -> list[dict[str, Any]]:
    steps = []
    for step in task.workflow_steps.prefetch_related("displayed_data").order_by("rank", "id"):
        shown = sorted(step.displayed_data.all(), key=lambda row: (row.language_code, row.id))
        item: dict[str, Any] = {"step_pk": step.pk} if with_ids else {}
        item |= {"name_for_system": step.name_for_system, "definition_for_system": step.definition_for_system}
        if with_ids:
            item["rank"] = step.rank
        item |= {
            "review_chat_enabled": step.review_chat_enabled,
            "user_validation_required": step.user_validation_required,
            "step_displayed_data": [
                {
                    "language_code": row.language_code,
                    "name_for_user": row.name_for_user,
                    "definition_for_user": row.definition_for_user,
                }
                for row in shown
            ],
        }
        steps.append(item)
    return steps


def _platform_names(task: Task) -> list[str]:
    return list(task.platform_associations.order_by("platform_id").values_list("platform__name", flat=True))


def task_json(task: Task) -> dict[str, Any]:
    """``GET /task``: the task as the original's backoffice reads it (pks included)."""
    data: dict[str, Any] = {
        "task_pk": task.pk,
        "task_type": task.type,
        "platforms": _platform_names(task),
        "predefined_actions": _predefined_actions_json(task, by_name=False),
        "task_displayed_data": _displayed_data_json(task),
        "name_for_system": task.name_for_system,
        "definition_for_system": task.definition_for_system,
        "output_type": task.output_text_type.name if task.output_text_type else None,
        "icon": task.icon,
        "result_chat_enabled": task.result_chat_enabled,
    }
    if task.type == TaskType.INSTRUCT:
        data |= {field: getattr(task, field) for field in INSTRUCT_FIELDS}
    else:
        data["steps"] = _steps_json(task, with_ids=True)
    return data


def export_task_definition(task: Task) -> dict[str, Any]:
    """The task as a definition that ``import_task`` / ``PUT /task`` accept: portable between
    databases (predefined actions name their target by ``task_name_for_system``, no pks)."""
    data: dict[str, Any] = {
        "task_type": task.type,
        "name_for_system": task.name_for_system,
        "definition_for_system": task.definition_for_system,
        "icon": task.icon,
        "output_type": task.output_text_type.name if task.output_text_type else "document",
        "platforms": _platform_names(task),
        "result_chat_enabled": task.result_chat_enabled,
        "visible_for_teasing": task.visible_for_teasing,
    }
    if task.type == TaskType.INSTRUCT:
        data |= {field: getattr(task, field) for field in INSTRUCT_FIELDS}
        if data["infos_to_extract"] is None:
            data["infos_to_extract"] = []
    data["task_displayed_data"] = _displayed_data_json(task)
    data["predefined_actions"] = _predefined_actions_json(task, by_name=True)
    if task.type == TaskType.WORKFLOW:
        data["steps"] = _steps_json(task, with_ids=False)
    return data

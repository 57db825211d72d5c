"""Read models of the catalogue: names in the user's language, predefined and text-edit actions,
workflow steps (single task, or many tasks in a fixed number of queries).

They lived in ``executions.selectors``; they only read catalogue tables, so any layer above the
catalogue (executions, workflows, assistants, routes) uses them from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch

from apps.catalog.models import (
    Task,
    TaskPredefinedActionAssociation,
    TextEditAction,
    TextEditActionTextTypeAssociation,
    WorkflowStep,
)


def displayed_data(items: Any, language: str | None) -> Any:
    """The item of a ``*_displayed_data`` set in ``language``, falling back to English, then any."""
    rows = list(items)
    for code in (language, "en"):
        for row in rows:
            if row.language_code == code:
                return row
    return rows[0] if rows else None


def task_names(task: Task, language: str | None) -> tuple[str | None, str | None]:
    """(name, description) of a task for the user (``displayed_data`` prefetched)."""
    data = displayed_data(task.displayed_data.all(), language)
    return (data.name_for_user, data.definition_for_user) if data else (None, None)


def _predefined_action(association: TaskPredefinedActionAssociation, language: str | None) -> dict[str, Any]:
    data = displayed_data(association.displayed_data.all(), language)
    content = (data.displayed_data if data else None) or {}
    return {
        "task_pk": association.predefined_action_id,
        "name": content.get("name"),
        "button_text": content.get("button_text"),
        "message_prefix": content.get("message_prefix"),
    }


def _text_edit_action(action: TextEditAction, language: str | None) -> dict[str, Any]:
    data = displayed_data(action.displayed_data.all(), language)
    return {
        "text_edit_action_pk": action.pk,
        "name": data.name if data else None,
        "description": data.description if data else None,
        "emoji": action.emoji,
    }


def predefined_actions(task: Task, language: str | None) -> list[dict[str, Any]]:
    """``[{task_pk, name, button_text, message_prefix}]``: the tasks a result offers to chain."""
    associations = TaskPredefinedActionAssociation.objects.filter(task=task).prefetch_related("displayed_data")
    return [_predefined_action(association, language) for association in associations.order_by("id")]


def text_edit_actions(task: Task, language: str | None) -> list[dict[str, Any]]:
    """``[{text_edit_action_pk, name, description, emoji}]`` offered for the task's output type."""
    if task.output_text_type_id is None:
        return []
    actions = (
        TextEditAction.objects.filter(text_type_associations__text_type_id=task.output_text_type_id)
        .prefetch_related(Prefetch("displayed_data"))
        .order_by("id")
        .distinct()
    )
    return [_text_edit_action(action, language) for action in actions]


def workflow_steps_by_task(task_ids: Iterable[int], language: str | None) -> dict[int, list[dict[str, Any]]]:
    """``{task_pk: [{workflow_step_pk, step_name_for_user, step_definition_for_user}]}`` by rank."""
    ids = set(task_ids)
    result: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    if not ids:
        return result
    steps = WorkflowStep.objects.filter(task_id__in=ids).prefetch_related("displayed_data").order_by("rank", "id")
    for step in steps:
        data = displayed_data(step.displayed_data.all(), language)
        result[step.task_id].append(
            {
                "workflow_step_pk": step.pk,
                "step_name_for_user": data.name_for_user if data else None,
                "step_definition_for_user": data.definition_for_user if data else None,
            }
        )
    return result


def predefined_actions_by_task(task_ids: Iterable[int], language: str | None) -> dict[int, list[dict[str, Any]]]:
    """``predefined_actions`` for many tasks in two queries."""
    ids = set(task_ids)
    result: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    if not ids:
        return result
    associations = (
        TaskPredefinedActionAssociation.objects.filter(task_id__in=ids)
        .prefetch_related("displayed_data")
        .order_by("id")
    )
    for association in associations:
        result[association.task_id].append(_predefined_action(association, language))
    return result


def text_edit_actions_by_text_type(
    text_type_ids: Iterable[int | None], language: str | None
) -> dict[int, list[dict[str, Any]]]:
    """``text_edit_actions`` for many output text types in two queries."""
    ids = {pk for pk in text_type_ids if pk is not None}
    result: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    if not ids:
        return result
    associations = (
        TextEditActionTextTypeAssociation.objects.filter(text_type_id__in=ids)
        .select_related("text_edit_action")
        .prefetch_related("text_edit_action__displayed_data")
        .order_by("text_edit_action_id", "id")
    )
    for association in associations:
        action = association.text_edit_action
        actions = result[association.text_type_id]
        if any(item["text_edit_action_pk"] == action.pk for item in actions):
            continue
        actions.append(_text_edit_action(action, language))
    return result

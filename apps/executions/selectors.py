"""Read-side shapes of executions shared by routes and events (user language, English fallback)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from apps.catalog.models import Task, TaskPredefinedActionAssociation, TextEditAction
from apps.executions.services import displayed_data


def predefined_actions(task: Task, language: str | None) -> list[dict[str, Any]]:
    """``[{task_pk, name, button_text, message_prefix}]``: the tasks a result offers to chain."""
    associations = TaskPredefinedActionAssociation.objects.filter(task=task).prefetch_related("displayed_data")
    actions = []
    for association in associations.order_by("id"):
        data = displayed_data(association.displayed_data.all(), language)
        content = (data.displayed_data if data else None) or {}
        actions.append(
            {
                "task_pk": association.predefined_action_id,
                "name": content.get("name"),
                "button_text": content.get("button_text"),
                "message_prefix": content.get("message_prefix"),
            }
        )
    return actions


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
    result = []
    for action in actions:
        data = displayed_data(action.displayed_data.all(), language)
        result.append(
            {
                "text_edit_action_pk": action.pk,
                "name": data.name if data else None,
                "description": data.description if data else None,
                "emoji": action.emoji,
            }
        )
    return result

"""Execution route fixtures: a member, a task offering a predefined action and a text-edit action."""

from __future__ import annotations

import pytest

from apps.catalog.models import (
    PredefinedActionDisplayedData,
    TaskPredefinedActionAssociation,
    TextEditAction,
    TextEditActionDisplayedData,
    TextEditActionTextTypeAssociation,
)
from apps.executions import services
from tests.factories import TaskFactory


def add_predefined_action(task, target, *, name="Follow-up email", prefix="Write the follow-up email of: "):
    association = TaskPredefinedActionAssociation.objects.create(task=task, predefined_action=target)
    PredefinedActionDisplayedData.objects.create(
        task_predefined_action_association=association,
        language_code="en",
        displayed_data={"name": name, "button_text": "Send a follow-up", "message_prefix": prefix},
    )
    return association


def add_text_edit_action(text_type, *, name="Make it shorter"):
    action = TextEditAction.objects.create(emoji="✂️", prompt_file_name="make_it_shorter.mpt")
    TextEditActionDisplayedData.objects.create(
        text_edit_action=action, language_code="en", name=name, description="A shorter text"
    )
    TextEditActionTextTypeAssociation.objects.create(text_edit_action=action, text_type=text_type)
    return action


@pytest.fixture
def rich_task(db):
    """An instruct task with one predefined action (to another task) and one text-edit action."""
    task = TaskFactory(icon="🗒")
    target = TaskFactory()
    add_predefined_action(task, target)
    add_text_edit_action(task.output_text_type)
    return task


def add_versions(execution, *texts: tuple[str, str]):
    """Versions ``(title, production)`` of the execution's produced text, oldest first."""
    return [
        services.save_produced_text_version(
            user_id=execution.user_task.user_id, title=title, production=production, execution=execution
        )
        for title, production in texts
    ]

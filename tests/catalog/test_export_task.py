"""A task exports to the definition it was imported from (round trip)."""

from __future__ import annotations

import pytest

from apps.catalog.bundled import task_definition_files
from apps.catalog.services import export_task_definition, import_task_definitions

from .conftest import bundled_definition

pytestmark = pytest.mark.django_db


def test_it_exports_every_bundled_definition_as_written():
    names = [path.stem for path in task_definition_files()]
    tasks = import_task_definitions([bundled_definition(name) for name in names])

    for name, task in zip(names, tasks, strict=True):
        assert export_task_definition(task) == bundled_definition(name)


def test_it_exports_a_workflow_without_pks_and_an_instruct_task_without_steps(workflow_definition, instruct_definition):
    story, prospect = import_task_definitions([workflow_definition, instruct_definition])

    exported = export_task_definition(story)

    assert exported["steps"][0] == {
        "name_for_system": "stanza_divider",
        "definition_for_system": "Plan the chapters",
        "review_chat_enabled": False,
        "user_validation_required": True,
        "step_displayed_data": [
            {"language_code": "en", "name_for_user": "Plan", "definition_for_user": "Plan the chapters"}
        ],
    }
    assert "final_instruction" not in exported
    assert "steps" not in export_task_definition(prospect)

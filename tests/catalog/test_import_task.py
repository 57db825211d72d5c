"""import_task: create or update tasks from their JSON definitions, idempotently."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from apps.catalog.models import (
    PredefinedActionDisplayedData,
    Task,
    TaskDisplayedData,
    TaskPredefinedActionAssociation,
    TextType,
    WorkflowStep,
    WorkflowStepDisplayedData,
)
from apps.catalog.services import InvalidTaskDefinition, import_task_definition, import_task_definitions

from .conftest import catalogue_counts

pytestmark = pytest.mark.django_db


def write(tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_it_creates_an_instruct_task_with_its_rows(instruct_definition):
    task = import_task_definition(instruct_definition)

    assert task.output_text_type is not None
    assert (task.type, task.name_for_system, task.icon, task.output_text_type.name) == (
        "instruct",
        "answer_to_prospect",
        "📨",
        "email",
    )
    assert (task.final_instruction, task.output_format_instruction_title, task.output_format_instruction_draft) == (
        "Write the answer",
        "SUBJECT",
        "BODY",
    )
    assert task.infos_to_extract == [{"info_name": "prospect_email", "description": "the prospect's e-mail"}]
    assert task.result_chat_enabled is True
    assert list(task.displayed_data.values_list("language_code", "name_for_user")) == [
        ("en", "Answer a prospect"),
        ("fr", "Répondre à un prospect"),
    ]
    assert task.displayed_data.get(language_code="fr").json_input[0]["input_name"] == "email_du_prospect"
    assert list(task.platform_associations.values_list("platform__name", flat=True)) == ["webapp"]


def test_it_creates_a_workflow_with_ranked_steps_and_a_new_text_type(workflow_definition):
    task = import_task_definition(workflow_definition)

    assert task.type == "workflow"
    assert task.final_instruction is None and task.infos_to_extract is None
    assert task.output_text_type is not None
    assert task.output_text_type.name == "story"
    assert TextType.objects.filter(name="story").count() == 1
    assert list(task.platform_associations.order_by("platform_id").values_list("platform__name", flat=True)) == [
        "mobile",
        "webapp",
    ]
    steps = list(
        task.workflow_steps.values_list("rank", "name_for_system", "review_chat_enabled", "user_validation_required")
    )
    assert steps == [(1, "stanza_divider", False, True), (2, "stanza_writer", True, False)]
    assert list(
        WorkflowStepDisplayedData.objects.filter(workflow_step__task=task).values_list(
            "workflow_step__rank", "language_code", "name_for_user"
        )
    ) == [(1, "en", "Plan"), (2, "en", "Write"), (2, "fr", "Écrire")]


def test_it_changes_nothing_when_imported_twice(instruct_definition, workflow_definition):
    import_task_definitions([instruct_definition, workflow_definition])
    before = catalogue_counts()
    pks = list(Task.objects.values_list("pk", flat=True))

    import_task_definitions([instruct_definition, workflow_definition])

    assert catalogue_counts() == before
    assert list(Task.objects.values_list("pk", flat=True)) == pks


def test_it_updates_a_task_in_place_from_its_new_definition(instruct_definition):
    task = import_task_definition(instruct_definition)
    instruct_definition["icon"] = "✉️"
    instruct_definition["platforms"] = ["mobile"]
    instruct_definition["task_displayed_data"] = instruct_definition["task_displayed_data"][:1]
    instruct_definition["task_displayed_data"][0]["name_for_user"] = "Reply to a prospect"

    updated = import_task_definition(instruct_definition)

    assert updated.pk == task.pk
    assert updated.icon == "✉️"
    assert list(updated.platform_associations.values_list("platform__name", flat=True)) == ["mobile"]
    assert list(TaskDisplayedData.objects.filter(task=task).values_list("language_code", "name_for_user")) == [
        ("en", "Reply to a prospect")
    ]


def test_it_keeps_matching_steps_and_renumbers_them(workflow_definition):
    task = import_task_definition(workflow_definition)
    first, second = task.workflow_steps.order_by("rank")
    workflow_definition["steps"].reverse()
    workflow_definition["steps"][0]["step_displayed_data"] = workflow_definition["steps"][0]["step_displayed_data"][:1]

    import_task_definition(workflow_definition)

    assert list(task.workflow_steps.order_by("rank").values_list("pk", "rank")) == [(second.pk, 1), (first.pk, 2)]
    assert WorkflowStepDisplayedData.objects.filter(workflow_step=second).count() == 1


def test_it_resolves_predefined_actions_between_files_of_one_import(instruct_definition, workflow_definition):
    instruct_definition["predefined_actions"] = [
        {
            "task_name_for_system": "write_story",
            "displayed_data": [{"language_code": "en", "data": {"name": "Story", "button_text": "Tell it"}}],
        }
    ]

    prospect, story = import_task_definitions([instruct_definition, workflow_definition])

    association = TaskPredefinedActionAssociation.objects.get()
    assert (association.task_id, association.predefined_action_id) == (prospect.pk, story.pk)
    assert PredefinedActionDisplayedData.objects.get().displayed_data == {"name": "Story", "button_text": "Tell it"}


def test_it_refuses_an_unknown_predefined_action_target_and_stores_nothing(instruct_definition):
    instruct_definition["predefined_actions"] = [
        {"task_name_for_system": "nowhere", "displayed_data": [{"language_code": "en", "data": {"name": "x"}}]}
    ]
    before = catalogue_counts()

    with pytest.raises(InvalidTaskDefinition) as error:
        import_task_definition(instruct_definition)

    assert error.value.errors == {"predefined_actions[0].task_name_for_system": 'unknown task "nowhere"'}
    assert catalogue_counts() == before


def test_it_refuses_to_change_the_type_of_an_existing_task(instruct_definition, workflow_definition):
    import_task_definition(instruct_definition)
    workflow_definition["name_for_system"] = "answer_to_prospect"

    with pytest.raises(InvalidTaskDefinition) as error:
        import_task_definition(workflow_definition)

    assert error.value.errors == {"task_type": 'the existing task "answer_to_prospect" is a instruct task'}
    assert WorkflowStep.objects.count() == 0


def test_the_command_imports_several_files_and_reports_each(tmp_path, instruct_definition, workflow_definition):
    files = [write(tmp_path, "a.json", instruct_definition), write(tmp_path, "b.json", workflow_definition)]
    out = io.StringIO()

    call_command("import_task", *files, stdout=out)
    call_command("import_task", files[0], stdout=out)

    prospect, story = (
        Task.objects.get(name_for_system="answer_to_prospect"),
        Task.objects.get(name_for_system="write_story"),
    )
    assert out.getvalue().splitlines() == [
        f"created task answer_to_prospect (task_pk {prospect.pk})",
        f"created task write_story (task_pk {story.pk})",
        f"updated task answer_to_prospect (task_pk {prospect.pk})",
    ]


def test_the_command_names_the_file_and_the_field_of_an_error(tmp_path, instruct_definition, workflow_definition):
    del workflow_definition["task_displayed_data"][0]["json_input"]
    files = [write(tmp_path, "a.json", instruct_definition), write(tmp_path, "b.json", workflow_definition)]

    with pytest.raises(CommandError) as error:
        call_command("import_task", *files)

    assert str(error.value) == f"invalid task definition\n{files[1]}: task_displayed_data[0].json_input: required"
    assert Task.objects.count() == 0


def test_the_command_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("import_task", str(path))

    assert str(error.value).startswith(f"{path}: not valid JSON")


def test_the_command_imports_the_bundled_definitions_directory():
    call_command("import_task", "apps/catalog/task_definitions")

    assert Task.objects.count() == 9
    assert TaskPredefinedActionAssociation.objects.count() == 1

"""/task (backoffice): create from a JSON definition, edit, read, delete."""

from __future__ import annotations

from typing import Any

import pytest

from apps.catalog.models import Task, TaskPredefinedActionAssociation, TextType, WorkflowStep
from apps.catalog.services import import_task_definition, import_task_definitions, task_json
from apps.executions.models import UserTask
from apps.products.models import Product, ProductTask
from tests.factories import ExecutionFactory

from .conftest import DENIED, WORKFLOW, catalogue_counts

pytestmark = pytest.mark.django_db


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["anonymous", "user"])
def test_it_refuses_callers_who_are_not_admins_and_stores_nothing(callers, caller, instruct_definition):
    task = import_task_definition(instruct_definition | {"name_for_system": "existing"})
    client = callers[caller]
    before = catalogue_counts()

    responses = [
        client.put("/task", instruct_definition, format="json"),
        client.post("/task", {"task_pk": task.pk, "icon": "🙃"}, format="json"),
        client.get("/task", {"task_pk": task.pk}),
        client.delete(f"/task?task_pk={task.pk}"),
    ]

    assert [r.status_code for r in responses] == [DENIED[caller]] * 4
    assert all(set(r.json()) == {"error"} for r in responses)
    assert catalogue_counts() == before
    assert Task.objects.get(pk=task.pk).icon == "📨"


@pytest.mark.parametrize("caller", ["staff", "backoffice"])
def test_it_lets_staff_and_the_backoffice_secret_in(callers, caller, instruct_definition):
    client = callers[caller]

    created = client.put("/task", instruct_definition, format="json")
    task_pk = created.json()["task_pk"]
    edited = client.post("/task", {"task_pk": task_pk, "icon": "🙃"}, format="json")
    read = client.get("/task", {"task_pk": task_pk})
    deleted = client.delete(f"/task?task_pk={task_pk}")

    assert [r.status_code for r in (created, edited, read, deleted)] == [200, 200, 200, 200]
    assert read.json()["icon"] == "🙃"
    assert not Task.objects.filter(pk=task_pk).exists()


def test_the_admin_of_the_cast_is_a_backoffice_admin_too(admin_client):
    assert admin_client.get("/task", {"task_pk": 999}).status_code == 404


# --- PUT ------------------------------------------------------------------------------------------


def test_it_creates_a_task_and_answers_its_pk(staff_client, instruct_definition):
    response = staff_client.put("/task", instruct_definition, format="json")

    task = Task.objects.get()
    assert response.json() == {"task_pk": task.pk}
    assert task.name_for_system == "answer_to_prospect"
    assert task.displayed_data.count() == 2


def test_it_creates_a_workflow_with_its_steps(staff_client, workflow_definition):
    response = staff_client.put("/task", workflow_definition, format="json")

    assert response.status_code == 200
    task = Task.objects.get(pk=response.json()["task_pk"])
    assert list(task.workflow_steps.values_list("rank", "name_for_system")) == [
        (1, "stanza_divider"),
        (2, "stanza_writer"),
    ]


def test_it_links_predefined_actions_by_task_pk(staff_client, instruct_definition, workflow_definition):
    story = import_task_definition(workflow_definition)
    instruct_definition["predefined_actions"] = [
        {"task_pk": story.pk, "displayed_data": [{"language_code": "en", "data": {"name": "Story"}}]}
    ]

    response = staff_client.put("/task", instruct_definition, format="json")

    association = TaskPredefinedActionAssociation.objects.get()
    assert (association.task_id, association.predefined_action_id) == (response.json()["task_pk"], story.pk)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda d: d["task_displayed_data"][0].pop("json_input"), "task_displayed_data[0].json_input: required"),
        (lambda d: d.pop("output_type"), "output_type: required"),
        (lambda d: d.update(platforms=["fax"]), 'platforms[0]: unknown platform "fax"'),
        (lambda d: d.update(task_type="macro"), 'task_type: "macro" is not a valid choice.'),
        (lambda d: d.update(steps=WORKFLOW["steps"]), "steps: only a workflow task has steps"),
        (
            lambda d: d.update(predefined_actions=[{"task_pk": 999, "displayed_data": []}]),
            "predefined_actions[0].task_pk: unknown task 999",
        ),
    ],
)
def test_it_answers_400_naming_the_field_and_stores_nothing(staff_client, instruct_definition, change, error):
    change(instruct_definition)
    before = catalogue_counts()

    response = staff_client.put("/task", instruct_definition, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert catalogue_counts() == before


def test_it_answers_400_for_a_body_that_is_not_json(staff_client):
    response = staff_client.put("/task", "{nope", content_type="application/json")

    assert response.status_code == 400
    assert Task.objects.count() == 0


def test_it_answers_409_when_the_name_exists(staff_client, instruct_definition):
    existing = import_task_definition(instruct_definition)
    instruct_definition["icon"] = "🙃"
    before = catalogue_counts()

    response = staff_client.put("/task", instruct_definition, format="json")

    assert response.status_code == 409
    assert response.json() == {"error": f'a task named "answer_to_prospect" already exists (task_pk {existing.pk})'}
    assert catalogue_counts() == before
    assert Task.objects.get().icon == "📨"


# --- POST -----------------------------------------------------------------------------------------


def test_it_edits_the_given_fields_only(staff_client, instruct_definition):
    task = import_task_definition(instruct_definition)
    TextType.objects.create(name="memo")

    response = staff_client.post(
        "/task",
        {
            "datetime": "2026-11-24T10:00:00",
            "task_pk": task.pk,
            "icon": "✉️",
            "output_type": "Memo",
            "result_chat_enabled": False,
            "platforms": ["mobile", "webapp"],
            "infos_to_extract": [],
        },
        format="json",
    )

    assert response.json() == {"task_pk": task.pk}
    task.refresh_from_db()
    assert task.output_text_type is not None
    assert (task.icon, task.output_text_type.name, task.result_chat_enabled, task.infos_to_extract) == (
        "✉️",
        "memo",
        False,
        [],
    )
    assert task.final_instruction == "Write the answer"
    assert sorted(task.platform_associations.values_list("platform__name", flat=True)) == ["mobile", "webapp"]


def test_it_upserts_displayed_data_per_language(staff_client, instruct_definition):
    task = import_task_definition(instruct_definition)
    english = task.displayed_data.get(language_code="en")

    staff_client.post(
        "/task",
        {
            "task_pk": task.pk,
            "task_displayed_data": [
                {"language_code": "en", "name_for_user": "Reply", "definition_for_user": "Reply", "json_input": []},
                {"language_code": "de", "name_for_user": "Antwort", "definition_for_user": "Antwort", "json_input": []},
            ],
        },
        format="json",
    )

    assert list(task.displayed_data.order_by("language_code").values_list("pk", "language_code", "name_for_user")) == [
        (english.pk + 2, "de", "Antwort"),
        (english.pk, "en", "Reply"),
        (english.pk + 1, "fr", "Répondre à un prospect"),
    ]


def test_it_upserts_predefined_actions_by_target(staff_client, instruct_definition, workflow_definition):
    prospect, story = import_task_definitions([instruct_definition, workflow_definition])
    body: dict[str, Any] = {
        "task_pk": prospect.pk,
        "predefined_actions": [
            {"task_pk": story.pk, "displayed_data": [{"language_code": "en", "data": {"name": "Story"}}]}
        ],
    }

    staff_client.post("/task", body, format="json")
    body["predefined_actions"][0]["displayed_data"][0]["data"]["name"] = "A story"
    staff_client.post("/task", body, format="json")

    association = TaskPredefinedActionAssociation.objects.get()
    assert list(association.displayed_data.values_list("language_code", "displayed_data")) == [
        ("en", {"name": "A story"})
    ]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"steps": []}, "steps: steps cannot be edited; delete and create the task again"),
        ({"output_type": "sonnet"}, 'output_type: unknown text type "sonnet"'),
        ({"name_for_system": "Bad Name"}, "name_for_system: lower-case letters, digits, '_' and '-' only"),
        ({"platforms": ["fax"]}, 'platforms[0]: unknown platform "fax"'),
        ({"colour": "red"}, "colour: unknown field"),
        ({"task_displayed_data": [{"language_code": "en"}]}, "task_displayed_data[0].name_for_user: required"),
    ],
)
def test_it_refuses_a_bad_edit_naming_the_field_and_changes_nothing(staff_client, instruct_definition, body, error):
    task = import_task_definition(instruct_definition)
    before = task_json(task)

    response = staff_client.post("/task", {"task_pk": task.pk, "icon": "🙃", **body}, format="json")

    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert task_json(Task.objects.get(pk=task.pk)) == before


def test_it_answers_404_for_an_unknown_task_and_400_without_task_pk(staff_client):
    missing = staff_client.post("/task", {"task_pk": 999, "icon": "🙃"}, format="json")
    without = staff_client.post("/task", {"icon": "🙃"}, format="json")

    assert (missing.status_code, missing.json()) == (404, {"error": "task_pk: not found"})
    assert (without.status_code, without.json()["error"]) == (400, "task_pk: required")


def test_it_answers_409_when_renaming_to_a_taken_name(staff_client, instruct_definition, workflow_definition):
    _, story = import_task_definitions([instruct_definition, workflow_definition])

    response = staff_client.post("/task", {"task_pk": story.pk, "name_for_system": "answer_to_prospect"}, format="json")

    assert response.status_code == 409
    assert Task.objects.get(pk=story.pk).name_for_system == "write_story"


# --- GET ------------------------------------------------------------------------------------------


def test_it_reads_an_instruct_task(staff_client, instruct_definition, workflow_definition):
    prospect, story = import_task_definitions([instruct_definition, workflow_definition])
    TaskPredefinedActionAssociation.objects.create(task=prospect, predefined_action=story)

    response = staff_client.get("/task", {"task_pk": prospect.pk, "datetime": "2026-11-24T10:00:00"})

    assert response.json() == {
        "task_pk": prospect.pk,
        "task_type": "instruct",
        "platforms": ["webapp"],
        "predefined_actions": [{"task_pk": story.pk, "displayed_data": []}],
        "task_displayed_data": instruct_definition["task_displayed_data"],
        "name_for_system": "answer_to_prospect",
        "definition_for_system": "The user needs to answer a prospect's e-mail",
        "output_type": "email",
        "icon": "📨",
        "result_chat_enabled": True,
        "final_instruction": "Write the answer",
        "output_format_instruction_title": "SUBJECT",
        "output_format_instruction_draft": "BODY",
        "infos_to_extract": [{"info_name": "prospect_email", "description": "the prospect's e-mail"}],
    }


def test_it_reads_a_workflow_with_its_steps(staff_client, workflow_definition):
    task = import_task_definition(workflow_definition)
    first, second = task.workflow_steps.order_by("rank")

    data = staff_client.get("/task", {"task_pk": task.pk}).json()

    assert "final_instruction" not in data
    assert data["steps"] == [
        {
            "step_pk": first.pk,
            "name_for_system": "stanza_divider",
            "definition_for_system": "Plan the chapters",
            "rank": 1,
            "review_chat_enabled": False,
            "user_validation_required": True,
            "step_displayed_data": [
                {"language_code": "en", "name_for_user": "Plan", "definition_for_user": "Plan the chapters"}
            ],
        },
        {
            "step_pk": second.pk,
            "name_for_system": "stanza_writer",
            "definition_for_system": "Write one chapter",
            "rank": 2,
            "review_chat_enabled": True,
            "user_validation_required": False,
            "step_displayed_data": [
                {"language_code": "en", "name_for_user": "Write", "definition_for_user": "Write a chapter"},
                {"language_code": "fr", "name_for_user": "Écrire", "definition_for_user": "Écrire un chapitre"},
            ],
        },
    ]


def test_it_answers_400_for_a_bad_task_pk_and_404_for_an_unknown_one(staff_client):
    assert staff_client.get("/task", {"task_pk": "x"}).json()["error"] == "task_pk: A valid integer is required."
    assert staff_client.get("/task").status_code == 400
    assert staff_client.get("/task", {"task_pk": 999}).status_code == 404


# --- DELETE ---------------------------------------------------------------------------------------


def test_it_deletes_a_task_with_everything_that_describes_it(
    staff_client, instruct_definition, workflow_definition, owner
):
    prospect, story = import_task_definitions([instruct_definition, workflow_definition])
    TaskPredefinedActionAssociation.objects.create(task=prospect, predefined_action=story)
    product = Product.objects.create(label="pack", status="active", free=True)
    ProductTask.objects.create(product=product, task=story)
    UserTask.objects.create(user=owner, task=story)

    response = staff_client.delete(f"/task?task_pk={story.pk}")

    assert response.json() == {"task_pk": story.pk}
    assert not Task.objects.filter(pk=story.pk).exists()
    assert WorkflowStep.objects.count() == 0
    assert TaskPredefinedActionAssociation.objects.count() == 0
    assert ProductTask.objects.count() == 0
    assert UserTask.objects.count() == 0
    assert Task.objects.get().pk == prospect.pk
    assert prospect.displayed_data.count() == 2


def test_it_refuses_to_delete_a_task_that_users_have_run(staff_client):
    execution = ExecutionFactory()
    task = execution.user_task.task
    ProductTask.objects.create(product=Product.objects.create(label="pack", status="active", free=True), task=task)
    before = catalogue_counts()

    response = staff_client.delete(f"/task?task_pk={task.pk}")

    assert response.status_code == 409
    assert response.json() == {
        "error": f"task {task.pk} has 1 execution(s) and cannot be deleted; remove it from its products instead"
    }
    assert catalogue_counts() == before
    assert UserTask.objects.filter(task=task).count() == 1
    assert ProductTask.objects.filter(task=task).count() == 1  # whichever receiver ran first, rolled back

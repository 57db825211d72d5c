"""POST /user_task_execution_run: validates inputs against the task's form, starts once."""

from __future__ import annotations

import json

import pytest

from apps.chat.models import Generation
from tests.conftest import client_for
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def execution(owner):
    return ExecutionFactory(user_task__user=owner)


def _run(client, execution, inputs):
    return client.post(
        "/user_task_execution_run",
        {"user_task_execution_pk": execution.pk, "inputs": json.dumps(inputs), "datetime": "2026-11-24T10:00:00"},
        format="multipart",
    )


def test_it_fills_the_inputs_starts_and_queues_the_first_answer(execution, owner):
    response = _run(client_for(owner), execution, [{"input_name": "notes", "input_value": "Budget approved"}])
    assert response.status_code == 200
    assert response.json() == {"success": "ok"}
    execution.refresh_from_db()
    assert execution.start_date is not None
    assert execution.json_input_values[0]["value"] == "Budget approved"
    assert Generation.objects.filter(user_task_execution=execution, kind="form", status="pending").count() == 1


def test_it_starts_only_once_when_the_run_is_sent_twice(execution, owner):
    client = client_for(owner)
    _run(client, execution, [{"input_name": "notes", "input_value": "first"}])
    second = _run(client, execution, [{"input_name": "notes", "input_value": "second"}])
    assert second.status_code == 200
    execution.refresh_from_db()
    assert execution.json_input_values[0]["value"] == "first"
    assert Generation.objects.filter(user_task_execution=execution).count() == 1


@pytest.mark.parametrize(
    ("inputs", "error"),
    [
        ([{"input_name": "nope", "input_value": "x"}], "inputs[0].input_name: unknown input 'nope'"),
        ([{"input_value": "x"}], "inputs[0]: each input needs input_name and input_value"),
        ([{"input_name": "notes", "input_value": 12}], "notes: must be a string"),
    ],
)
def test_it_rejects_inputs_that_do_not_fit_the_form(execution, owner, inputs, error):
    response = _run(client_for(owner), execution, inputs)
    assert response.status_code == 400
    assert response.json()["error"] == error
    execution.refresh_from_db()
    assert execution.start_date is None
    assert not Generation.objects.exists()


def test_it_rejects_inputs_that_are_not_json(execution, owner):
    response = client_for(owner).post(
        "/user_task_execution_run", {"user_task_execution_pk": execution.pk, "inputs": "[oops"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "inputs: must be a JSON list of {input_name, input_value}"


def test_it_checks_drop_down_values(owner):
    from apps.catalog.models import TaskDisplayedData

    execution = ExecutionFactory(user_task__user=owner)
    TaskDisplayedData.objects.filter(task=execution.user_task.task).update(
        json_input=[
            {
                "input_name": "tone",
                "type": "drop_down_list",
                "description_for_user": "Tone",
                "description_for_system": "tone",
                "possible_values": [{"value": "formal"}, {"value": "casual"}],
            }
        ]
    )
    execution = ExecutionFactory(user_task=execution.user_task)
    response = _run(client_for(owner), execution, [{"input_name": "tone", "input_value": "angry"}])
    assert response.status_code == 400
    assert response.json() == {
        "error": "tone: 'angry' is not one of formal, casual",
        "fields": {"tone": ["'angry' is not one of formal, casual"]},
    }
    assert _run(client_for(owner), execution, [{"input_name": "tone", "input_value": "casual"}]).status_code == 200


def test_it_answers_404_to_another_user_and_changes_nothing(execution, member_client):
    response = _run(member_client, execution, [{"input_name": "notes", "input_value": "x"}])
    assert response.status_code == 404
    execution.refresh_from_db()
    assert execution.start_date is None and execution.json_input_values[0]["value"] is None

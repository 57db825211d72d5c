"""GET /user_task_execution (one and list) and DELETE: the execution JSON, filters, paging, no N+1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.catalog.models import TaskType, WorkflowStep, WorkflowStepDisplayedData
from apps.executions.models import UserTaskExecution
from tests.conftest import client_for
from tests.executions.conftest import add_predefined_action, add_text_edit_action, add_versions
from tests.factories import (
    ExecutionFactory,
    StartedExecutionFactory,
    TaskFactory,
    TodoFactory,
    UserTaskFactory,
)

pytestmark = pytest.mark.django_db

STARTED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def finished(owner, rich_task):
    """A started, ended execution with a two-version text and to-dos (one deleted, one read)."""
    owner.timezone_offset = -60  # UTC+1
    owner.save(update_fields=["timezone_offset"])
    execution = StartedExecutionFactory(
        user_task=UserTaskFactory(user=owner, task=rich_task),
        start_date=STARTED,
        end_date=STARTED + timedelta(minutes=5),
        title="Budget meeting",
        summary="The budget was approved.",
    )
    execution.json_input_values = [dict(execution.json_input_values[0], value="budget notes")]
    execution.save(update_fields=["json_input_values"])
    add_versions(execution, ("Minutes", "First draft"), ("Minutes v2", "Second draft"))
    TodoFactory(user_task_execution=execution, description="Send the budget")
    TodoFactory(user_task_execution=execution, read_by_user=timezone.now())
    TodoFactory(user_task_execution=execution, deleted_by_user=timezone.now())
    return execution


def _json(execution, **overrides):
    task = execution.user_task.task
    version = execution.produced_texts.get().versions.order_by("-id").first()
    action = task.predefined_action_associations.get()
    edit = task.output_text_type.text_edit_action_associations.get().text_edit_action
    item = {
        "user_task_execution_pk": execution.pk,
        "start_date": "2026-11-24T10:00:00+01:00",
        "end_date": "2026-11-24T10:05:00+01:00",
        "title": "Budget meeting",
        "summary": "The budget was approved.",
        "session_id": execution.session_id,
        "json_inputs_values": execution.json_input_values,
        "icon": "🗒",
        "task_name": "Summary",
        "task_type": "instruct",
        "result_chat_enabled": True,
        "actions": [
            {
                "task_pk": action.predefined_action_id,
                "name": "Follow-up email",
                "button_text": "Send a follow-up",
                "message_prefix": "Write the follow-up email of: ",
            }
        ],
        "user_task_pk": execution.user_task_id,
        "n_todos": 2,
        "n_not_read_todos": 1,
        "produced_text_pk": version.produced_text_id,
        "produced_text_title": "Minutes v2",
        "produced_text_production": "Second draft",
        "produced_text_version_pk": version.pk,
        "produced_text_version_index": 2,
        "text_edit_actions": [
            {"text_edit_action_pk": edit.pk, "name": "Make it shorter", "description": "A shorter text", "emoji": "✂️"}
        ],
        "working_on_todos": True,
    }
    item.update(overrides)
    return item


def test_it_lists_started_executions_with_their_latest_text_and_todo_counts(finished, owner):
    ExecutionFactory(user_task=finished.user_task)  # not started: not listed
    StartedExecutionFactory(user_task=finished.user_task, deleted_by_user=timezone.now())  # deleted
    StartedExecutionFactory()  # another user's
    response = client_for(owner).get("/user_task_execution", {"datetime": "2026-11-24T10:00:00"})
    assert response.status_code == 200
    assert response.json() == {"user_task_executions": [_json(finished)]}


def test_it_returns_one_execution_with_its_deleted_flag(finished, owner):
    response = client_for(owner).get("/user_task_execution", {"user_task_execution_pk": finished.pk})
    assert response.status_code == 200
    assert response.json() == _json(finished, deleted_by_user=False, steps=None, step_executions=None)


def test_it_gives_nulls_for_an_execution_without_text_or_inputs(owner):
    execution = ExecutionFactory(user_task__user=owner, user_task__task__icon="🧾")
    response = client_for(owner).get("/user_task_execution", {"user_task_execution_pk": execution.pk})
    body = response.json()
    assert {k: body[k] for k in ("start_date", "json_inputs_values", "produced_text_pk", "produced_text_title")} == {
        "start_date": None,
        "json_inputs_values": None,
        "produced_text_pk": None,
        "produced_text_title": None,
    }
    assert (body["produced_text_version_pk"], body["produced_text_version_index"], body["n_todos"]) == (None, 0, 0)
    assert (body["actions"], body["text_edit_actions"]) == ([], [])


def test_it_lists_newest_first_and_pages(owner):
    user_task = UserTaskFactory(user=owner)
    executions = [StartedExecutionFactory(user_task=user_task) for _ in range(4)]
    client = client_for(owner)
    page = client.get("/user_task_execution", {"n_user_task_executions": 2, "offset": 1}).json()
    assert [e["user_task_execution_pk"] for e in page["user_task_executions"]] == [executions[2].pk, executions[1].pk]


def test_it_filters_by_title_or_summary_and_by_user_tasks(owner):
    first, second = UserTaskFactory(user=owner), UserTaskFactory(user=owner)
    budget = StartedExecutionFactory(user_task=first, title="Budget review")
    hiring = StartedExecutionFactory(user_task=second, title="Hiring", summary="A new BUDGET line")
    other = StartedExecutionFactory(user_task=second, title="Offsite")
    client = client_for(owner)

    def pks(**params):
        response = client.get("/user_task_execution", params)
        assert response.status_code == 200
        return [e["user_task_execution_pk"] for e in response.json()["user_task_executions"]]

    assert pks(search_filter="budget") == [hiring.pk, budget.pk]
    assert pks(user_task_pks=f"{first.pk};{second.pk}") == [other.pk, hiring.pk, budget.pk]
    assert pks(user_task_pks=f"{second.pk}", search_filter="budget") == [hiring.pk]
    assert pks(search_filter="") == [other.pk, hiring.pk, budget.pk]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"user_task_pks": "1;x"}, "user_task_pks: must be integers separated by ';'"),
        ({"n_user_task_executions": "ten"}, "n_user_task_executions: A valid integer is required."),
        ({"offset": "-1"}, "offset: Ensure this value is greater than or equal to 0."),
        ({"user_task_execution_pk": "x"}, "user_task_execution_pk: A valid integer is required."),
    ],
)
def test_it_answers_400_naming_a_bad_parameter(owner, params, error):
    response = client_for(owner).get("/user_task_execution", params)
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_it_adds_steps_to_workflow_executions(owner):
    task = TaskFactory(type=TaskType.WORKFLOW)
    step = WorkflowStep.objects.create(task=task, name_for_system="plan", rank=1)
    WorkflowStepDisplayedData.objects.create(
        workflow_step=step, language_code="en", name_for_user="Plan", definition_for_user="Plan it"
    )
    execution = StartedExecutionFactory(user_task=UserTaskFactory(user=owner, task=task))
    listed = client_for(owner).get("/user_task_execution").json()["user_task_executions"][0]
    steps = [{"workflow_step_pk": step.pk, "step_name_for_user": "Plan", "step_definition_for_user": "Plan it"}]
    assert (listed["steps"], listed["step_executions"]) == (steps, [])
    one = client_for(owner).get("/user_task_execution", {"user_task_execution_pk": execution.pk}).json()
    assert (one["steps"], one["step_executions"], one["task_type"]) == (steps, [], "workflow")


def _list_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/user_task_execution")
    assert response.status_code == 200
    return len(queries.captured_queries), len(response.json()["user_task_executions"])


def test_it_lists_a_page_in_the_same_number_of_queries_whatever_its_size(owner):
    def make(n):
        for _ in range(n):
            task = TaskFactory()
            add_predefined_action(task, TaskFactory())
            add_text_edit_action(task.output_text_type)
            execution = StartedExecutionFactory(user_task=UserTaskFactory(user=owner, task=task))
            add_versions(execution, ("T", "one"), ("T", "two"))
            TodoFactory(user_task_execution=execution)

    make(1)
    client = client_for(owner)
    one = _list_queries(client)
    make(9)
    ten = _list_queries(client)
    assert (one[1], ten[1]) == (1, 10)
    assert one[0] == ten[0]


def test_it_answers_404_for_another_users_execution(finished, member_client):
    response = member_client.get("/user_task_execution", {"user_task_execution_pk": finished.pk})
    assert response.status_code == 404
    assert member_client.get("/user_task_execution").json() == {"user_task_executions": []}


def test_it_answers_401_to_anonymous(finished, anonymous):
    assert anonymous.get("/user_task_execution").status_code == 401
    assert anonymous.delete(f"/user_task_execution?user_task_execution_pk={finished.pk}").status_code == 401
    finished.refresh_from_db()
    assert finished.deleted_by_user is None


def test_it_deletes_softly(finished, owner):
    client = client_for(owner)
    response = client.delete(f"/user_task_execution?user_task_execution_pk={finished.pk}&datetime=x")
    assert response.status_code == 200
    assert response.json() == {"user_task_execution_pk": finished.pk}
    finished.refresh_from_db()
    assert finished.deleted_by_user is not None
    assert client.get("/user_task_execution").json() == {"user_task_executions": []}
    one = client.get("/user_task_execution", {"user_task_execution_pk": finished.pk}).json()
    assert one["deleted_by_user"] is True
    again = client.delete(f"/user_task_execution?user_task_execution_pk={finished.pk}")
    assert again.status_code == 404


def test_it_refuses_to_delete_another_users_execution(finished, member_client):
    response = member_client.delete(f"/user_task_execution?user_task_execution_pk={finished.pk}")
    assert response.status_code == 404
    assert UserTaskExecution.objects.get(pk=finished.pk).deleted_by_user is None


def test_it_answers_400_to_a_delete_without_pk(owner):
    response = client_for(owner).delete("/user_task_execution")
    assert response.status_code == 400
    assert response.json()["error"] == "user_task_execution_pk: This field is required."


def test_it_treats_an_admin_as_a_normal_user(finished, admin, admin_client):
    own = StartedExecutionFactory(user_task__user=admin)
    listed = admin_client.get("/user_task_execution").json()["user_task_executions"]
    assert [e["user_task_execution_pk"] for e in listed] == [own.pk]
    assert admin_client.get("/user_task_execution", {"user_task_execution_pk": finished.pk}).status_code == 404
    assert admin_client.delete(f"/user_task_execution?user_task_execution_pk={own.pk}").status_code == 200


def test_it_shows_the_workflow_engines_step_executions(owner):
    from apps.workflows import selectors as workflow_selectors
    from tests.workflows.conftest import new_execution, poem_task, run_pending, start

    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="tides", n_stanzas="2")
    run_pending(execution)
    expected = workflow_selectors.step_executions(execution)
    assert [(s["rank"], s["status"]) for s in expected] == [(1, "done")]
    client = client_for(owner)
    one = client.get("/user_task_execution", {"user_task_execution_pk": execution.pk}).json()
    listed = client.get("/user_task_execution").json()["user_task_executions"]
    assert one["step_executions"] == expected
    assert [item["step_executions"] for item in listed] == [expected]
    assert [step["step_name_for_user"] for step in one["steps"]] == ["Stanza divider", "Stanza writer"]

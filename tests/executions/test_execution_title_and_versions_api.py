"""POST /user_task_execution_title and GET /user_task_execution_produced_text (ownership checked)."""

from __future__ import annotations

import pytest

from apps.executions.models import UserTaskExecution
from tests.conftest import client_for
from tests.executions.conftest import add_versions
from tests.factories import ExecutionFactory, StartedExecutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def execution(owner):
    execution = StartedExecutionFactory(user_task__user=owner, title="Generated title")
    add_versions(execution, ("Minutes", "First"), ("Minutes", "Second"), ("Final minutes", "Third"))
    return execution


# --- POST /user_task_execution_title ------------------------------------------------------------------


def test_it_renames_the_execution(execution, owner):
    response = client_for(owner).post(
        "/user_task_execution_title",
        {"datetime": "2026-11-24T10:00:00", "title": "Q4 budget", "user_task_execution_pk": execution.pk},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"success": True}
    execution.refresh_from_db()
    assert execution.title == "Q4 budget"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"user_task_execution_pk": 1}, "title: This field is required."),
        ({"title": "x"}, "user_task_execution_pk: This field is required."),
        (
            {"title": "x" * 256, "user_task_execution_pk": 1},
            "title: Ensure this field has no more than 255 characters.",
        ),
    ],
)
def test_it_answers_400_naming_the_bad_field(owner, body, error):
    response = client_for(owner).post("/user_task_execution_title", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_it_refuses_to_rename_another_users_execution(execution, member_client):
    response = member_client.post(
        "/user_task_execution_title", {"title": "Mine now", "user_task_execution_pk": execution.pk}, format="json"
    )
    assert response.status_code == 404
    assert UserTaskExecution.objects.get(pk=execution.pk).title == "Generated title"


def test_it_answers_401_to_anonymous_renames(execution, anonymous):
    response = anonymous.post(
        "/user_task_execution_title", {"title": "x", "user_task_execution_pk": execution.pk}, format="json"
    )
    assert response.status_code == 401
    assert UserTaskExecution.objects.get(pk=execution.pk).title == "Generated title"


def test_it_lets_an_admin_rename_their_own_execution_only(execution, admin, admin_client):
    own = ExecutionFactory(user_task__user=admin)
    ok = admin_client.post(
        "/user_task_execution_title", {"title": "A", "user_task_execution_pk": own.pk}, format="json"
    )
    assert ok.status_code == 200
    denied = admin_client.post(
        "/user_task_execution_title", {"title": "A", "user_task_execution_pk": execution.pk}, format="json"
    )
    assert denied.status_code == 404
    assert UserTaskExecution.objects.get(pk=execution.pk).title == "Generated title"


# --- GET /user_task_execution_produced_text ---------------------------------------------------------------


@pytest.mark.parametrize(("index", "production"), [(1, "First"), (2, "Second"), (3, "Third")])
def test_it_returns_the_nth_version_oldest_first(execution, owner, index, production):
    response = client_for(owner).get(
        "/user_task_execution_produced_text",
        {"datetime": "x", "user_task_execution_pk": execution.pk, "produced_text_version_index": index},
    )
    assert response.status_code == 200
    version = execution.produced_texts.get().versions.get(production=production)
    assert response.json() == {
        "produced_text_version_pk": version.pk,
        "produced_text_pk": version.produced_text_id,
        "produced_text_title": version.title,
        "produced_text_production": production,
        "produced_text_version_index": index,
    }


def test_it_answers_a_null_version_past_the_last_one(execution, owner):
    response = client_for(owner).get(
        "/user_task_execution_produced_text", {"user_task_execution_pk": execution.pk, "produced_text_version_index": 4}
    )
    assert response.status_code == 200
    assert response.json() == {"produced_text_version_pk": None}


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"produced_text_version_index": 0}, "produced_text_version_index: must be > 0"),
        ({"produced_text_version_index": -2}, "produced_text_version_index: must be > 0"),
        ({}, "produced_text_version_index: This field is required."),
    ],
)
def test_it_answers_400_to_a_bad_index(execution, owner, params, error):
    response = client_for(owner).get(
        "/user_task_execution_produced_text", {"user_task_execution_pk": execution.pk, **params}
    )
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_it_hides_another_users_versions(execution, member_client, anonymous):
    params = {"user_task_execution_pk": execution.pk, "produced_text_version_index": 1}
    assert member_client.get("/user_task_execution_produced_text", params).status_code == 404
    assert anonymous.get("/user_task_execution_produced_text", params).status_code == 401


def test_it_serves_an_admin_their_own_versions(admin, admin_client, execution):
    own = StartedExecutionFactory(user_task__user=admin)
    (version,) = add_versions(own, ("Admin", "Text"))
    response = admin_client.get(
        "/user_task_execution_produced_text", {"user_task_execution_pk": own.pk, "produced_text_version_index": 1}
    )
    assert response.json()["produced_text_version_pk"] == version.pk
    denied = admin_client.get(
        "/user_task_execution_produced_text", {"user_task_execution_pk": execution.pk, "produced_text_version_index": 1}
    )
    assert denied.status_code == 404

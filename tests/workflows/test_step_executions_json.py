"""``step_executions`` for GET /user_task_execution, and the extra state columns of the md_ table."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.workflows import selectors, services
from apps.workflows.models import UserWorkflowStepExecution
from tests.test_schema_matches_reference import TABLES, _columns
from tests.workflows.conftest import new_execution, poem_task, run_pending, start

pytestmark = pytest.mark.django_db


def test_it_lists_valid_and_current_step_executions_in_item_order_without_rejected_attempts(owner):
    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="tides", n_stanzas="2")
    assert [(s["rank"], s["status"]) for s in selectors.step_executions(execution)] == [(1, "pending")]
    run_pending(execution)
    divider = UserWorkflowStepExecution.objects.get()
    services.validate(divider)
    run_pending(execution, order="-id")
    writers = list(UserWorkflowStepExecution.objects.filter(workflow_step__rank=2).order_by("item_index"))
    services.validate(writers[1])
    services.reject(writers[0])
    services.invalidate_current_step(execution, "Shorter")
    retry = UserWorkflowStepExecution.objects.latest("id")

    listed = selectors.step_executions(execution)
    assert [(s["user_workflow_step_execution_pk"], s["item_index"], s["validated"], s["status"]) for s in listed] == [
        (divider.pk, 0, True, "done"),
        (retry.pk, 0, None, "pending"),
        (writers[1].pk, 1, True, "done"),
    ]
    assert listed[0] == {
        "user_workflow_step_execution_pk": divider.pk,
        "workflow_step_pk": divider.workflow_step_id,
        "step_name_for_user": "Stanza divider",
        "step_definition_for_user": "What stanza_divider does",
        "creation_date": divider.creation_date.isoformat(),
        "user_validation_required": True,
        "validated": True,
        "parameter": {"poem_topic": "tides", "n_stanzas": "2"},
        "result": [{"stanza_topic": "tides, part 1"}, {"stanza_topic": "tides, part 2"}],
        "error_status": None,
        "review_chat_enabled": False,
        "rank": 1,
        "item_index": 0,
        "status": "done",
    }
    assert selectors.step_executions_by_execution([execution]) == {execution.pk: listed}


def test_the_state_columns_are_exactly_the_declared_extras():
    actual = _columns()["md_user_workflow_step_execution"]
    extras = TABLES["md_user_workflow_step_execution"]["extra_columns"]
    assert {name: actual[name] for name in extras} == {
        name: {key: spec[key] for key in ("type", "nullable", "default")} for name, spec in extras.items()
    }
    assert set(actual) == set(TABLES["md_user_workflow_step_execution"]["columns"]) | set(extras)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'md_uwse_unfinished_idx'")
        assert "WHERE ((status)::text = ANY" in cursor.fetchone()[0]


def test_it_lists_the_step_executions_of_a_page_of_executions_in_constant_queries(owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.executions.models import UserTaskExecution

    task = poem_task()
    for topic in ("a", "b", "c"):
        execution = new_execution(owner, task)
        start(execution, poem_topic=topic, n_stanzas="2")
        run_pending(execution)
        services.validate(UserWorkflowStepExecution.objects.get(user_task_execution=execution))
        run_pending(execution)
    page = list(UserTaskExecution.objects.select_related("user_task").order_by("id"))

    with CaptureQueriesContext(connection) as queries:
        listed = selectors.step_executions_by_execution(page)
    assert len(queries) == 5  # languages, steps, step executions, their displayed data, results
    assert [[s["item_index"] for s in listed[e.pk]] for e in page] == [[0, 0, 1]] * 3

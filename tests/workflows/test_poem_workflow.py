"""write_poem through the routes: form run, each step validated, the fan-out, the final text."""

from __future__ import annotations

import json

import pytest

from apps.chat.models import Message
from apps.executions.models import ProducedTextVersion
from apps.workflows.models import UserWorkflowStepExecution, UserWorkflowStepExecutionResult
from tests.conftest import client_for
from tests.workflows.conftest import events, last_seq, new_execution, poem_task, run_pending, step_rows

pytestmark = pytest.mark.django_db

STANZA = "Of {topic} I sing,\nas morning lifts its wing,\nand {poem} will bring\nthe light of everything."


def _run_form(client, execution, topic="the sea", n="2"):
    return client.post(
        "/user_task_execution_run",
        {
            "user_task_execution_pk": execution.pk,
            "inputs": json.dumps(
                [{"input_name": "poem_topic", "input_value": topic}, {"input_name": "n_stanzas", "input_value": n}]
            ),
        },
        format="multipart",
    )


def _validate(client, step_execution_pk, validated=True):
    return client.post(
        "/user_workflow_step_execution",
        {
            "datetime": "2026-11-24T10:00:00",
            "user_workflow_step_execution_pk": step_execution_pk,
            "validated": validated,
        },
        format="json",
    )


def test_it_runs_the_poem_workflow_step_by_step_with_validations(owner):
    execution = new_execution(owner, poem_task())
    client = client_for(owner)

    response = _run_form(client, execution)
    assert response.status_code == 200, response.content
    assert response.json() == {"success": "ok"}
    assert step_rows(execution) == [("stanza_divider", 0, "pending", None)]

    run_pending(execution)
    divider = UserWorkflowStepExecution.objects.get(user_task_execution=execution)
    assert divider.parameter == {"poem_topic": "the sea", "n_stanzas": "2"}
    assert divider.results.get().result == [{"stanza_topic": "the sea, part 1"}, {"stanza_topic": "the sea, part 2"}]
    assert [(name, data.get("user_workflow_step_execution_pk")) for name, data in events(execution)] == [
        ("user_task_execution_start", None),
        ("workflow_step_execution_started", divider.pk),
        ("workflow_step_execution_ended", divider.pk),
    ]
    ended = events(execution)[-1][1]
    assert ended == {
        "user_workflow_step_execution_pk": divider.pk,
        "workflow_step_pk": divider.workflow_step_id,
        "step_name_for_user": "Stanza divider",
        "step_definition_for_user": "What stanza_divider does",
        "creation_date": divider.creation_date.isoformat(),
        "user_validation_required": True,
        "validated": None,
        "parameter": {"poem_topic": "the sea", "n_stanzas": "2"},
        "result": [{"stanza_topic": "the sea, part 1"}, {"stanza_topic": "the sea, part 2"}],
        "error_status": None,
        "review_chat_enabled": False,
        "rank": 1,
        "item_index": 0,
        "status": "done",
        "session_id": execution.session_id,
    }
    # awaiting validation: nothing else runs
    assert step_rows(execution) == [("stanza_divider", 0, "done", None)]

    seq = last_seq(execution)
    assert _validate(client, divider.pk).json() == {"message": "Step validated"}
    assert step_rows(execution) == [
        ("stanza_divider", 0, "done", True),
        ("stanza_writer", 0, "pending", None),
        ("stanza_writer", 1, "pending", None),
    ]
    writers = list(UserWorkflowStepExecution.objects.filter(workflow_step__rank=2).order_by("item_index"))
    assert [w.parameter for w in writers] == [{"stanza_topic": "the sea, part 1"}, {"stanza_topic": "the sea, part 2"}]
    assert {w.fan_out_source_pk for w in writers} == {divider.pk}

    run_pending(execution)
    assert [(name, data["item_index"]) for name, data in events(execution, seq)] == [
        ("workflow_step_execution_started", 0),
        ("workflow_step_execution_ended", 0),
        ("workflow_step_execution_started", 1),
        ("workflow_step_execution_ended", 1),
    ]
    assert [w.results.get().result for w in writers] == [
        [{"stanza": STANZA.format(topic="the sea, part 1", poem="the sea")}],
        [{"stanza": STANZA.format(topic="the sea, part 2", poem="the sea")}],
    ]

    _validate(client, writers[1].pk)
    assert not ProducedTextVersion.objects.exists()  # item 0 still awaits its validation
    seq = last_seq(execution)
    _validate(client, writers[0].pk)

    version = ProducedTextVersion.objects.get(produced_text__user_task_execution=execution)
    poem = (
        STANZA.format(topic="the sea, part 1", poem="the sea")
        + "\n\n"
        + STANZA.format(topic="the sea, part 2", poem="the sea")
    )
    assert version.text_type is not None
    assert (version.title, version.production, version.text_type.name) == ("", poem, "poem")
    assert events(execution, seq) == [
        (
            "workflow_execution_produced_text",
            {
                "produced_text": poem,
                "produced_text_title": "",
                "produced_text_pk": version.produced_text_id,
                "produced_text_version_pk": version.pk,
                "user_task_execution_pk": execution.pk,
                "session_id": execution.session_id,
            },
        )
    ]
    message = Message.objects.get(session_id=execution.session_id, event_name="workflow_execution_produced_text")
    assert message.sender == "mojo"
    assert message.message["text_with_tags"] == f"<execution><title></title><draft>{poem}</draft></execution>"
    state = Message.objects.get(session_id=execution.session_id, sender="system")
    assert state.message["text"].startswith("Every step of the workflow is achieved.\nAchieved steps:\n")
    execution.refresh_from_db()
    assert execution.end_date is not None


def test_it_validates_twice_without_running_anything_twice(owner):
    execution = new_execution(owner, poem_task())
    client = client_for(owner)
    _run_form(client, execution)
    run_pending(execution)
    divider = UserWorkflowStepExecution.objects.get()
    assert _validate(client, divider.pk).status_code == 200
    assert _validate(client, divider.pk).status_code == 200
    assert step_rows(execution) == [
        ("stanza_divider", 0, "done", True),
        ("stanza_writer", 0, "pending", None),
        ("stanza_writer", 1, "pending", None),
    ]


def test_it_refuses_to_validate_a_step_still_running_with_409(owner):
    execution = new_execution(owner, poem_task())
    client = client_for(owner)
    _run_form(client, execution)
    divider = UserWorkflowStepExecution.objects.get()
    response = _validate(client, divider.pk)
    assert response.status_code == 409
    assert response.json() == {"error": "this step execution is still running"}
    divider.refresh_from_db()
    assert divider.validated is None


def test_it_answers_404_to_another_user_validating_a_step_and_changes_nothing(owner, member):
    execution = new_execution(owner, poem_task())
    _run_form(client_for(owner), execution)
    run_pending(execution)
    divider = UserWorkflowStepExecution.objects.get()
    before = last_seq(execution)

    for validated in (True, False):
        response = _validate(client_for(member), divider.pk, validated)
        assert response.status_code == 404
        assert response.json() == {"error": "user_workflow_step_execution_pk: not found"}
    edit = client_for(member).put(
        "/user_workflow_step_execution_result",
        {"user_workflow_step_execution_pk": divider.pk, "result": [{"stanza_topic": "mine"}]},
        format="json",
    )
    relaunch = client_for(member).put(
        "/user_workflow_step_execution", {"user_workflow_step_execution_pk": divider.pk}, format="json"
    )
    assert (edit.status_code, relaunch.status_code) == (404, 404)

    divider.refresh_from_db()
    assert divider.validated is None
    assert UserWorkflowStepExecution.objects.count() == 1
    assert UserWorkflowStepExecutionResult.objects.count() == 1
    assert not Message.objects.filter(session_id=execution.session_id, sender="system").exists()
    assert last_seq(execution) == before


def test_it_answers_401_to_an_anonymous_validation(owner, anonymous):
    execution = new_execution(owner, poem_task())
    _run_form(client_for(owner), execution)
    run_pending(execution)
    divider = UserWorkflowStepExecution.objects.get()
    assert _validate(anonymous, divider.pk).status_code == 401
    divider.refresh_from_db()
    assert divider.validated is None


def test_it_runs_straight_through_when_no_step_needs_validation(owner):
    execution = new_execution(owner, poem_task(validation=False))
    _run_form(client_for(owner), execution, topic="rain", n="3")
    run_pending(execution)
    assert step_rows(execution) == [
        ("stanza_divider", 0, "done", None),
        ("stanza_writer", 0, "done", None),
        ("stanza_writer", 1, "done", None),
        ("stanza_writer", 2, "done", None),
    ]
    version = ProducedTextVersion.objects.get()
    assert version.production == "\n\n".join(STANZA.format(topic=f"rain, part {i}", poem="rain") for i in (1, 2, 3))
    assert [name for name, _ in events(execution)].count("workflow_execution_produced_text") == 1

"""Rejecting a step, then the review chat: an instruction re-runs the step with it; a question or a
refusal is an ordinary assistant message; after the end, the chat edits the result."""

from __future__ import annotations

import pytest

from apps.assistants.generation import run_generation
from apps.assistants.messages import post_user_message
from apps.chat.models import Generation, Message
from apps.executions.models import ProducedTextVersion
from apps.llm import services as llm_services
from apps.workflows import services
from apps.workflows.models import UserWorkflowStepExecution
from tests.conftest import client_for
from tests.workflows.conftest import events, last_seq, new_execution, poem_task, run_pending, start, step_rows

pytestmark = pytest.mark.django_db


def _poem_with_stanzas_written(owner):
    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="the moon", n_stanzas="2")
    run_pending(execution)
    services.validate(UserWorkflowStepExecution.objects.get(workflow_step__rank=1))
    run_pending(execution)
    writers = list(UserWorkflowStepExecution.objects.filter(workflow_step__rank=2).order_by("item_index"))
    return execution, writers


def _chat(owner, execution, text: str, message_id: str) -> Generation:
    posted = post_user_message(
        owner, execution.session, message_id=message_id, text=text, user_task_execution_pk=execution.pk
    )
    run_generation(posted.message.generation.pk)
    return Generation.objects.get(pk=posted.message.generation.pk)


def test_it_reruns_a_rejected_step_with_the_instruction_learned_in_the_chat(owner, monkeypatch):
    execution, writers = _poem_with_stanzas_written(owner)
    response = client_for(owner).post(
        "/user_workflow_step_execution",
        {"user_workflow_step_execution_pk": writers[1].pk, "validated": False},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"message": "Step validated"}
    writers[1].refresh_from_db()
    assert writers[1].validated is None  # rejected only once the chat yields an instruction
    state = Message.objects.get(session_id=execution.session_id, sender="system")
    assert state.event_name == "worflow_step_execution_rejection"
    assert state.message["user_workflow_step_execution_pk"] == writers[1].pk
    assert (
        "Current step, waiting for the user's review:\n- stanza_writer: stanza_writer definition"
        in (state.message["text"])
    )

    seq = last_seq(execution)
    generation = _chat(owner, execution, "Make it darker", "review-1")

    instruction = "Redo the step taking this into account: Make it darker"
    writers[1].refresh_from_db()
    assert (writers[1].validated, writers[1].learned_instruction) == (False, instruction)
    assert generation.status == "done" and generation.result_message_id is None
    assert not Message.objects.filter(session_id=execution.session_id, sender="mojo").exists()
    invalidated = [data for name, data in events(execution, seq) if name == "workflow_step_execution_invalidated"]
    assert [(d["user_workflow_step_execution_pk"], d["validated"]) for d in invalidated] == [(writers[1].pk, False)]
    assert step_rows(execution)[-1] == ("stanza_writer", 1, "pending", None)
    again = UserWorkflowStepExecution.objects.latest("id")
    assert again.parameter == writers[1].parameter

    prompts: list[str] = []
    real_chat = llm_services.chat

    def recording_chat(source, **kwargs):
        prompts.append(source.prompt if hasattr(source, "prompt") else str(source))
        return real_chat(source, **kwargs)

    monkeypatch.setattr(llm_services, "chat", recording_chat)
    run_pending(execution)
    assert len(prompts) == 1
    assert f"Follow these instructions from the user:\n- {instruction}\n" in prompts[0]

    services.validate(writers[0])
    services.validate(again)
    assert ProducedTextVersion.objects.get().production.count("Of the moon, part") == 2


def test_it_answers_a_question_when_the_review_is_unclear(owner, fake_llm):
    execution, writers = _poem_with_stanzas_written(owner)
    services.reject(writers[0])
    fake_llm(
        "<user_language>en</user_language><ask_for_clarification>What should change in this stanza?"
        "</ask_for_clarification><user_instruction>None</user_instruction>"
    )
    generation = _chat(owner, execution, "Hmm, not sure", "review-2")
    message = Message.objects.get(pk=generation.result_message_id or 0)
    assert message.message["text"] == "What should change in this stanza?"
    assert events(execution)[-1] == ("mojo_message", message.message)
    writers[0].refresh_from_db()
    assert writers[0].validated is None
    assert UserWorkflowStepExecution.objects.count() == 3


def test_it_refuses_to_change_the_inputs_from_the_review_chat(owner, fake_llm):
    execution, writers = _poem_with_stanzas_written(owner)
    services.reject(writers[0])
    fake_llm(
        "<user_language>en</user_language><no_go_explanation>The topic cannot change now: restart the workflow."
        "</no_go_explanation>"
    )
    generation = _chat(owner, execution, "Write about the sun instead", "review-3")
    assert Message.objects.get(pk=generation.result_message_id or 0).message["text"] == (
        "The topic cannot change now: restart the workflow."
    )
    assert UserWorkflowStepExecution.objects.filter(validated=False).count() == 0


def test_it_edits_the_result_in_the_chat_once_the_workflow_ended(owner, fake_llm):
    execution, writers = _poem_with_stanzas_written(owner)
    for writer in writers:
        services.validate(writer)
    first = ProducedTextVersion.objects.get()
    fake_llm(
        "<user_language>en</user_language><execution><title>Moon poem</title>"
        "<draft>A shorter poem about the moon.</draft></execution>"
    )
    generation = _chat(owner, execution, "Make it shorter", "edit-1")

    versions = list(ProducedTextVersion.objects.order_by("id"))
    assert [(v.title, v.production) for v in versions] == [
        ("", first.production),
        ("Moon poem", "A shorter poem about the moon."),
    ]
    draft = Message.objects.get(pk=generation.result_message_id or 0)
    assert draft.event_name == "draft_message"
    assert draft.message["produced_text_version_pk"] == versions[1].pk
    assert events(execution)[-1][0] == "draft_message"


def test_it_keeps_the_result_as_it_is_when_the_task_disables_result_chat(owner):
    execution, writers = _poem_with_stanzas_written(owner)
    execution.user_task.task.__class__.objects.filter(pk=execution.user_task.task_id).update(result_chat_enabled=False)
    for writer in writers:
        services.validate(writer)
    generation = _chat(owner, execution, "Make it shorter", "edit-2")
    message = Message.objects.get(pk=generation.result_message_id or 0)
    assert (message.event_name, message.message["text"]) == (
        "mojo_message",
        "This task does not allow changing its result in the chat.",
    )
    assert ProducedTextVersion.objects.count() == 1

"""Running a generation: the instruct assistant's answer, its version and events, exactly once."""

from __future__ import annotations

import functools
import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.assistants import messages, runs
from apps.assistants.generation import run_generation
from apps.chat import services
from apps.chat.models import Generation, Message, SessionEvent
from apps.executions.models import ProducedText, ProducedTextVersion

pytestmark = pytest.mark.django_db


def _form_run(execution, notes="Budget approved. Next review in March.", options=None):
    runs.run_from_form(execution, [{"input_name": "notes", "input_value": notes}], options=options)
    return Generation.objects.get(user_task_execution=execution, kind=Generation.Kind.FORM)


def test_it_delivers_a_draft_from_the_form_inputs(execution, scripted):
    scripted(
        "<user_language>en</user_language>"
        + "<execution><title>March review</title><draft>Budget approved.</draft></execution>"
    )
    generation = _form_run(execution)

    run_generation(generation.pk)

    generation.refresh_from_db()
    assert generation.status == Generation.Status.DONE
    assert generation.attempts == 1
    version = ProducedTextVersion.objects.get(produced_text__user_task_execution=execution)
    assert version.text_type is not None
    assert (version.title, version.production, version.text_type.name) == (
        "March review",
        "Budget approved.",
        "document",
    )
    message = generation.result_message
    assert message.event_name == "draft_message"
    assert message.message["produced_text_version_pk"] == version.pk
    assert message.message["text"] == "March review\nBudget approved."
    assert message.message["message_pk"] == message.pk
    logged = list(SessionEvent.objects.filter(session_id=execution.session_id).values_list("event", "seq"))
    assert logged == [("user_task_execution_start", 1), ("draft_message", 2)]
    draft = SessionEvent.objects.get(session_id=execution.session_id, event="draft_message")
    assert draft.requires_ack and draft.ack_key == f"version:{version.pk}"
    execution.refresh_from_db()
    assert execution.start_date is not None and execution.end_date is not None
    assert execution.json_input_values[0]["value"] == "Budget approved. Next review in March."


def test_it_runs_a_generation_only_once_when_the_task_is_redelivered(execution, scripted):
    scripted(
        "<execution><title>T</title><draft>D</draft></execution>",
        "<execution><title>X</title><draft>Y</draft></execution>",
    )
    generation = _form_run(execution)

    run_generation(generation.pk)
    run_generation(generation.pk)  # the same Celery message delivered again

    assert ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution).count() == 1
    assert Message.objects.filter(session_id=execution.session_id, event_name="draft_message").count() == 1
    assert Generation.objects.get(pk=generation.pk).attempts == 1


def test_it_refuses_to_run_twice_at_once_but_takes_over_a_dead_worker(execution):
    generation = _form_run(execution)
    assert services.claim_generation(generation.pk) is not None
    with pytest.raises(services.GenerationBusy):
        services.claim_generation(generation.pk)
    Generation.objects.filter(pk=generation.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    taken = services.claim_generation(generation.pk)
    assert taken is not None and taken.attempts == 2


def test_it_asks_a_question_when_information_is_missing(execution, scripted):
    scripted(
        "<user_language>en</user_language><missing_notes>yes</missing_notes>"
        + "<ask_user_primary_info>What were the notes?</ask_user_primary_info>"
    )
    generation = _form_run(execution, notes="")
    run_generation(generation.pk)

    message = Generation.objects.get(pk=generation.pk).result_message
    assert message is not None
    assert message.event_name == "mojo_message"
    assert message.message["text"] == "What were the notes?"
    assert "<ask_user_primary_info>" in message.message["text_with_tags"]
    assert not ProducedText.objects.filter(user_task_execution=execution).exists()


def test_it_adds_a_version_when_the_user_asks_for_a_correction(execution, owner, scripted):
    scripted(
        "<execution><title>Review</title><draft>Budget approved.</draft></execution>",
        "<execution><title>Review</title><draft>Budget approved unanimously.</draft></execution>",
    )
    run_generation(_form_run(execution).pk)

    posted = messages.post_user_message(
        owner, execution.session, message_id="m-1", text="Say it was unanimous", user_task_execution_pk=execution.pk
    )
    run_generation(posted.message.generation.pk)

    versions = list(
        ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution)
        .order_by("id")
        .values_list("production", flat=True)
    )
    assert versions == ["Budget approved.", "Budget approved unanimously."]
    assert ProducedText.objects.filter(user_task_execution=execution).count() == 1


def test_it_streams_cumulative_draft_tokens_and_keeps_the_partial(
    execution, scripted, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.chat import delivery

    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(delivery.realtime, "send_now", lambda group, event, data, seq=None: sent.append((event, data)))
    scripted("<execution><title>Hello world</title><draft>One two three</draft></execution>")
    generation = _form_run(execution)
    partials: list = []
    real_publish = delivery.publish_token

    def publish_and_record(*a):
        real_publish(*a)
        partials.append(delivery.partial(execution.session_id))

    monkeypatch.setattr(delivery, "publish_token", publish_and_record)

    with django_capture_on_commit_callbacks(execute=True):
        run_generation(generation.pk)

    assert partials[-1]["data"]["text"] == "Hello world\nOne two three"  # kept while streaming
    drafts = [data["text"] for event, data in sent if event == "draft_token"]
    assert drafts[-1] == "Hello world\nOne two three"
    assert all(len(later) > len(earlier) for earlier, later in itertools.pairwise(drafts))
    assert len(drafts) >= 3
    assert delivery.partial(execution.session_id) is None  # cleared once the final message is stored


def test_it_reports_a_terminal_llm_error_as_an_error_event(execution, owner, monkeypatch):
    from apps.llm.errors import LLMTerminalError

    def broken(*args, **kwargs):
        raise LLMTerminalError("model refused the request")

    monkeypatch.setattr("apps.llm.services.chat", broken)
    posted = messages.post_user_message(
        owner, execution.session, message_id="m-9", text="Hi", user_task_execution_pk=execution.pk
    )
    run_generation(posted.message.generation.pk)

    generation = Generation.objects.get(pk=posted.message.generation.pk)
    assert generation.status == Generation.Status.FAILED
    assert "model refused the request" in generation.error
    error = SessionEvent.objects.get(session_id=execution.session_id, event="error")
    assert error.data["user_message_pk"] == posted.message.pk
    assert Message.objects.get(pk=posted.message.pk).in_error_state is not None

    # the client retries with the same message_id: the error is cleared and the answer re-queued
    monkeypatch.undo()
    again = messages.post_user_message(
        owner, execution.session, message_id="m-9", text="Hi", user_task_execution_pk=execution.pk
    )
    assert again.message.pk == posted.message.pk and not again.created
    assert Generation.objects.get(pk=generation.pk).status == Generation.Status.PENDING
    assert Message.objects.get(pk=posted.message.pk).in_error_state is None


def test_it_uses_the_draft_placeholder_without_calling_the_llm(execution, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the LLM must not be called in placeholder mode")

    from apps.llm import services as llm

    monkeypatch.setattr("apps.llm.services.chat", forbidden)
    monkeypatch.setattr(llm, "placeholder", functools.partial(llm.placeholder, step_seconds=0))
    generation = _form_run(execution, options={"use_draft_placeholder": True})
    run_generation(generation.pk)

    from apps.llm import placeholders

    version = ProducedTextVersion.objects.get(produced_text__user_task_execution=execution)
    assert (version.title, version.production) == (placeholders.DRAFT_TITLE, placeholders.DRAFT_BODY)

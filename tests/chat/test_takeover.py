"""Takeover of a dead worker's generation: the sweep finds it, the fence lets one claim commit."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.assistants import messages, runs
from apps.assistants.generation import answer, run_generation
from apps.chat import services
from apps.chat.models import Generation, Message, SessionEvent
from apps.executions.models import ProducedTextVersion

pytestmark = pytest.mark.django_db


def _form_generation(execution) -> Generation:
    runs.run_from_form(execution, [{"input_name": "notes", "input_value": "Budget approved."}])
    return Generation.objects.get(user_task_execution=execution, kind=Generation.Kind.FORM)


def _expire(generation: Generation) -> None:
    stale = timezone.now() - services.lease() - timedelta(seconds=1)
    Generation.objects.filter(pk=generation.pk).update(heartbeat_at=stale)


def test_a_late_original_cannot_commit_while_or_after_a_takeover_runs(execution, scripted):
    scripted(
        "<execution><title>Original</title><draft>One.</draft></execution>",
        "<execution><title>Takeover</title><draft>Two.</draft></execution>",
        "<execution><title>Late again</title><draft>Three.</draft></execution>",
    )
    generation = _form_generation(execution)
    original = services.claim_generation(generation.pk)
    assert original is not None and original.attempts == 1
    _expire(generation)  # the original stalled past its lease
    takeover = services.claim_generation(generation.pk)
    assert takeover is not None and takeover.attempts == 2

    assert services.heartbeat(original) is False  # the original learns it lost the claim
    with pytest.raises(services.ClaimLost):
        answer(original)  # reaches its commit while the takeover runs: refused, version rolled back
    assert ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution).count() == 0
    services.release(original)  # a lost claim cannot hand the row back either
    assert Generation.objects.get(pk=generation.pk).status == Generation.Status.RUNNING

    answer(takeover)
    with pytest.raises(services.ClaimLost):
        answer(original)  # and not after the takeover committed
    assert services.fail_generation(original, "late") is False

    done = Generation.objects.get(pk=generation.pk)
    assert (done.status, done.attempts, done.error) == (Generation.Status.DONE, 2, "")
    versions = ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution)
    assert list(versions.values_list("title", flat=True)) == ["Takeover"]
    assert Message.objects.filter(session_id=execution.session_id, event_name="draft_message").count() == 1
    assert Message.objects.filter(session_id=execution.session_id, event_name="error").count() == 0
    logged = list(SessionEvent.objects.filter(session_id=execution.session_id).values_list("event", flat=True))
    assert logged == ["user_task_execution_start", "draft_message"]


def test_a_redelivered_message_after_the_takeover_changes_nothing(execution, scripted):
    scripted("<execution><title>T</title><draft>D</draft></execution>")
    generation = _form_generation(execution)
    assert services.claim_generation(generation.pk) is not None
    _expire(generation)

    run_generation(generation.pk)  # the sweep's message
    run_generation(generation.pk)  # the broker's redelivery of the original message, much later

    done = Generation.objects.get(pk=generation.pk)
    assert (done.status, done.attempts) == (Generation.Status.DONE, 2)
    assert ProducedTextVersion.objects.filter(produced_text__user_task_execution=execution).count() == 1


def test_the_sweep_selects_expired_leases_and_forgotten_pending_generations(execution, settings):
    settings.GENERATION_PENDING_REQUEUE_AFTER = 60
    session = execution.session
    now = timezone.now()
    old = now - timedelta(seconds=61)

    def make(status, *, heartbeat=None, created=now):
        return Generation.objects.create(
            session=session, kind=Generation.Kind.REPLY, status=status, heartbeat_at=heartbeat, created_at=created
        ).pk

    dead = make(Generation.Status.RUNNING, heartbeat=now - services.lease() - timedelta(seconds=1), created=old)
    alive = make(Generation.Status.RUNNING, heartbeat=now - timedelta(seconds=1), created=old)
    lost = make(Generation.Status.PENDING, created=old)
    queued = make(Generation.Status.PENDING, created=now - timedelta(seconds=30))
    make(Generation.Status.DONE, heartbeat=old, created=old)
    make(Generation.Status.FAILED, heartbeat=old, created=old)

    released = make(Generation.Status.PENDING, heartbeat=now - timedelta(seconds=30), created=old)  # in backoff
    assert services.stale_generations() == [dead, lost]
    assert services.stale_generations(batch=1) == [dead]
    assert not {alive, queued, released} & set(services.stale_generations())


def test_a_dead_worker_s_generation_at_the_attempt_cap_fails_instead_of_looping(execution, owner, settings):
    settings.GENERATION_MAX_ATTEMPTS = 2
    posted = messages.post_user_message(
        owner, execution.session, message_id="m-cap", text="Hi", user_task_execution_pk=execution.pk
    )
    generation = posted.message.generation
    for attempt in (1, 2):
        claimed = services.claim_generation(generation.pk)
        assert claimed is not None and claimed.attempts == attempt
        _expire(generation)  # its worker died again

    assert services.claim_generation(generation.pk) is None
    assert services.stale_generations() == []  # the sweep stops sending it

    failed = Generation.objects.get(pk=generation.pk)
    assert (failed.status, failed.attempts) == (Generation.Status.FAILED, 2)
    assert failed.error == "The answer stopped 2 times without finishing"
    error = SessionEvent.objects.get(session_id=execution.session_id, event="error")
    assert error.data["user_message_pk"] == posted.message.pk
    assert Message.objects.get(pk=posted.message.pk).in_error_state is not None


@pytest.mark.django_db(transaction=True)
def test_the_lease_is_kept_while_the_llm_is_silent(execution, owner, settings, monkeypatch):
    from apps.llm.errors import LLMTerminalError

    settings.GENERATION_LEASE = 3  # a heartbeat every second
    posted = messages.post_user_message(
        owner, execution.session, message_id="m-slow", text="Hi", user_task_execution_pk=execution.pk
    )
    generation_pk = posted.message.generation.pk
    seen: list[Generation] = []

    def silent_llm(*args, **kwargs):  # no token for 2.5 s (a slow first token), then an error
        time.sleep(2.5)
        seen.append(Generation.objects.get(pk=generation_pk))
        raise LLMTerminalError("gave up")

    monkeypatch.setattr("apps.llm.services.chat", silent_llm)
    run_generation(generation_pk)

    assert seen[0].heartbeat_at is not None and seen[0].claimed_at is not None
    beat_for = seen[0].heartbeat_at - seen[0].claimed_at
    assert timedelta(seconds=1.5) <= beat_for <= timedelta(seconds=2.5)  # beaten from a thread
    done = Generation.objects.get(pk=generation_pk)
    assert (done.status, done.attempts, done.error) == (Generation.Status.FAILED, 1, "LLMTerminalError: gave up")


def test_the_lease_comes_from_the_settings(settings):
    settings.GENERATION_LEASE = 7
    assert services.lease() == timedelta(seconds=7)

"""Embeddings of produced text versions are computed by a task on the ``background`` queue, queued
after commit; never in the web request that saved the text."""

from __future__ import annotations

import pytest

from apps.executions import services, tasks
from apps.executions.models import ProducedTextVersion
from apps.llm.embeddings import HashingEmbedder
from apps.llm.errors import RETRYABLE_ERRORS, LLMTerminalError, LLMTimeoutError
from celery_app import app
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _version(user, title="Minutes", production="Budget approved") -> ProducedTextVersion:
    return services.save_produced_text_version(user_id=user.pk, title=title, production=production)


def test_it_queues_the_embedding_after_commit_and_computes_nothing_in_the_request(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    def no_embedding_here(*args, **kwargs):
        raise AssertionError("embedded in the web request")

    monkeypatch.setattr(services.llm, "embed", no_embedding_here)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(owner).post(
            "/produced_text", {"datetime": "x", "title": "Minutes", "production": "Budget approved"}, format="json"
        )

    assert response.status_code == 200
    version = ProducedTextVersion.objects.get(pk=response.json()["produced_text_version_pk"])
    assert version.embedding is None
    assert len(callbacks) == 1  # the task is sent once the request's transaction committed


def test_the_embedding_task_runs_on_the_background_queue_and_retries_llm_errors_only():
    route = app.amqp.router.route({}, tasks.embed_produced_text_version.name)
    assert tasks.embed_produced_text_version.name == "apps.executions.tasks.embed_produced_text_version"
    assert route["queue"].name == "background"
    assert tasks.embed_produced_text_version.autoretry_for == RETRYABLE_ERRORS  # type: ignore[attr-defined]
    assert tasks.embed_produced_text_version.max_retries == 5


def test_unit_embed_body_stores_the_vector_once(owner, settings):
    version = _version(owner)

    assert services.embed_version(version.pk) is True
    assert services.embed_version(version.pk) is False  # a redelivered task changes nothing

    version.refresh_from_db()
    expected = HashingEmbedder(settings.LLM_EMBEDDING_DIMENSIONS).embed_one("Minutes\n\nBudget approved")
    assert version.embedding is not None
    assert list(version.embedding) == pytest.approx(expected)


def test_unit_embed_body_skips_a_missing_version(owner):
    assert services.embed_version(987654) is False


def test_unit_embed_body_lets_retryable_errors_through_for_the_retry(owner, monkeypatch):
    version = _version(owner)

    def timeout(*args, **kwargs):
        raise LLMTimeoutError("slow provider")

    monkeypatch.setattr(services.llm, "embed", timeout)
    with pytest.raises(LLMTimeoutError):
        services.embed_version(version.pk)
    version.refresh_from_db()
    assert version.embedding is None


def test_unit_embed_body_gives_up_on_a_terminal_error_and_keeps_the_text(owner, monkeypatch):
    version = _version(owner)

    def broken(*args, **kwargs):
        raise LLMTerminalError("bad key")

    monkeypatch.setattr(services.llm, "embed", broken)
    assert services.embed_version(version.pk) is False
    version.refresh_from_db()
    assert (version.production, version.embedding) == ("Budget approved", None)

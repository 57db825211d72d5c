"""``POST /produced_text``: the version's embedding is computed by a real worker (``background``
queue, through the real broker), not in the web request."""

from __future__ import annotations

import pytest

from apps.executions import services
from apps.executions.models import ProducedTextVersion
from apps.llm.embeddings import HashingEmbedder
from tests.conftest import client_for
from tests.processes import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_it_embeds_a_saved_text_on_a_worker(celery_worker_process, owner, monkeypatch, settings):
    def no_embedding_here(*args, **kwargs):
        raise AssertionError("embedded in the web request")

    monkeypatch.setattr(services.llm, "embed", no_embedding_here)  # this process only, not the worker

    response = client_for(owner).post(
        "/produced_text", {"datetime": "x", "title": "Minutes", "production": "Budget approved"}, format="json"
    )

    assert response.status_code == 200
    pk = response.json()["produced_text_version_pk"]
    embedded = wait_for(
        lambda: ProducedTextVersion.objects.filter(pk=pk, embedding__isnull=False).first(),
        timeout=60,
        message="the worker to store the embedding",
    )
    expected = HashingEmbedder(settings.LLM_EMBEDDING_DIMENSIONS).embed_one("Minutes\n\nBudget approved")
    assert list(embedded.embedding) == pytest.approx(expected)
    assert ProducedTextVersion.objects.filter(produced_text__user=owner).count() == 1

"""GET /health reports each part; 503 names the part that is down. The worker check is a real
``ping`` over the run's broker: answered by a real worker process, or by none."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_503_and_names_the_missing_workers_when_none_runs(anon_client):
    from celery_app import app

    assert app.control.ping(timeout=0.5) == []  # no worker runs outside the integration tests
    response = anon_client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["database"]["pgvector"]  # the extension the migration created
    assert body["redis"] == {"ok": True}
    assert body["broker"]["ok"] is True
    assert body["workers"] == {"ok": False, "count": 0, "names": []}


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_it_reports_a_down_redis_with_the_error_next_to_a_live_worker(anon_client, settings, celery_worker_process):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = anon_client.get("/health")
    assert response.status_code == 503
    assert response.json()["redis"]["ok"] is False
    assert "ConnectionError" in response.json()["redis"]["error"]
    assert response.json()["workers"]["ok"] is True
    assert response.json()["workers"]["count"] == 1

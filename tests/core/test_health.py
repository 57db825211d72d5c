"""GET /health reports each part; 503 names the part that is down. The worker check is a real
``ping`` over the run's broker, here answered by none (with a real worker:
tests/integration/test_enqueued_work_runs.py and test_celery_worker.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_503_and_names_the_missing_workers_when_none_runs(admin_client):
    from celery_app import app

    assert app.control.ping(timeout=0.5) == []  # no worker runs outside the integration tests
    response = admin_client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["database"]["pgvector"]  # the extension the migration created
    assert body["redis"] == {"ok": True}
    assert body["broker"]["ok"] is True
    assert body["workers"] == {"ok": False, "count": 0, "names": []}

"""GET /health reports each part; 503 names the part that is down."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_503_and_names_the_missing_workers_when_none_runs(anonymous, monkeypatch):
    from celery_app import app

    monkeypatch.setattr(app.control, "ping", lambda timeout: [])
    response = anonymous.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["database"]["pgvector"]  # the extension the migration created
    assert body["redis"] == {"ok": True}
    assert body["broker"]["ok"] is True
    assert body["workers"] == {"ok": False, "count": 0, "names": []}


def test_it_reports_a_down_redis_with_the_error(anonymous, monkeypatch, settings):
    from celery_app import app

    monkeypatch.setattr(app.control, "ping", lambda timeout: [{"w1@host": {"ok": "pong"}}])
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = anonymous.get("/health")
    assert response.status_code == 503
    assert response.json()["redis"]["ok"] is False
    assert "ConnectionError" in response.json()["redis"]["error"]
    assert response.json()["workers"]["ok"] is True

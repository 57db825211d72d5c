"""A task goes through the real broker to a real worker process and back."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_it_runs_a_task_on_a_real_worker_and_health_is_200(celery_worker_process, anonymous, settings):
    from apps.core.tasks import ping

    result = ping.delay("round-trip")
    payload = result.get(timeout=30)
    assert payload["value"] == "round-trip"
    assert payload["hostname"].startswith("test-")

    response = anonymous.get("/health")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}  # the details only with the probe secret or a staff token
    settings.HEALTH_SECRET = "probe-secret"
    response = anonymous.get("/health", HTTP_X_HEALTH_SECRET="probe-secret")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["workers"]["count"] == 1
    assert all(body[part]["ok"] for part in ("database", "redis", "broker", "workers"))


def test_it_routes_each_app_to_its_queue():
    from celery_app import app

    router = app.amqp.router
    for task_name, queue in [
        ("apps.chat.tasks.generate_reply", "llm"),
        ("apps.workflows.tasks.execute_step", "workflows"),
        ("apps.todos.tasks.extract_todos", "background"),
        ("apps.notifications.tasks.send_email", "notifications"),
        ("apps.chat.tasks.resend_unacked_events", "notifications"),
    ]:
        route = router.route({}, task_name)
        assert (route["queue"].name, route["queue"].exchange.name, route["queue"].routing_key) == (queue,) * 3

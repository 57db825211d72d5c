"""POST /task_json through the real broker to a real worker (offline fake LLM), polled with GET."""

from __future__ import annotations

import pytest

from apps.catalog.models import Platform
from tests.processes import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_it_generates_a_definition_on_a_real_worker(celery_worker_process, staff_client):
    # The draft names these platforms; a transactional test that ran before may have flushed the
    # migrations' reference rows.
    for name in ("webapp", "mobile"):
        Platform.objects.get_or_create(name=name)
    posted = staff_client.post("/task_json", {"task_requirements": "A task that writes a haiku."}, format="json")
    assert posted.status_code == 202
    pk = posted.json()["task_json_pk"]

    def finished():  # type: ignore[no-untyped-def]
        data = staff_client.get("/task_json", {"task_json_pk": pk}).json()
        return data if data["status"] in ("done", "failed") else None

    data = wait_for(finished, timeout=60, message="the task_json request to finish")
    assert data["status"] == "done", data
    assert data["task_json"]["name_for_system"] == "generated_task"

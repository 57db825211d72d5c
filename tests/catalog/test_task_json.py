"""POST /task_json: the LLM drafts a task definition in the background (queue llm); GET polls it."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from apps.catalog.models import TaskJsonRequest
from apps.catalog.services import request_task_json, run_task_json_request, validate_task_definition
from apps.catalog.tasks import generate_task_json
from apps.llm.errors import LLMTimeoutError

from .conftest import DENIED, INSTRUCT

pytestmark = pytest.mark.django_db

REQUIREMENTS = "A task that writes a thank-you note to a customer after a purchase."


@pytest.mark.parametrize("caller", ["anonymous", "user"])
def test_it_refuses_callers_who_are_not_admins_and_stores_nothing(callers, caller):
    existing = TaskJsonRequest.objects.create(task_requirements="x")
    client = callers[caller]

    posted = client.post("/task_json", {"task_requirements": REQUIREMENTS}, format="json")
    read = client.get("/task_json", {"task_json_pk": existing.pk})

    assert (posted.status_code, read.status_code) == (DENIED[caller], DENIED[caller])
    assert TaskJsonRequest.objects.count() == 1


@pytest.mark.parametrize("caller", ["staff", "backoffice"])
def test_it_lets_staff_and_the_backoffice_secret_in(callers, caller, broker, django_capture_on_commit_callbacks):
    client = callers[caller]

    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post("/task_json", {"task_requirements": REQUIREMENTS}, format="json")
    read = client.get("/task_json", {"task_json_pk": posted.json()["task_json_pk"]})

    assert (posted.status_code, read.status_code) == (202, 200)


def test_it_stores_the_request_and_enqueues_its_generation_after_commit(
    staff_client, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(
            "/task_json", {"datetime": "2026-11-24T10:00:00", "task_requirements": REQUIREMENTS}, format="json"
        )
        assert broker.sent() == []
    for callback in callbacks:
        callback()

    request = TaskJsonRequest.objects.get()
    assert response.status_code == 202
    assert response.json() == {
        "task_json_pk": request.pk,
        "status": "pending",
        "task_requirements": REQUIREMENTS,
        "task_json": None,
        "error": None,
        "creation_date": request.creation_date.isoformat().replace("+00:00", "Z"),
        "finished_at": None,
    }
    assert broker.sent() == [(generate_task_json.name, [request.pk], {})]


def test_it_routes_the_generation_to_the_llm_queue():
    from celery_app import app

    assert app.amqp.router.route({}, "apps.catalog.tasks.generate_task_json")["queue"].name == "llm"


@pytest.mark.parametrize(
    ("body", "error"),
    [({}, "task_requirements: required"), ({"task_requirements": ""}, "task_requirements: may not be blank")],
)
def test_it_answers_400_without_requirements(staff_client, body, error):
    response = staff_client.post("/task_json", body, format="json")

    assert (response.status_code, response.json()["error"]) == (400, error)
    assert TaskJsonRequest.objects.count() == 0


def test_unit_task_body_generates_a_valid_definition_with_the_fake_llm(fake_llm, staff_client):
    request = TaskJsonRequest.objects.create(task_requirements=REQUIREMENTS)

    generate_task_json(request.pk)

    request.refresh_from_db()
    assert (request.status, request.error, request.attempts) == ("done", None, 1)
    draft = request.result
    assert draft is not None
    assert (draft["name_for_system"], draft["output_type"], draft["predefined_actions"]) == (
        "generated_task",
        "meeting_minutes",
        [],
    )
    assert [item["language_code"] for item in draft["task_displayed_data"]] == ["en", "fr"]
    assert validate_task_definition(draft)["task_type"] == "instruct"
    polled = staff_client.get("/task_json", {"task_json_pk": request.pk}).json()
    assert (polled["status"], polled["task_json"]) == ("done", draft)
    assert staff_client.put("/task", draft, format="json").status_code == 200


def test_unit_task_body_changes_nothing_when_run_again(fake_llm):
    request = TaskJsonRequest.objects.create(task_requirements=REQUIREMENTS)
    generate_task_json(request.pk)
    done = TaskJsonRequest.objects.get(pk=request.pk)

    with mock.patch("apps.catalog.services.drafts.draft_task_definition") as draft:
        generate_task_json(request.pk)

    assert draft.call_count == 0
    again = TaskJsonRequest.objects.get(pk=request.pk)
    assert (again.status, again.result, again.attempts, again.finished_at) == (
        "done",
        done.result,
        1,
        done.finished_at,
    )


def test_unit_task_body_ignores_a_missing_row(fake_llm):
    generate_task_json(987654)

    assert TaskJsonRequest.objects.count() == 0


def test_unit_task_body_fails_the_request_naming_the_field_of_an_invalid_draft(fake_llm):
    draft = {key: value for key, value in INSTRUCT.items() if key != "final_instruction"}
    fake_llm(json.dumps(draft))
    request = TaskJsonRequest.objects.create(task_requirements=REQUIREMENTS)

    generate_task_json(request.pk)

    request.refresh_from_db()
    assert request.status == "failed"
    assert request.error == "invalid definition: final_instruction: required for an instruct task"
    assert request.result is not None
    assert request.result["name_for_system"] == "answer_to_prospect"


def test_unit_task_body_fails_the_request_when_the_llm_never_answers_json(fake_llm, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    fake_llm("not json", "still not json", "never json")
    request = TaskJsonRequest.objects.create(task_requirements=REQUIREMENTS)

    generate_task_json(request.pk)

    request.refresh_from_db()
    assert request.status == "failed"
    assert request.error is not None
    assert request.error.startswith("generate_task_json: no valid JSON answer after 3 attempts")
    assert request.result is None


def test_a_retryable_llm_error_releases_the_claim_for_the_retry(fake_llm):
    request = TaskJsonRequest.objects.create(task_requirements=REQUIREMENTS)

    with (
        mock.patch("apps.catalog.services.drafts.draft_task_definition", side_effect=LLMTimeoutError("slow")),
        pytest.raises(LLMTimeoutError),
    ):
        run_task_json_request(request.pk, final_attempt=False)

    request.refresh_from_db()
    assert (request.status, request.claimed_at, request.attempts) == ("pending", None, 1)


def test_the_last_attempt_fails_the_request_on_a_retryable_error(fake_llm):
    request = TaskJsonRequest.objects.create(task_requirements=REQUIREMENTS)

    with mock.patch("apps.catalog.services.drafts.draft_task_definition", side_effect=LLMTimeoutError("slow")):
        run_task_json_request(request.pk, final_attempt=True)

    request.refresh_from_db()
    assert (request.status, request.error) == ("failed", "LLM unavailable: slow")


def test_unit_task_body_takes_over_a_claim_left_by_a_dead_worker(fake_llm):
    request = TaskJsonRequest.objects.create(
        task_requirements=REQUIREMENTS, status="running", claimed_at=timezone.now() - timedelta(hours=1), attempts=1
    )
    live = TaskJsonRequest.objects.create(
        task_requirements=REQUIREMENTS, status="running", claimed_at=timezone.now(), attempts=1
    )

    generate_task_json(request.pk)
    generate_task_json(live.pk)

    assert TaskJsonRequest.objects.get(pk=request.pk).status == "done"
    assert TaskJsonRequest.objects.get(pk=request.pk).attempts == 2
    assert TaskJsonRequest.objects.get(pk=live.pk).status == "running"


def test_it_answers_404_for_an_unknown_request_and_400_for_a_bad_pk(staff_client):
    assert staff_client.get("/task_json", {"task_json_pk": 999}).json() == {"error": "task_json_pk: not found"}
    assert staff_client.get("/task_json", {"task_json_pk": "x"}).status_code == 400


def test_request_task_json_does_not_enqueue_before_commit(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        request_task_json(REQUIREMENTS)

    assert broker.sent() == []
    assert len(callbacks) == 1

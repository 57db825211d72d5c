"""Exactly once in effect: claims, duplicates, takeovers after a dead worker, fenced results,
failures, relaunch after an error, and the sweep of stale steps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.llm.errors import LLMTimeoutError
from apps.workflows import runner, services
from apps.workflows.models import StepStatus, UserWorkflowStepExecution, UserWorkflowStepExecutionResult
from tests.conftest import client_for
from tests.workflows.conftest import events, last_seq, new_execution, poem_task, run_pending, start, step_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_step(owner):
    execution = new_execution(owner, poem_task())
    start(execution, poem_topic="fog", n_stanzas="2")
    return UserWorkflowStepExecution.objects.get(user_task_execution=execution)


def test_it_runs_a_duplicated_message_once(first_step):
    runner.run_step(first_step.pk, "worker-a:1")
    runner.run_step(first_step.pk, "worker-b:2")  # the same message delivered again
    first_step.refresh_from_db()
    assert (first_step.status, first_step.attempts, first_step.claimed_by) == ("done", 1, "worker-a:1")
    assert UserWorkflowStepExecutionResult.objects.filter(user_workflow_step_execution=first_step).count() == 1
    names = [name for name, _ in events(first_step.user_task_execution)]
    assert names.count("workflow_step_execution_started") == names.count("workflow_step_execution_ended") == 1


def test_it_leaves_a_step_to_the_live_worker_running_it(first_step):
    claim = runner.claim_step(first_step.pk, "worker-a:1")
    assert claim is not None and claim.fence == 1
    with pytest.raises(runner.StepBusy):
        runner.claim_step(first_step.pk, "worker-b:2")
    first_step.refresh_from_db()
    assert (first_step.status, first_step.attempts, first_step.claimed_by) == ("running", 1, "worker-a:1")


def test_it_takes_over_a_step_whose_worker_died_and_records_one_result(first_step, settings):
    dead = runner.claim_step(first_step.pk, "worker-a:1")
    UserWorkflowStepExecution.objects.filter(pk=first_step.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.WORKFLOW_STEP_LEASE + 1)
    )
    assert runner.stale_step_executions() == [first_step.pk]

    runner.run_step(first_step.pk, "worker-b:2")
    # the first worker comes back to life after the takeover: its result is discarded
    assert dead is not None
    assert runner.finish(dead, [{"stanza_topic": "late"}]) is False
    assert runner.fail(dead, "late failure") is False

    first_step.refresh_from_db()
    assert (first_step.status, first_step.attempts, first_step.claimed_by) == ("done", 2, "worker-b:2")
    results = list(UserWorkflowStepExecutionResult.objects.filter(user_workflow_step_execution=first_step))
    assert [r.result for r in results] == [[{"stanza_topic": "fog, part 1"}, {"stanza_topic": "fog, part 2"}]]
    assert first_step.error_status is None
    assert runner.stale_step_executions() == []


def test_it_gives_up_on_a_step_that_killed_its_worker_too_often(first_step, settings):
    settings.WORKFLOW_STEP_MAX_ATTEMPTS = 2
    stale = timezone.now() - timedelta(seconds=settings.WORKFLOW_STEP_LEASE + 1)
    for worker in ("worker-a:1", "worker-b:2"):
        runner.claim_step(first_step.pk, worker)
        UserWorkflowStepExecution.objects.filter(pk=first_step.pk).update(heartbeat_at=stale)
    assert runner.claim_step(first_step.pk, "worker-c:3") is None
    first_step.refresh_from_db()
    assert (first_step.status, first_step.attempts) == ("failed", 2)
    assert first_step.error_status["error"] == "The step stopped 2 times without finishing"
    assert events(first_step.user_task_execution)[-1] == (
        "error",
        {
            "error": "The step stopped 2 times without finishing",
            "session_id": first_step.user_task_execution.session_id,
            "user_task_execution_pk": first_step.user_task_execution_id,
        },
    )


def test_it_gives_a_claim_back_on_a_retryable_llm_error_and_fails_after_the_last_attempt(
    first_step, settings, monkeypatch
):
    settings.WORKFLOW_STEP_MAX_ATTEMPTS = 2

    def timeout(*args, **kwargs):
        raise LLMTimeoutError("the model took too long")

    monkeypatch.setattr("apps.llm.services.chat", timeout)
    with pytest.raises(LLMTimeoutError):
        runner.run_step(first_step.pk, "worker-a:1")
    first_step.refresh_from_db()
    assert (first_step.status, first_step.attempts, first_step.error_status) == ("pending", 1, None)

    runner.run_step(first_step.pk, "worker-a:1")  # the retry, last attempt: recorded as a failure
    first_step.refresh_from_db()
    assert (first_step.status, first_step.attempts) == ("failed", 2)
    assert first_step.error_status["error"] == "The language model is unavailable: the model took too long"


def test_it_records_a_failed_step_and_relaunches_it_on_request(first_step, owner, monkeypatch):
    execution = first_step.user_task_execution

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("apps.llm.services.chat", broken)
    seq = last_seq(execution)
    runner.run_step(first_step.pk, "worker-a:1")
    first_step.refresh_from_db()
    assert first_step.status == "failed"
    assert first_step.error_status == {
        "datetime": first_step.error_status["datetime"],
        "error": "RuntimeError: disk full",
    }
    ended, error = events(execution, seq)[1:]
    assert ended[0] == "workflow_step_execution_ended" and ended[1]["error_status"] == first_step.error_status
    assert error == (
        "error",
        {
            "error": "RuntimeError: disk full",
            "session_id": execution.session_id,
            "user_task_execution_pk": execution.pk,
        },
    )
    # validating a failed step is refused; relaunching runs it again
    with pytest.raises(services.WorkflowConflict, match="failed: relaunch it"):
        services.validate(first_step)

    monkeypatch.undo()
    response = client_for(owner).put(
        "/user_workflow_step_execution", {"user_workflow_step_execution_pk": first_step.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"message": "Workflow relaunched"}
    run_pending(execution)
    assert step_rows(execution) == [("stanza_divider", 0, "failed", None), ("stanza_divider", 0, "done", None)]


def test_it_fails_a_step_with_a_clear_message_when_its_code_is_unknown(owner):
    from apps.catalog.models import WorkflowStep

    task = poem_task()
    WorkflowStep.objects.filter(task=task, rank=1).update(name_for_system="no_such_step")
    execution = new_execution(owner, task)
    start(execution, poem_topic="fog", n_stanzas="2")
    run_pending(execution)
    step = UserWorkflowStepExecution.objects.get()
    assert step.error_status is not None
    assert step.error_status["error"] == "workflow step 'no_such_step' is not in the step library"


def test_it_sweeps_stale_running_and_forgotten_pending_steps_of_live_executions(first_step, settings):
    now = timezone.now()
    execution = first_step.user_task_execution
    assert runner.stale_step_executions() == []  # pending since a moment only

    old = now - timedelta(seconds=settings.WORKFLOW_PENDING_REQUEUE_AFTER + 1)
    UserWorkflowStepExecution.objects.filter(pk=first_step.pk).update(creation_date=old)
    assert runner.stale_step_executions() == [first_step.pk]

    execution.deleted_by_user = now
    execution.save(update_fields=["deleted_by_user"])
    assert runner.stale_step_executions() == []


def test_it_lets_the_scheduler_relaunch_locked_steps_with_its_secret(
    first_step, settings, anonymous, owner, broker, django_capture_on_commit_callbacks
):
    settings.SCHEDULER_SECRET = "scheduler-secret"
    settings.WORKFLOW_PENDING_REQUEUE_AFTER = 1
    UserWorkflowStepExecution.objects.filter(pk=first_step.pk).update(
        creation_date=timezone.now() - timedelta(seconds=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        refused = anonymous.post("/relaunch_locked_workflow_step_executions", {"datetime": "x"}, format="json")
        user_refused = client_for(owner).post("/relaunch_locked_workflow_step_executions", {}, format="json")
    assert (refused.status_code, user_refused.status_code) == (403, 403)
    assert broker.sent() == []

    anonymous.credentials(HTTP_AUTHORIZATION="scheduler-secret")
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post("/relaunch_locked_workflow_step_executions", {"datetime": "x"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"user_workflow_step_executions_pk": [first_step.pk]}
    assert broker.sent() == [("apps.workflows.tasks.execute_step", [first_step.pk], {})]
    assert UserWorkflowStepExecution.objects.get(pk=first_step.pk).status == StepStatus.PENDING


def test_it_has_a_beat_entry_for_the_sweep_that_expires_before_the_next_run():
    from django_celery_beat.models import PeriodicTask

    entry = PeriodicTask.objects.get(task="apps.workflows.tasks.relaunch_stale_steps")
    assert (entry.interval.every, entry.interval.period, entry.expire_seconds, entry.enabled) == (
        60,
        "seconds",
        55,
        True,
    )

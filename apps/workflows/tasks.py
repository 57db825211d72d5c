"""Celery tasks of workflows (queue ``workflows``)."""

from __future__ import annotations

import os

from celery import shared_task
from django.conf import settings

from apps.llm.errors import RETRYABLE_ERRORS
from apps.workflows import runner


@shared_task(
    bind=True,
    name="apps.workflows.tasks.execute_step",
    autoretry_for=RETRYABLE_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=10,
    acks_late=True,
    reject_on_worker_lost=True,
)
def execute_step(self, step_execution_pk: int) -> None:  # type: ignore[no-untyped-def]
    """Run one step execution.

    Idempotent: the row is claimed with a conditional update under the execution's lock and the
    result is recorded only by the claim holder, so a duplicated or redelivered message never runs
    a finished step again nor records a second result. A step held by a live worker is retried
    after the lease (``StepBusy``); a step whose worker died (SIGKILL, lost node) is claimed again
    once its heartbeat is older than the lease. LLM timeouts, rate limits and 5xx are retried with
    backoff up to ``MOJODEX_WORKFLOW_STEP_MAX_ATTEMPTS`` runs of the step; any other failure is
    recorded on the step (``error_status``) and sent to the user.
    """
    try:
        runner.run_step(step_execution_pk, worker=f"{self.request.hostname or 'local'}:{os.getpid()}")
    except runner.StepBusy as busy:
        raise self.retry(exc=busy, countdown=settings.WORKFLOW_STEP_LEASE, max_retries=30) from None


@shared_task(name="apps.workflows.tasks.relaunch_stale_steps", expires=55)
def relaunch_stale_steps() -> list[int]:
    """Beat sweep: queue again the steps whose worker died or whose message was lost. Safe to run
    twice: each queued step is claimed by at most one worker."""
    return runner.relaunch_stale_steps()

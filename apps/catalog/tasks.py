"""Celery tasks of the catalogue (queue ``llm``)."""

from __future__ import annotations

from celery import shared_task

from apps.catalog.services.drafts import run_task_json_request
from apps.llm.errors import RETRYABLE_ERRORS

MAX_RETRIES = 3


@shared_task(
    bind=True,
    name="apps.catalog.tasks.generate_task_json",
    autoretry_for=RETRYABLE_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
)
def generate_task_json(self, request_pk: int) -> None:  # type: ignore[no-untyped-def]
    """Draft the task definition of a ``TaskJsonRequest`` with the LLM and validate it.

    Idempotent: the row is claimed with a conditional update (pending, or running with a claim
    older than the time limit: its worker died), so a redelivered message or a second run changes
    nothing once the row is done or failed. A missing row is ignored. LLM timeouts, rate limits and
    5xx release the claim and are retried with backoff; the last attempt marks the row failed.
    """
    run_task_json_request(request_pk, final_attempt=self.request.retries >= MAX_RETRIES)

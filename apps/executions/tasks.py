"""Celery tasks of executions (queue ``llm``)."""

from __future__ import annotations

from celery import shared_task

from apps.llm.errors import RETRYABLE_ERRORS


@shared_task(
    name="apps.executions.tasks.generate_title_and_summary",
    autoretry_for=RETRYABLE_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def generate_title_and_summary(user_task_execution_pk: int) -> None:
    """Title and summary of an execution. Idempotent: does nothing once the execution has a title
    (the store is a conditional update); retried on LLM timeouts, rate limits and 5xx only."""
    from apps.executions import services

    services.generate_title_and_summary(user_task_execution_pk)

"""Celery tasks of executions (title/summary on queue ``llm``; embeddings on ``background``)."""

from __future__ import annotations

from celery import shared_task

from apps.executions import services
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
    services.generate_title_and_summary(user_task_execution_pk)


@shared_task(
    name="apps.executions.tasks.embed_produced_text_version",
    autoretry_for=RETRYABLE_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def embed_produced_text_version(produced_text_version_pk: int) -> bool:
    """Embed a produced text version (queue ``background``). Idempotent: a version that has its
    embedding already, or is gone, is left alone, and the store is a conditional update; retried on
    LLM timeouts, rate limits and 5xx only (another failure leaves the embedding empty)."""
    return services.embed_version(produced_text_version_pk)

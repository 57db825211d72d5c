"""Celery tasks of the assistants (queue ``llm``).

The registered name is still ``apps.chat.tasks.generate_reply`` (where the task was first defined),
so messages already queued and the queue route in ``celery_app.py`` keep resolving.
"""

from __future__ import annotations

from celery import shared_task

from apps.assistants.generation import run_generation
from apps.chat.services import GenerationBusy, lease
from apps.llm.errors import RETRYABLE_ERRORS


@shared_task(
    bind=True,
    name="apps.chat.tasks.generate_reply",
    autoretry_for=RETRYABLE_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def generate_reply(self, generation_pk: int) -> None:  # type: ignore[no-untyped-def]
    """Produce the assistant's answer of a ``Generation`` (reply, form run or text-edit action).

    Idempotent: the row is claimed with a conditional update; a finished generation is left alone,
    so a redelivered message changes nothing. A generation held by a live worker is retried after
    the heartbeat lease; one whose worker died is claimed again. LLM timeouts, rate limits and 5xx
    are retried with backoff; other failures become an ``error`` event for the user.
    """
    try:
        run_generation(generation_pk)
    except GenerationBusy as busy:
        raise self.retry(exc=busy, countdown=lease().total_seconds(), max_retries=20) from None

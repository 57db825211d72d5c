"""Celery tasks of the chat (queue ``llm``; the unacked re-send sweep runs on ``notifications``).

The assistant's answer (``apps.chat.tasks.generate_reply``, its registered name) is in
``apps.assistants.tasks``: it needs executions and workflows, which sit above the chat.
"""

from __future__ import annotations

from celery import shared_task

from apps.chat import delivery, services
from apps.core.tasks import QuietTask
from apps.llm.errors import RETRYABLE_ERRORS


@shared_task(
    name="apps.chat.tasks.tag_proper_nouns",
    autoretry_for=RETRYABLE_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def tag_proper_nouns(message_pk: int) -> None:
    """Star the proper nouns of a user's message (POST /vocabulary). Idempotent: it re-tags the text
    without its stars; retried on LLM timeouts, rate limits and 5xx only."""
    services.tag_proper_nouns(message_pk)


@shared_task(name="apps.chat.tasks.resend_unacked_events", expires=9, base=QuietTask)
def resend_unacked_events() -> int:
    """Beat sweep: re-send messages and drafts the client has not acknowledged yet. Safe to run
    twice: clients drop a ``seq`` they already processed."""
    return delivery.resend_unacked()


@shared_task(name="apps.chat.tasks.relaunch_stale_generations", expires=9, base=QuietTask)
def relaunch_stale_generations() -> list[int]:
    """Beat sweep: queue ``generate_reply`` again for generations whose worker died or whose
    message was lost, without waiting for the broker's visibility timeout (ADR 0006). Safe to run
    twice: the claim lets one worker take each, and only the latest claim commits."""
    return services.relaunch_stale_generations()

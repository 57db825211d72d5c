"""Celery tasks of the chat (queue ``llm``; the unacked re-send sweep runs on ``notifications``)."""

from __future__ import annotations

from celery import shared_task

from apps.chat.services import LEASE, GenerationBusy
from apps.core.tasks import QuietTask
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
    from apps.chat.services import run_generation

    try:
        run_generation(generation_pk)
    except GenerationBusy as busy:
        raise self.retry(exc=busy, countdown=LEASE.total_seconds(), max_retries=20) from None


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
    from apps.chat.services import tag_proper_nouns as tag

    tag(message_pk)


@shared_task(name="apps.chat.tasks.resend_unacked_events", expires=9, base=QuietTask)
def resend_unacked_events() -> int:
    """Beat sweep: re-send messages and drafts the client has not acknowledged yet. Safe to run
    twice: clients drop a ``seq`` they already processed."""
    from apps.chat.delivery import resend_unacked

    return resend_unacked()

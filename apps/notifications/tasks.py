"""Celery tasks of notifications (queue ``notifications``): e-mails.

Password links are accounts' (``apps.accounts.tasks.send_password_link``, same task name as before)."""

from __future__ import annotations

import smtplib
from typing import Any

from anymail.exceptions import AnymailAPIError
from celery import shared_task

from apps.notifications.services import send_email_now

RETRYABLE_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, AnymailAPIError)
# The retry and time policy of every e-mail task (this one and accounts' password links).
EMAIL_TASK_OPTIONS: dict[str, Any] = {
    "autoretry_for": RETRYABLE_EMAIL_ERRORS,
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 5,
    "time_limit": 120,
    "soft_time_limit": 100,
}


@shared_task(name="apps.notifications.tasks.send_email", **EMAIL_TASK_OPTIONS)
def send_email(
    template: str,
    recipients: list[str],
    context: dict[str, Any],
    language: str | None = "en",
    user_pk: str | None = None,
    event_type: str | None = None,
    idempotency_key: str | None = None,
) -> bool:
    """Render and send one templated e-mail (and record its ``md_event`` when ``event_type`` is set).

    Idempotent per ``idempotency_key``: once sent, a redelivery sends nothing. Transport errors
    (SMTP, connection, provider API) are retried with backoff; a missing template fails at once.
    """
    return send_email_now(
        template,
        recipients,
        context,
        language=language,
        user_pk=user_pk,
        event_type=event_type,
        idempotency_key=idempotency_key,
    )

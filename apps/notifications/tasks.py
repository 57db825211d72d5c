"""Celery tasks of notifications (queue ``notifications``): e-mails."""

from __future__ import annotations

import smtplib
from typing import Any

from anymail.exceptions import AnymailAPIError
from celery import shared_task
from django.conf import settings

RETRYABLE_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, AnymailAPIError)


@shared_task(
    name="apps.notifications.tasks.send_email",
    autoretry_for=RETRYABLE_EMAIL_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    time_limit=120,
    soft_time_limit=100,
)
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
    from apps.notifications.services import send_email_now

    return send_email_now(
        template,
        recipients,
        context,
        language=language,
        user_pk=user_pk,
        event_type=event_type,
        idempotency_key=idempotency_key,
    )


@shared_task(
    name="apps.notifications.tasks.send_password_link",
    autoretry_for=RETRYABLE_EMAIL_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    time_limit=120,
    soft_time_limit=100,
)
def send_password_link(user_pk: str, template: str) -> bool:
    """E-mail a password link (``reset_password`` or ``temporary_password``) to an active user.

    The link's token is made here, in the worker, so it never sits in the broker. Returns quietly
    when the user is gone or disabled. A retry sends a fresh link (each stays valid until the
    password changes or it expires), so running twice at worst sends two working links.
    """
    from apps.accounts.models import User
    from apps.accounts.services import password_link
    from apps.notifications.services import send_email_now

    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return False
    context = {
        "username": user.name or "",
        "link": password_link(user),
        "webapp_url": settings.MOJODEX_WEBAPP_URI,
        "minutes": settings.RESET_PASSWORD_VALIDITY_MINUTES,
    }
    return send_email_now(template, [user.email], context, language=user.language_code)

"""E-mails to users and admins through Django's e-mail API (django-anymail backends in production).

Everything is sent by Celery tasks on the ``notifications`` queue, enqueued after the caller's
transaction commits (``enqueue_email``), so a rolled-back request sends nothing. Templates live in
``templates/emails/<name>/<lang>/{subject.txt,body.txt,body.html}``, falling back to English.
User-facing e-mails given an ``event_type`` are recorded as ``md_event`` rows ``{subject, body,
email}`` once sent, as the original does for its welcome e-mail.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from apps.notifications.models import Event

logger = logging.getLogger(__name__)

UNCONFIGURED_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
SENT_MARK_SECONDS = 24 * 3600


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None


def email_service_configured() -> bool:
    """True when e-mails really leave the system (not the console or dummy backend)."""
    return settings.EMAIL_BACKEND not in UNCONFIGURED_BACKENDS


def push_service_configured() -> bool:
    return bool(settings.FIREBASE_PROJECT_ID and settings.FIREBASE_SERVICE_ACCOUNT)


def render_email(template: str, language: str | None, context: dict[str, Any]) -> RenderedEmail:
    """Render ``emails/<template>/<language>/`` (English when that language has no template)."""
    for code in dict.fromkeys([language or "en", "en"]):
        base = f"emails/{template}/{code}"
        try:
            subject = render_to_string(f"{base}/subject.txt", context)
        except TemplateDoesNotExist:
            continue
        text = render_to_string(f"{base}/body.txt", context)
        try:
            html: str | None = render_to_string(f"{base}/body.html", context)
        except TemplateDoesNotExist:
            html = None
        return RenderedEmail(" ".join(subject.split()), text.strip() + "\n", html)
    raise TemplateDoesNotExist(f"emails/{template}/en/subject.txt")


def send_email_now(
    template: str,
    recipients: list[str],
    context: dict[str, Any],
    *,
    language: str | None = "en",
    user_pk: str | None = None,
    event_type: str | None = None,
    idempotency_key: str | None = None,
) -> bool:
    """Render and send one e-mail; record an ``md_event`` when ``event_type`` is given.

    With an ``idempotency_key`` an e-mail already sent under that key (within a day) is not sent
    again, so a redelivered task does not double-send. Returns whether it sent.
    """
    if idempotency_key and cache.get(f"email-sent:{idempotency_key}"):
        return False
    rendered = render_email(template, language, context)
    message = EmailMultiAlternatives(rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, recipients)
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    message.send()
    if idempotency_key:
        cache.set(f"email-sent:{idempotency_key}", 1, SENT_MARK_SECONDS)
    if event_type and user_pk:
        Event.objects.create(
            event_type=event_type,
            user_id=user_pk,
            message={"subject": rendered.subject, "body": rendered.html or rendered.text, "email": recipients[0]},
        )
    logger.info("e-mail %s sent to %d recipient(s)", template, len(recipients))
    return True


def enqueue_email(
    template: str,
    recipients: list[str],
    context: dict[str, Any],
    *,
    language: str | None = "en",
    user_pk: str | None = None,
    event_type: str | None = None,
) -> None:
    """Send an e-mail from a worker once the current transaction commits (JSON-safe context only)."""
    if not recipients:
        return
    # Lazy: the task calls back into this module (task ↔ service cycle within notifications).
    from apps.notifications.tasks import send_email

    key = uuid.uuid4().hex
    transaction.on_commit(
        lambda: send_email.delay(template, list(recipients), context, language, user_pk, event_type, key)
    )


def notify_admins(subject: str, text: str) -> None:
    """A plain notification to ``PURCHASES_EMAIL_RECEIVERS`` (sign-ups, purchases, expirations)."""
    receivers = settings.PURCHASES_EMAIL_RECEIVERS
    if not receivers:
        logger.info("admin notification not sent (no PURCHASES_EMAIL_RECEIVERS): %s", subject)
        return
    enqueue_email("admin_notification", receivers, {"subject": subject, "text": text})


def notify_technical(subject: str, text: str) -> None:
    """An error report to ``TECHNICAL_EMAIL_RECEIVERS``."""
    receivers = settings.TECHNICAL_EMAIL_RECEIVERS
    if not receivers:
        logger.info("technical notification not sent (no TECHNICAL_EMAIL_RECEIVERS): %s", subject)
        return
    enqueue_email("admin_notification", receivers, {"subject": subject, "text": text})

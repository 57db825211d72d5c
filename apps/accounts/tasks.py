"""Celery tasks of accounts: company learning (queue ``background``) and password links (queue
``notifications``: the task keeps the name it had in ``apps.notifications.tasks``, so messages
already queued under that name still resolve and the ``apps.notifications.tasks.*`` route still
sends it to the e-mail queue)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from apps.accounts.models import User
from apps.notifications.services import send_email_now
from apps.notifications.tasks import EMAIL_TASK_OPTIONS


@shared_task(name="apps.accounts.tasks.learn_company_website", acks_late=True, time_limit=300, soft_time_limit=270)
def learn_company_website(user_pk: str, company_pk: int) -> str:
    """Learn a company from its website (onboarding, PUT /company). NOT IMPLEMENTED YET.

    What it does today: records on the company row (``additional_info["website_learning"]``)
    that learning was requested, by whom and when, with status ``pending`` — nothing else. It does
    not fetch the site, so the company keeps no name, emoji or description from it.

    Pending (arrives with the documents and LLM work): fetch the page, extract name, description
    and emoji with ``prompts/accounts/extract_company_infos_from_webpage.mpt``, store them on the
    company and as the user's ``company_description``, and crawl the site into documents.

    Idempotent: a second run only rewrites the same request record. Returns quietly when the user
    or the company is gone.
    """
    # Lazy: profile enqueues this task (task ↔ service cycle within accounts).
    from apps.accounts.profile import record_company_learning_request

    return record_company_learning_request(user_pk, company_pk)


@shared_task(name="apps.notifications.tasks.send_password_link", **EMAIL_TASK_OPTIONS)
def send_password_link(user_pk: str, template: str) -> bool:
    """E-mail a password link (``reset_password`` or ``temporary_password``) to an active user.

    The link's token is made here, in the worker, so it never sits in the broker. Returns quietly
    when the user is gone or disabled. A retry sends a fresh link (each stays valid until the
    password changes or it expires), so running twice at worst sends two working links.
    """
    # Lazy: the services enqueue this task (task ↔ service cycle within accounts).
    from apps.accounts.services import password_link

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

"""E-mails: templates per language with English fallback, md_event records, no double send,
enqueued only after commit on the notifications queue."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.db import transaction

from apps.accounts.tasks import send_password_link
from apps.notifications import services
from apps.notifications.models import Event
from apps.notifications.tasks import send_email

pytestmark = pytest.mark.django_db


def test_it_renders_the_users_language_and_falls_back_to_english():
    spanish = services.render_email(
        "welcome", "es", {"username": "Ana", "category_name": "Ventas", "webapp_url": "https://app.example"}
    )
    unknown = services.render_email("welcome", "de", {"username": "Udo", "category_name": "", "webapp_url": "u"})

    assert spanish.subject == "Bienvenido a Mojodex"
    assert "Hola Ana" in spanish.text and "«Ventas»" in spanish.text
    assert spanish.html is not None and '<a href="https://app.example">' in spanish.html
    assert unknown.subject == "Welcome to Mojodex"


def test_it_escapes_user_text_in_html_but_not_in_plain_text():
    rendered = services.render_email(
        "welcome", "en", {"username": "<b>Eve</b> & co", "category_name": "", "webapp_url": "u"}
    )

    assert rendered.html is not None
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; co" in rendered.html
    assert "Hello <b>Eve</b> & co," in rendered.text


def test_it_sends_and_records_a_user_facing_email(owner):
    sent = services.send_email_now(
        "welcome", [owner.email], {"username": "Alice", "webapp_url": "u"}, user_pk=owner.pk, event_type="welcome_email"
    )

    assert sent is True
    assert [(m.to, m.subject) for m in mail.outbox] == [(["owner@example.com"], "Welcome to Mojodex")]
    event = Event.objects.get()
    assert (event.event_type, event.message["subject"], event.message["email"]) == (
        "welcome_email",
        "Welcome to Mojodex",
        "owner@example.com",
    )
    assert "Hello Alice" in event.message["body"]


def test_unit_task_body_does_not_send_twice_under_the_same_key(owner):
    args = ("admin_notification", ["ops@example.com"], {"subject": "S", "text": "T"}, "en", None, None)
    key = uuid.uuid4().hex  # the sent-mark lives in Redis for a day: unique per run

    assert send_email.apply(args=(*args, key)).get() is True
    assert send_email.apply(args=(*args, key)).get() is False
    assert len(mail.outbox) == 1


def test_it_enqueues_on_the_real_broker_only_after_commit(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        services.enqueue_email("admin_notification", ["ops@example.com"], {"subject": "S", "text": "T"})
        assert broker.sent() == []

    assert len(callbacks) == 1
    callbacks[0]()
    ((name, args, kwargs),) = broker.sent()
    assert (name, args[:6], kwargs) == (
        "apps.notifications.tasks.send_email",
        ["admin_notification", ["ops@example.com"], {"subject": "S", "text": "T"}, "en", None, None],
        {},
    )
    assert len(args[6]) == 32  # the idempotency key


def test_it_sends_no_admin_notification_without_receivers(settings, broker, django_capture_on_commit_callbacks):
    settings.PURCHASES_EMAIL_RECEIVERS = []

    with django_capture_on_commit_callbacks(execute=True):
        services.notify_admins("subject", "text")

    assert broker.sent() == [] and mail.outbox == []


def test_unit_task_body_makes_the_password_link_and_skips_disabled_users(owner):
    from apps.accounts.models import User

    assert send_password_link.apply(args=(owner.pk, "reset_password")).get() is True
    assert "token=" in mail.outbox[0].body
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert send_password_link.apply(args=(owner.pk, "reset_password")).get() is False
    assert send_password_link.apply(args=("no-such-user", "reset_password")).get() is False
    assert len(mail.outbox) == 1


def test_it_keeps_the_password_link_task_name_and_its_e_mail_queue():
    """The task moved to accounts; messages queued under its old name still resolve and it still
    goes to the ``notifications`` queue."""
    from celery_app import app

    assert send_password_link.name == "apps.notifications.tasks.send_password_link"
    assert app.tasks["apps.notifications.tasks.send_password_link"].__module__ == "apps.accounts.tasks"
    assert app.amqp.router.route({}, send_password_link.name)["queue"].name == "notifications"

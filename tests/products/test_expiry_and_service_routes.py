"""The hourly expiry sweep (beat entry, batches, one idempotent task per purchase), its manual
trigger, and the scheduler's service routes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from apps.executions.models import UserTask
from apps.products.models import Purchase
from apps.products.services.expiry import expired_purchase_ids
from apps.products.tasks import expire_purchase, sweep_expired_purchases
from tests.purchases_support import make_product, make_purchase

pytestmark = pytest.mark.django_db


def test_it_registers_the_hourly_sweep_in_celery_beat(db):
    entry = PeriodicTask.objects.get(name="products: close expired purchases")

    assert (entry.task, entry.queue, entry.enabled) == (
        "apps.products.tasks.sweep_expired_purchases",
        "background",
        True,
    )
    assert (entry.interval.every, entry.interval.period) == (1, "hours")
    assert 0 < entry.expire_seconds < 3600


def test_it_routes_purchase_tasks_to_the_background_queue():
    from celery_app import app

    router = app.amqp.router
    for name in (
        "apps.products.tasks.sweep_expired_purchases",
        "apps.products.tasks.expire_purchase",
        "apps.accounts.tasks.learn_company_website",
    ):
        assert router.route({}, name)["queue"].name == "background"
    assert router.route({}, "apps.notifications.tasks.send_email")["queue"].name == "notifications"


def test_it_selects_only_purchases_past_their_day_limit(owner, member, task):
    now = timezone.now()
    week = make_product("week", free=True, n_days=7, tasks=(task,))
    due = make_purchase(owner, week, created=now - timedelta(days=7))
    make_purchase(member, week, created=now - timedelta(days=7) + timedelta(seconds=1))
    make_purchase(
        member, make_product("monthly", tasks=(task,)), custom_purchase_id="x", created=now - timedelta(days=400)
    )

    assert expired_purchase_ids(now=now) == [due.pk]


def test_unit_sweep_body_fans_out_one_task_per_due_purchase_in_batches(
    owner, member, task, broker, django_capture_on_commit_callbacks, settings
):
    settings.PURCHASE_EXPIRY_BATCH_SIZE = 1
    old = timezone.now() - timedelta(days=30)
    week = make_product("week", free=True, n_days=7, tasks=(task,))
    first, second = make_purchase(owner, week, created=old), make_purchase(member, week, created=old)

    with django_capture_on_commit_callbacks(execute=True):
        count = sweep_expired_purchases()

    assert count == 2
    assert broker.run_bodies() == [
        ("apps.products.tasks.expire_purchase", [first.pk], {}),
        ("apps.products.tasks.expire_purchase", [second.pk], {}),
    ]
    assert list(Purchase.objects.filter(active=True)) == []
    assert UserTask.objects.filter(enabled=True).count() == 0


def test_unit_task_body_expires_a_purchase_once(
    broker, owner, task, admin_receivers, django_capture_on_commit_callbacks
):
    purchase = make_purchase(
        owner, make_product("week", free=True, n_days=7, tasks=(task,)), created=timezone.now() - timedelta(days=8)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_purchase(purchase.pk) is True
        assert expire_purchase(purchase.pk) is False
        assert expire_purchase(987654) is False
    broker.run_bodies()  # the worker's part, run in-process

    assert Purchase.objects.get(pk=purchase.pk).active is False
    assert UserTask.objects.get(user=owner, task=task).enabled is False
    assert [m.subject for m in mail.outbox] == ["[Mojodex] Purchase expired"]


def test_unit_task_body_leaves_a_purchase_that_is_not_expired_yet(owner, task):
    purchase = make_purchase(owner, make_product("week", free=True, n_days=7, tasks=(task,)))

    assert expire_purchase(purchase.pk) is False
    assert Purchase.objects.get(pk=purchase.pk).active is True


@pytest.mark.parametrize("client_fixture", ["scheduler_client", "backoffice_client", "admin_client"])
def test_unit_queues_the_sweep_on_demand(
    request, client_fixture, owner, task, broker, django_capture_on_commit_callbacks
):
    client = request.getfixturevalue(client_fixture)
    due = make_purchase(
        owner, make_product("week", free=True, n_days=7, tasks=(task,)), created=timezone.now() - timedelta(days=10)
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/check_expired_purchases?n_purchases=10", {"datetime": "x"}, format="json")

    assert response.json() == {"purchase_pks": [due.pk]}
    assert [c[0] for c in broker.run_bodies()] == [
        "apps.products.tasks.sweep_expired_purchases",
        "apps.products.tasks.expire_purchase",
    ]
    assert Purchase.objects.get(pk=due.pk).active is False


def test_it_refuses_the_sweep_trigger_to_users_and_anonymous(
    owner_client, anonymous, webapp_client, owner, task, broker, django_capture_on_commit_callbacks
):
    due = make_purchase(
        owner, make_product("week", free=True, n_days=7, tasks=(task,)), created=timezone.now() - timedelta(days=10)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.post("/check_expired_purchases", {}, format="json").status_code == 403
        assert webapp_client.post("/check_expired_purchases", {}, format="json").status_code == 403
        assert anonymous.post("/check_expired_purchases", {}, format="json").status_code == 401
    assert broker.sent() == []
    assert Purchase.objects.get(pk=due.pk).active is True


@pytest.mark.parametrize(
    ("client_fixture", "status"),
    [
        ("scheduler_client", 200),
        ("webapp_client", 200),
        ("admin_client", 200),
        ("backoffice_client", 200),
        ("owner_client", 403),
        ("anonymous", 401),
    ],
)
def test_it_tells_who_may_ask_whether_email_is_configured(request, client_fixture, status, settings):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    client = request.getfixturevalue(client_fixture)

    response = client.get("/is_email_service_configured", {"datetime": "x"})

    assert response.status_code == status
    if status == 200:
        assert response.json() == {"is_configured": True}


def test_it_reports_the_console_email_backend_as_not_configured(scheduler_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    assert scheduler_client.get("/is_email_service_configured").json() == {"is_configured": False}


def test_it_reports_push_configuration_to_the_scheduler_only(scheduler_client, webapp_client, settings):
    settings.FIREBASE_PROJECT_ID = ""
    assert scheduler_client.get("/is_push_notif_service_configured").json() == {"is_configured": False}
    settings.FIREBASE_PROJECT_ID = "mojodex-test"
    settings.FIREBASE_SERVICE_ACCOUNT = "/secrets/firebase.json"
    assert scheduler_client.get("/is_push_notif_service_configured").json() == {"is_configured": True}
    assert webapp_client.get("/is_push_notif_service_configured").status_code == 403

"""What the routes enqueue is run by a real worker through the real broker (one worker for the
module): PUT /company has the company's website learned, onboarding's free trial sends the welcome
e-mail (its ``md_event`` row), the scheduler's trigger closes expired purchases; /health sees the
worker answer its ping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Company
from apps.executions.models import UserTask
from apps.notifications.models import Event
from apps.products.models import Purchase
from tests.factories import TaskFactory
from tests.processes import wait_for
from tests.purchases_support import client_with_header, make_category, make_product, make_purchase

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("module_celery_worker"),
]


def test_it_learns_the_company_website_on_the_worker_after_put_company(owner_client, owner):
    response = owner_client.put("/company", {"website_url": "acme.example"}, format="json")

    assert response.status_code == 200, response.content
    company_pk = response.json()["company_pk"]
    learning = wait_for(
        lambda: (Company.objects.get(pk=company_pk).additional_info or {}).get("website_learning"),
        timeout=60,
        message="the worker to run learn_company_website",
    )
    assert (learning["status"], learning["requested_by"]) == ("pending", owner.pk)


def test_it_sends_the_welcome_email_from_the_worker_at_onboarding(owner_client, owner):
    category = make_category("sales", goal="sell more")
    make_product("sales-trial", category=category, free=True, n_days=14, tasks=(TaskFactory(),))

    response = owner_client.put("/associate_free_product", {"product_category_pk": category.pk}, format="json")

    assert response.status_code == 200, response.content
    event = wait_for(
        lambda: Event.objects.filter(user_id=owner.pk, event_type="welcome_email").first(),
        timeout=60,
        message="the worker to send the welcome e-mail",
    )
    assert (event.message["email"], event.message["subject"]) == ("owner@example.com", "Welcome to Mojodex")
    assert Event.objects.count() == 1


def test_it_closes_expired_purchases_on_the_worker_when_the_scheduler_asks(owner, settings):
    settings.SCHEDULER_SECRET = "scheduler-secret"
    task = TaskFactory()
    due = make_purchase(
        owner, make_product("week", free=True, n_days=7, tasks=(task,)), created=timezone.now() - timedelta(days=10)
    )

    response = client_with_header("scheduler-secret").post(
        "/check_expired_purchases?n_purchases=10", {"datetime": "x"}, format="json"
    )

    assert response.json() == {"purchase_pks": [due.pk]}
    wait_for(
        lambda: not Purchase.objects.get(pk=due.pk).active,
        timeout=60,
        message="the worker to run the sweep and expire_purchase",
    )
    assert UserTask.objects.get(user=owner, task=task).enabled is False


def test_health_reports_a_down_redis_with_the_error_next_to_a_live_worker(admin_client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = admin_client.get("/health")
    assert response.status_code == 503
    assert response.json()["redis"]["ok"] is False
    assert "ConnectionError" in response.json()["redis"]["error"]
    assert response.json()["workers"]["ok"] is True
    assert response.json()["workers"]["count"] == 1

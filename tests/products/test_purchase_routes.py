"""User purchase routes: GET/PUT /purchase and onboarding's PUT /associate_free_product."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import User
from apps.executions.models import UserTask
from apps.notifications.models import Event
from apps.products.models import Purchase
from tests.purchases_support import make_category, make_product, make_purchase

pytestmark = pytest.mark.django_db


def test_it_shows_the_users_purchases_products_and_last_expired(owner_client, owner, member, task, settings):
    settings.STRIPE_API_KEY = ""
    category = make_category("sales")
    User.objects.filter(pk=owner.pk).update(product_category=category)
    trial = make_product("trial", category=category, free=True, n_days=14, n_tasks=10, tasks=(task,))
    make_purchase(owner, trial, created=timezone.now() - timedelta(days=3, hours=1))
    week = make_product("week", category=category, n_days=7, stripe_id="prod_week", tasks=(task,))
    make_product("monthly", category=category, stripe_id="prod_month")
    make_product("inactive", category=category, status="inactive")
    make_purchase(owner, week, active=False, custom_purchase_id="old", created=timezone.now() - timedelta(days=30))
    make_purchase(member, make_product("theirs", category=category, free=True, n_days=3), created=timezone.now())

    body = owner_client.get("/purchase", {"datetime": "x"}).json()

    assert body["current_purchases"] == [
        {
            "product_name": "Trial",
            "remaining_days": 11,
            "n_validity_days": 14,
            "n_tasks_limit": 10,
            "n_tasks_consumed": 0,
            "tasks": ["Summary"],
            "is_free_product": True,
        }
    ]
    assert [(p["name"], p["stripe_price"], p["n_days_validity"]) for p in body["purchasable_products"]] == [
        ("Week", None, 7),
        ("Monthly", None, None),
    ]
    assert body["last_expired_purchase"] == [
        {
            "product_name": "Week",
            "remaining_days": -23,
            "n_days_validity": 7,
            "n_tasks_limit": None,
            "n_tasks_consumed": 0,
            "tasks": ["Summary"],
            "is_free_product": False,
        }
    ]


def test_it_hides_subscriptions_from_a_subscriber(owner_client, owner):
    category = make_category("sales")
    User.objects.filter(pk=owner.pk).update(product_category=category)
    monthly = make_product("monthly", category=category, stripe_id="prod_m")
    make_product("week", category=category, n_days=7, stripe_id="prod_w")
    make_purchase(owner, monthly, subscription_stripe_id="sub_1")

    body = owner_client.get("/purchase").json()

    assert [p["name"] for p in body["purchasable_products"]] == ["Week"]


def test_unit_deactivates_an_unpaid_purchase_when_listing(
    broker, owner_client, owner, task, admin_receivers, django_capture_on_commit_callbacks
):
    unpaid = make_purchase(owner, make_product("monthly", tasks=(task,)))

    with django_capture_on_commit_callbacks(execute=True):
        body = owner_client.get("/purchase").json()
    broker.run_bodies()  # the worker's part, run in-process

    assert body["current_purchases"] == []
    assert Purchase.objects.get(pk=unpaid.pk).active is False
    assert UserTask.objects.get(user=owner, task=task).enabled is False
    assert [m.subject for m in mail.outbox] == ["[Mojodex] URGENT: incorrect purchase"]


def test_it_refuses_the_purchase_routes_to_anonymous(anonymous):
    assert anonymous.get("/purchase").status_code == 401
    assert (
        anonymous.put("/purchase", {"stripe_session_id": "cs", "product_stripe_id": "p"}, format="json").status_code
        == 401
    )
    assert anonymous.put("/associate_free_product", {"product_category_pk": 1}, format="json").status_code == 401


def test_it_records_a_stripe_checkout_as_an_inactive_purchase(owner_client, owner):
    product = make_product("monthly", stripe_id="prod_m")

    response = owner_client.put(
        "/purchase", {"datetime": "x", "stripe_session_id": "cs_1", "product_stripe_id": "prod_m"}, format="json"
    )

    purchase = Purchase.objects.get()
    assert response.json() == {"purchase_pk": purchase.pk}
    assert (purchase.user_id, purchase.product_id, purchase.session_stripe_id, purchase.active) == (
        owner.pk,
        product.pk,
        "cs_1",
        False,
    )


def test_it_refuses_a_second_subscription_checkout(owner_client, owner):
    monthly = make_product("monthly", stripe_id="prod_m")
    make_product("yearly", stripe_id="prod_y")
    make_purchase(owner, monthly, subscription_stripe_id="sub_1")

    response = owner_client.put(
        "/purchase", {"stripe_session_id": "cs_2", "product_stripe_id": "prod_y"}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {"error": "user already has an active subscription"}
    assert Purchase.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"stripe_session_id": "cs_1", "product_stripe_id": "prod_unknown"},
            404,
            "product_stripe_id: no active product with this Stripe id",
        ),
        ({"product_stripe_id": "prod_m"}, 400, "stripe_session_id: This field is required."),
    ],
)
def test_it_refuses_a_bad_checkout(owner_client, owner, body, status, message):
    make_product("monthly", stripe_id="prod_m")

    response = owner_client.put("/purchase", body, format="json")

    assert (response.status_code, response.json()["error"]) == (status, message)
    assert Purchase.objects.count() == 0


def test_unit_gives_the_free_trial_at_onboarding_with_a_welcome_email(
    broker, owner_client, owner, task, admin_receivers, django_capture_on_commit_callbacks
):
    category = make_category("sales", goal="sell more")
    make_product("paid", category=category, stripe_id="prod_p")
    trial = make_product("sales-trial", category=category, free=True, n_days=14, tasks=(task,))

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.put("/associate_free_product", {"product_category_pk": category.pk}, format="json")
    broker.run_bodies()  # the worker's part, run in-process

    assert response.status_code == 200
    body = response.json()
    assert [p["product_name"] for p in body["current_purchases"]] == ["Sales-Trial"]
    assert [p["name"] for p in body["purchasable_products"]] == ["Paid"]
    purchase = Purchase.objects.get(user=owner)
    assert (purchase.product_id, purchase.active) == (trial.pk, True)
    row = User.objects.get(pk=owner.pk)
    assert (row.product_category_id, row.goal) == (category.pk, "sell more")
    assert UserTask.objects.get(user=owner, task=task).enabled is True
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("ops@example.com", "[Mojodex] Free product associated"),
        ("owner@example.com", "Welcome to Mojodex"),
    ]
    event = Event.objects.get()
    assert (event.event_type, event.user_id, event.message["email"], event.message["subject"]) == (
        "welcome_email",
        owner.pk,
        "owner@example.com",
        "Welcome to Mojodex",
    )


def test_it_gives_the_free_trial_only_once(owner_client, owner, task):
    category = make_category("sales")
    make_product("trial", category=category, free=True, n_days=14, tasks=(task,))
    owner_client.put("/associate_free_product", {"product_category_pk": category.pk}, format="json")

    response = owner_client.put("/associate_free_product", {"product_category_pk": category.pk}, format="json")

    assert response.status_code == 409
    assert response.json() == {"error": "user already had a purchase"}
    assert Purchase.objects.filter(user=owner).count() == 1


@pytest.mark.parametrize(
    ("visible", "with_trial", "status", "message"),
    [
        (False, True, 404, "product_category_pk: not found"),
        (True, False, 400, "product_category_pk: this category has no free trial product"),
    ],
)
def test_it_refuses_an_unusable_category(owner_client, owner, visible, with_trial, status, message):
    category = make_category("sales", visible=visible)
    if with_trial:
        make_product("trial", category=category, free=True, n_days=14)

    response = owner_client.put("/associate_free_product", {"product_category_pk": category.pk}, format="json")

    assert (response.status_code, response.json()) == (status, {"error": message})
    assert Purchase.objects.count() == 0
    assert User.objects.get(pk=owner.pk).product_category_id is None


def test_it_keeps_each_users_purchases_apart(owner_client, member_client, owner, member, task):
    category = make_category("sales")
    make_product("trial", category=category, free=True, n_days=14, tasks=(task,))
    owner_client.put("/associate_free_product", {"product_category_pk": category.pk}, format="json")

    assert member_client.get("/purchase").json()["current_purchases"] == []
    assert not UserTask.objects.filter(user=member).exists()

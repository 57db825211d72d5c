"""Stripe webhooks: POST /purchase (checkout completed) and POST /subscription_end, signed with
their secrets; a bad signature is a 400 that changes nothing."""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail

from apps.executions.models import UserTask
from apps.products.models import Purchase
from tests.purchases_support import make_product, make_purchase, stripe_signature

pytestmark = pytest.mark.django_db

NEW_SECRET = "whsec_new_purchase_test"
END_SECRET = "whsec_end_purchase_test"


@pytest.fixture(autouse=True)
def _stripe_secrets(settings):
    settings.STRIPE_WEBHOOK_SECRET_NEW_PURCHASE = NEW_SECRET
    settings.STRIPE_WEBHOOK_SECRET_END_PURCHASE = END_SECRET


def _event(kind, obj):
    return json.dumps({"id": "evt_1", "object": "event", "type": kind, "data": {"object": obj}}).encode()


def _post(client, path, payload, secret, **kwargs):
    return client.post(
        path,
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(payload, secret, **kwargs),
    )


@pytest.fixture
def checkout(owner, task):
    product = make_product("monthly", stripe_id="prod_m", tasks=(task,))
    return Purchase.objects.create(user=owner, product=product, session_stripe_id="cs_test_1")


def _completed(session_id="cs_test_1"):
    return _event(
        "checkout.session.completed",
        {"id": session_id, "customer": "cus_1", "subscription": "sub_1", "customer_details": {"email": "a@x.example"}},
    )


def test_unit_activates_the_purchase_of_a_completed_checkout(
    broker, anonymous, checkout, owner, task, admin_receivers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(anonymous, "/purchase", _completed(), NEW_SECRET)
    broker.run_bodies()  # the worker's part, run in-process

    assert response.status_code == 200
    assert response.json() == {"purchase_pk": checkout.pk}
    checkout.refresh_from_db()
    assert (checkout.active, checkout.customer_stripe_id, checkout.subscription_stripe_id) == (True, "cus_1", "sub_1")
    assert checkout.completed_date is not None
    assert UserTask.objects.get(user=owner, task=task).enabled is True
    assert [m.subject for m in mail.outbox] == ["[Mojodex] New client purchase"]


def test_unit_handles_a_redelivered_checkout_event_once(
    broker, anonymous, checkout, admin_receivers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(anonymous, "/purchase", _completed(), NEW_SECRET)
        completed = Purchase.objects.get(pk=checkout.pk).completed_date
        again = _post(anonymous, "/purchase", _completed(), NEW_SECRET)
    broker.run_bodies()  # the worker's part, run in-process

    assert again.json() == {"purchase_pk": checkout.pk}
    assert Purchase.objects.get(pk=checkout.pk).completed_date == completed
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "signature",
    [
        "t=1,v1=deadbeef",
        None,
        "wrong-secret",
        "stale",
    ],
)
def test_it_refuses_a_bad_signature_and_changes_nothing(anonymous, checkout, owner, task, signature):
    payload = _completed()
    headers = {}
    if signature == "wrong-secret":
        headers["HTTP_STRIPE_SIGNATURE"] = stripe_signature(payload, "whsec_someone_else")
    elif signature == "stale":
        headers["HTTP_STRIPE_SIGNATURE"] = stripe_signature(payload, NEW_SECRET, timestamp=int(time.time()) - 3600)
    elif signature:
        headers["HTTP_STRIPE_SIGNATURE"] = signature

    response = anonymous.post("/purchase", payload, content_type="application/json", **headers)

    assert response.status_code == 400
    assert response.json() == {"error": "invalid Stripe signature"}
    checkout.refresh_from_db()
    assert (checkout.active, checkout.completed_date, checkout.customer_stripe_id) == (False, None, None)
    assert not UserTask.objects.filter(user=owner).exists()


def test_it_refuses_a_body_signed_for_the_other_webhook(anonymous, checkout):
    response = _post(anonymous, "/purchase", _completed(), END_SECRET)

    assert response.status_code == 400
    assert Purchase.objects.get(pk=checkout.pk).active is False


def test_unit_answers_404_for_an_unknown_checkout_and_warns_the_admins(
    broker, anonymous, checkout, admin_receivers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(anonymous, "/purchase", _completed("cs_unknown"), NEW_SECRET)
    broker.run_bodies()  # the worker's part, run in-process

    assert response.status_code == 404
    assert response.json() == {"error": "no purchase with session_stripe_id cs_unknown"}
    assert [m.subject for m in mail.outbox] == ["[Mojodex] URGENT: purchase error"]
    assert Purchase.objects.get(pk=checkout.pk).active is False


def test_it_acknowledges_and_ignores_other_event_types(anonymous, checkout):
    response = _post(anonymous, "/purchase", _event("invoice.paid", {"id": "in_1"}), NEW_SECRET)

    assert response.json() == {"ignored_event_type": "invoice.paid"}
    assert Purchase.objects.get(pk=checkout.pk).active is False


def test_it_answers_503_when_the_webhook_secret_is_not_configured(anonymous, checkout, settings):
    settings.STRIPE_WEBHOOK_SECRET_NEW_PURCHASE = ""

    response = _post(anonymous, "/purchase", _completed(), NEW_SECRET)

    assert (response.status_code, response.json()) == (
        503,
        {"error": "Stripe webhook is not configured on this server"},
    )


def test_unit_ends_a_subscription(broker, anonymous, owner, task, admin_receivers, django_capture_on_commit_callbacks):
    purchase = make_purchase(owner, make_product("monthly", tasks=(task,)), subscription_stripe_id="sub_9")

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            anonymous, "/subscription_end", _event("customer.subscription.deleted", {"id": "sub_9"}), END_SECRET
        )
        again = _post(
            anonymous,
            "/subscription_end",
            _event("customer.subscription.pending_update_expired", {"id": "sub_9"}),
            END_SECRET,
        )
    broker.run_bodies()  # the worker's part, run in-process

    assert response.json() == {"purchase_pk": purchase.pk} == again.json()
    assert Purchase.objects.get(pk=purchase.pk).active is False
    assert UserTask.objects.get(user=owner, task=task).enabled is False
    assert [m.subject for m in mail.outbox] == ["[Mojodex] Subscription ended"]


def test_it_refuses_a_forged_subscription_end(anonymous, owner, task):
    purchase = make_purchase(owner, make_product("monthly", tasks=(task,)), subscription_stripe_id="sub_9")

    response = _post(
        anonymous, "/subscription_end", _event("customer.subscription.deleted", {"id": "sub_9"}), NEW_SECRET
    )

    assert response.status_code == 400
    assert Purchase.objects.get(pk=purchase.pk).active is True
    assert UserTask.objects.get(user=owner, task=task).enabled is True


def test_it_answers_404_for_an_unknown_subscription(anonymous):
    response = _post(
        anonymous, "/subscription_end", _event("customer.subscription.deleted", {"id": "sub_unknown"}), END_SECRET
    )

    assert (response.status_code, response.json()) == (
        404,
        {"error": "no purchase with subscription_stripe_id sub_unknown"},
    )


def test_it_refuses_a_signed_but_malformed_event(anonymous):
    payload = json.dumps({"type": "customer.subscription.deleted"}).encode()

    response = _post(anonymous, "/subscription_end", payload, END_SECRET)

    assert (response.status_code, response.json()) == (400, {"error": "malformed Stripe event"})


def test_it_reads_ids_from_expanded_stripe_objects(anonymous, checkout):
    payload = _event(
        "checkout.session.completed",
        {
            "id": "cs_test_1",
            "customer": {"id": "cus_9", "object": "customer"},
            "subscription": None,
            "customer_details": "unexpected",
        },
    )

    response = _post(anonymous, "/purchase", payload, NEW_SECRET)

    assert response.status_code == 200
    checkout.refresh_from_db()
    assert (checkout.active, checkout.customer_stripe_id, checkout.subscription_stripe_id) == (True, "cus_9", None)

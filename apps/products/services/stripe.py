"""Stripe: checkouts the web app opens, their completion and subscription ends (webhooks), and
the webhook signature check. Stripe redelivers events, so every handler is idempotent."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import Conflict, Invalid, Missing, Unavailable
from apps.notifications.services import notify_admins
from apps.products.locks import lock_user
from apps.products.models import Product, ProductStatus, Purchase
from apps.products.services.kinds import ProductKind, product_kind
from apps.products.services.purchases import activate_purchase, deactivate_purchase, user_has_active_subscription


@transaction.atomic
def open_stripe_checkout(user: User, stripe_session_id: str, product_stripe_id: str) -> Purchase:
    """PUT /purchase: an inactive purchase waiting for Stripe's ``checkout.session.completed``."""
    product = Product.objects.filter(product_stripe_id=product_stripe_id, status=ProductStatus.ACTIVE).first()
    if product is None:
        raise Missing("product_stripe_id: no active product with this Stripe id")
    lock_user(user.pk)
    if product_kind(product) == ProductKind.SUBSCRIPTION and user_has_active_subscription(user.pk):
        raise Conflict("user already has an active subscription")
    if Purchase.objects.filter(session_stripe_id=stripe_session_id).exists():
        raise Conflict("stripe_session_id: a purchase already exists for this checkout session")
    return Purchase.objects.create(user=user, product=product, session_stripe_id=stripe_session_id, active=False)


def complete_stripe_checkout(
    session_id: str, customer_id: str | None, subscription_id: str | None, customer_email: str | None = None
) -> Purchase:
    """Stripe ``checkout.session.completed``: store the Stripe ids, activate, tell the admins.

    Idempotent: a checkout already completed is returned unchanged (Stripe redelivers events).
    """

    purchase = Purchase.objects.filter(session_stripe_id=session_id).first()
    if purchase is None:
        notify_admins(
            "URGENT: purchase error",
            f"Stripe checkout {session_id} of customer {customer_id} ({customer_email}) has no purchase.",
        )
        raise Missing(f"no purchase with session_stripe_id {session_id}")
    with transaction.atomic():
        if purchase.user_id:
            lock_user(purchase.user_id)
        purchase = (
            Purchase.objects.select_for_update(of=("self",)).select_related("product", "user").get(pk=purchase.pk)
        )
        if purchase.completed_date is not None:
            return purchase
        Purchase.objects.filter(pk=purchase.pk).update(
            customer_stripe_id=customer_id, subscription_stripe_id=subscription_id, completed_date=timezone.now()
        )
        purchase.refresh_from_db()
        activate_purchase(purchase)
        notify_admins(
            "New client purchase",
            f"{purchase.user.email if purchase.user else 'unknown user'} bought {purchase.product.label} "
            f"(purchase {purchase.pk}).",
        )
    return purchase


def end_stripe_subscription(subscription_id: str) -> Purchase:
    """Stripe ``customer.subscription.deleted`` / ``pending_update_expired``: deactivate.
    Idempotent: an already inactive purchase stays so and no second e-mail is sent."""

    purchase = Purchase.objects.filter(subscription_stripe_id=subscription_id).select_related("product").first()
    if purchase is None:
        notify_admins("URGENT: subscription end error", f"Stripe subscription {subscription_id} has no purchase.")
        raise Missing(f"no purchase with subscription_stripe_id {subscription_id}")
    with transaction.atomic():
        if deactivate_purchase(purchase, reason="Stripe subscription ended"):
            notify_admins("Subscription ended", f"Subscription {subscription_id} (purchase {purchase.pk}) ended.")
    return purchase


def verify_stripe_event(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """The event of a Stripe webhook call whose ``Stripe-Signature`` matches ``secret`` (checked
    with ``stripe.Webhook.construct_event``); ``Invalid`` (400) for a bad signature or body."""
    # Lazy: the stripe library takes over a second to import and only webhook calls need it.
    import stripe

    if not secret:
        raise Unavailable("Stripe webhook is not configured on this server")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
    except stripe.SignatureVerificationError:
        raise Invalid("invalid Stripe signature") from None
    except ValueError:
        raise Invalid("invalid Stripe payload") from None
    try:
        event = json.loads(payload)
        if not isinstance(event["type"], str) or not isinstance(event["data"]["object"], dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise Invalid("malformed Stripe event") from None
    return event

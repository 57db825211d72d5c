"""Who may run which task: purchases of products, their limits, activation and expiry.

The one access rule (``check_can_start_task``) and the one consumption rule
(``consume_purchase_for_execution``) live here; every entry point calls them.

Product kinds are derived from columns (the original has no type column):

==============  =====  ===============  ==============  ==========================================
kind            free   n_days_validity  n_tasks_limit   meaning
==============  =====  ===============  ==============  ==========================================
free trial      true   set and/or       set             granted once, at onboarding
profile         true   NULL             NULL            admin-assigned (a *role* is its purchase)
subscription    false  NULL             any             recurring (Stripe); ends by webhook
package         false  set              any             time-limited, stacks on top of a plan
==============  =====  ===============  ==============  ==========================================

"Subscription" is a non-free product without ``n_days_validity``, as the original's PUT /purchase
treats it (task packs sold without a day limit included). Trials, profiles and subscriptions are
*plans*: a user holds at most one active plan, and activating a plan deactivates the previous one
(a paid subscription replaces the trial, a new role replaces the previous role or subscription).
Packages do not replace anything. See docs/accounts-and-purchases.md.
"""

from __future__ import annotations

import enum
import functools
import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, DurationField, Exists, F, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import Conflict, Invalid, Missing, ServiceError
from apps.executions.models import UserTask, UserTaskExecution
from apps.products.locks import lock_user
from apps.products.models import Product, ProductCategory, ProductStatus, ProductTask, Purchase

logger = logging.getLogger(__name__)


class NoPurchase(ServiceError):
    """No active purchase lets the user start this task; the API answers 402 ``no_purchase``."""

    status = 402

    def __init__(self, message: str = "no_purchase"):
        super().__init__(message)


class ProductKind(enum.StrEnum):
    FREE_TRIAL = "free_trial"
    PROFILE = "profile"
    SUBSCRIPTION = "subscription"
    PACKAGE = "package"


PLAN_KINDS = frozenset({ProductKind.FREE_TRIAL, ProductKind.PROFILE, ProductKind.SUBSCRIPTION})


def product_kind(product: Product) -> ProductKind:
    if product.free:
        limited = product.n_days_validity is not None or product.n_tasks_limit is not None
        return ProductKind.FREE_TRIAL if limited else ProductKind.PROFILE
    return ProductKind.SUBSCRIPTION if product.n_days_validity is None else ProductKind.PACKAGE


def plan_q(prefix: str = "") -> Q:
    """Products that are plans (everything but packages)."""
    return Q(**{f"{prefix}free": True}) | Q(**{f"{prefix}n_days_validity__isnull": True})


def subscription_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}free": False, f"{prefix}n_days_validity__isnull": True})


def trial_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}free": True}) & (
        Q(**{f"{prefix}n_days_validity__isnull": False}) | Q(**{f"{prefix}n_tasks_limit__isnull": False})
    )


# --- limits --------------------------------------------------------------------------------------


def _days(field: str) -> Func:
    return Func(
        F(field),
        function="make_interval",
        template="make_interval(days => %(expressions)s)",
        output_field=DurationField(),
    )


def expires_at(purchase: Purchase) -> datetime | None:
    """When a time-limited purchase stops granting tasks: creation + ``n_days_validity`` days."""
    days = purchase.product.n_days_validity
    return None if days is None else purchase.creation_date + timedelta(days=days)


def is_expired(purchase: Purchase, now: datetime | None = None) -> bool:
    end = expires_at(purchase)
    return end is not None and end <= (now or timezone.now())


def remaining_days(purchase: Purchase, now: datetime | None = None) -> int | None:
    """Whole days left, counted as the original: ``n_days - (now - creation) + 1 day``."""
    end = expires_at(purchase)
    return None if end is None else (end - (now or timezone.now()) + timedelta(days=1)).days


def tasks_consumed(purchase: Purchase) -> int:
    return UserTaskExecution.objects.filter(purchase=purchase).count()


def _consumed_subquery() -> Coalesce:
    counts = (
        UserTaskExecution.objects.filter(purchase=OuterRef("pk"))
        .order_by()
        .values("purchase")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), Value(0))


def usable_purchases(user_id: str, task_id: int, *, now: datetime | None = None) -> QuerySet[Purchase]:
    """Active purchases of ``user_id`` whose product contains the task and still has room, oldest
    first. With ``now``, purchases past their day limit are left out too."""
    queryset = (
        Purchase.objects.filter(user_id=user_id, active=True)
        .filter(Exists(ProductTask.objects.filter(product=OuterRef("product"), task_id=task_id)))
        .select_related("product")
        .annotate(n_consumed=_consumed_subquery())
        .filter(Q(product__n_tasks_limit__isnull=True) | Q(n_consumed__lt=F("product__n_tasks_limit")))
    )
    if now is not None:
        queryset = queryset.annotate(ends=F("creation_date") + _days("product__n_days_validity")).filter(
            Q(product__n_days_validity__isnull=True) | Q(ends__gt=now)
        )
    return queryset.order_by("creation_date", "id")


def check_can_start_task(user: User, task: Any, *, now: datetime | None = None) -> Purchase:
    """The purchase that lets ``user`` start ``task`` now (the oldest usable one).

    Usable: active, its product contains the task, fewer executions consumed than
    ``n_tasks_limit``, and not past ``n_days_validity`` days since the purchase was created.
    Raises ``NoPurchase`` (402 ``no_purchase``) otherwise. Read-only: consumption happens at the
    first draft (``consume_purchase_for_execution``). The caller checks the user owns the task.
    """
    task_id = getattr(task, "pk", task)
    purchase = usable_purchases(user.pk, task_id, now=now or timezone.now()).first()
    if purchase is None:
        raise NoPurchase()
    return purchase


def consume_purchase_for_execution(execution: UserTaskExecution) -> Purchase | None:
    """Link the execution to the purchase it consumes, once, at its first produced draft.

    Idempotent: an execution already linked keeps its purchase and nothing changes. Otherwise the
    oldest active purchase of the task with room left is linked (the day limit is not re-checked:
    the user was allowed to start), and a purchase that has now consumed its ``n_tasks_limit`` is
    deactivated. Returns None (and logs) when no purchase covers the execution — it then consumes
    nothing instead of failing the draft the user already has.
    """
    with transaction.atomic():
        locked = (
            UserTaskExecution.objects.select_for_update(of=("self",)).select_related("user_task").get(pk=execution.pk)
        )
        if locked.purchase_id is not None:
            execution.purchase_id = locked.purchase_id
            return Purchase.objects.select_related("product").get(pk=locked.purchase_id)
        user_id, task_id = locked.user_task.user_id, locked.user_task.task_id
        lock_user(user_id)
        purchase = usable_purchases(user_id, task_id).first()
        if purchase is None:
            logger.warning("execution %s produced a draft without a usable purchase", execution.pk)
            return None
        UserTaskExecution.objects.filter(pk=locked.pk, purchase__isnull=True).update(purchase=purchase)
        execution.purchase_id = purchase.pk
        limit = purchase.product.n_tasks_limit
        if limit is not None and tasks_consumed(purchase) >= limit:
            _deactivate_locked(purchase, reason="all tasks consumed")
        return purchase


# --- activation ------------------------------------------------------------------------------------


def product_task_ids(product_id: int) -> list[int]:
    return list(ProductTask.objects.filter(product_id=product_id).values_list("task_id", flat=True).distinct())


def grant_tasks(user_id: str, task_ids: list[int]) -> None:
    """Create or enable the user's md_user_task rows of these tasks."""
    if not task_ids:
        return
    UserTask.objects.filter(user_id=user_id, task_id__in=task_ids, enabled=False).update(enabled=True)
    existing = set(UserTask.objects.filter(user_id=user_id, task_id__in=task_ids).values_list("task_id", flat=True))
    UserTask.objects.bulk_create(
        [UserTask(user_id=user_id, task_id=task_id, enabled=True) for task_id in task_ids if task_id not in existing]
    )


def revoke_tasks(user_id: str, task_ids: list[int]) -> int:
    """Disable those of the user's tasks that no active purchase grants any more."""
    still_granted = ProductTask.objects.filter(
        product__purchases__user_id=user_id, product__purchases__active=True
    ).values("task_id")
    return (
        UserTask.objects.filter(user_id=user_id, enabled=True, task_id__in=task_ids)
        .exclude(task_id__in=still_granted)
        .update(enabled=False)
    )


@transaction.atomic
def activate_purchase(purchase: Purchase) -> bool:
    """Make a purchase grant its tasks; False when it already was active (idempotent).

    A plan (trial, profile, subscription) first deactivates the user's other active plans. The
    user's goal becomes the product category's implicit goal when the user has none.
    """
    user_id = purchase.user_id
    if user_id is None:
        raise Invalid("purchase has no user")
    lock_user(user_id)
    fresh = (
        Purchase.objects.select_for_update(of=("self",)).select_related("product__product_category").get(pk=purchase.pk)
    )
    if fresh.active:
        purchase.active = True
        return False
    if product_kind(fresh.product) in PLAN_KINDS:
        others = Purchase.objects.filter(user_id=user_id, active=True).filter(plan_q("product__"))
        for other in others.exclude(pk=fresh.pk).select_related("product"):
            _deactivate_locked(other, reason=f"replaced by purchase {fresh.pk}")
    grant_tasks(user_id, product_task_ids(fresh.product_id))
    Purchase.objects.filter(pk=fresh.pk).update(active=True)
    purchase.active = True
    category = fresh.product.product_category
    if category is not None:
        User.objects.filter(pk=user_id).filter(Q(goal__isnull=True) | Q(goal="")).update(goal=category.implicit_goal)
    logger.info("purchase %s activated (product %s)", fresh.pk, fresh.product_id)
    return True


@transaction.atomic
def deactivate_purchase(purchase: Purchase, *, reason: str) -> bool:
    """Stop a purchase granting tasks; False when it already was inactive (idempotent)."""
    if purchase.user_id is None:
        return bool(Purchase.objects.filter(pk=purchase.pk, active=True).update(active=False))
    lock_user(purchase.user_id)
    fresh = Purchase.objects.select_for_update(of=("self",)).get(pk=purchase.pk)
    changed = _deactivate_locked(fresh, reason=reason)
    purchase.active = False
    return changed


def _deactivate_locked(purchase: Purchase, *, reason: str) -> bool:
    """Deactivate with the user row already locked by the caller."""
    if not Purchase.objects.filter(pk=purchase.pk, active=True).update(active=False):
        return False
    purchase.active = False
    if purchase.user_id is not None:
        revoke_tasks(purchase.user_id, product_task_ids(purchase.product_id))
    logger.info("purchase %s deactivated: %s", purchase.pk, reason)
    return True


def user_has_active_subscription(user_id: str) -> bool:
    return Purchase.objects.filter(user_id=user_id, active=True).filter(subscription_q("product__")).exists()


# --- granting (backoffice, onboarding) -------------------------------------------------------------


@transaction.atomic
def grant_product(user: User, product: Product, *, custom_purchase_id: str | None = None) -> Purchase:
    """A manual purchase (or a role, when ``product`` is a profile), created and activated now.

    A product that is not free needs ``custom_purchase_id`` (the backoffice's payment reference).
    A user without a category gets the product's category and its implicit goal.
    """
    if product.status != ProductStatus.ACTIVE:
        raise Invalid("product_pk: this product is inactive")
    if not product.free and not custom_purchase_id:
        raise Invalid("custom_purchase_id: required for a product that is not free")
    lock_user(user.pk)
    user.refresh_from_db(fields=["product_category", "goal"])
    category = product.product_category
    if user.product_category_id is None and category is not None:
        User.objects.filter(pk=user.pk).update(product_category=category, goal=category.implicit_goal)
        user.product_category_id, user.goal = category.pk, category.implicit_goal
    purchase = Purchase.objects.create(user=user, product=product, custom_purchase_id=custom_purchase_id or None)
    activate_purchase(purchase)
    return purchase


@transaction.atomic
def associate_free_product(user: User, product_category_pk: int) -> Purchase:
    """Onboarding: the category's free trial for a user who never had any purchase."""
    from apps.notifications import services as notifications

    lock_user(user.pk)
    if Purchase.objects.filter(user=user).exists():
        raise Conflict("user already had a purchase")
    category = ProductCategory.objects.filter(pk=product_category_pk, visible=True).first()
    if category is None:
        raise Missing("product_category_pk: not found")
    product = (
        Product.objects.filter(product_category=category, status=ProductStatus.ACTIVE)
        .filter(trial_q())
        .order_by("id")
        .first()
    )
    if product is None:
        raise Invalid("product_category_pk: this category has no free trial product")
    User.objects.filter(pk=user.pk).update(product_category=category, goal=category.implicit_goal)
    user.product_category_id, user.goal = category.pk, category.implicit_goal
    purchase = Purchase.objects.create(user=user, product=product)
    activate_purchase(purchase)
    notifications.notify_admins(
        "Free product associated", f"Free product {product.label} associated to user {user.pk} ({user.email})."
    )
    if notifications.email_service_configured():
        from django.conf import settings

        from apps.products.offers import category_texts

        notifications.enqueue_email(
            "welcome",
            [user.email],
            {
                "username": user.name or "",
                "category_name": category_texts(category, user.language_code)["name"],
                "webapp_url": settings.MOJODEX_WEBAPP_URI,
            },
            language=user.language_code,
            user_pk=user.pk,
            event_type="welcome_email",
        )
    return purchase


@transaction.atomic
def add_task_to_product(product: Product, task: Any) -> ProductTask:
    """Add a task to a product; users holding an active purchase of it get the task at once."""
    list(Product.objects.select_for_update().filter(pk=product.pk).values_list("pk", flat=True))
    if ProductTask.objects.filter(product=product, task=task).exists():
        raise Conflict("task_pk: this task is already in this product")
    association = ProductTask.objects.create(product=product, task=task)
    holders = Purchase.objects.filter(product=product, active=True, user__isnull=False)
    for user_id in holders.values_list("user_id", flat=True).distinct():
        grant_tasks(str(user_id), [task.pk])
    return association


# --- Stripe ---------------------------------------------------------------------------------------


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
    from apps.notifications.services import notify_admins

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
    from apps.notifications.services import notify_admins

    purchase = Purchase.objects.filter(subscription_stripe_id=subscription_id).select_related("product").first()
    if purchase is None:
        notify_admins("URGENT: subscription end error", f"Stripe subscription {subscription_id} has no purchase.")
        raise Missing(f"no purchase with subscription_stripe_id {subscription_id}")
    with transaction.atomic():
        if deactivate_purchase(purchase, reason="Stripe subscription ended"):
            notify_admins("Subscription ended", f"Subscription {subscription_id} (purchase {purchase.pk}) ended.")
    return purchase


# --- expiry ---------------------------------------------------------------------------------------


def expired_purchase_ids(*, now: datetime | None = None, after_pk: int = 0, limit: int = 500) -> list[int]:
    """Ids of active purchases past their day limit, by increasing pk (keyset pages)."""
    return list(
        Purchase.objects.filter(active=True, product__n_days_validity__isnull=False, pk__gt=after_pk)
        .annotate(ends=F("creation_date") + _days("product__n_days_validity"))
        .filter(ends__lte=now or timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def enqueue_expiry(purchase_pks: list[int]) -> None:
    """One ``expire_purchase`` task per purchase, sent after the current transaction commits."""
    from apps.products.tasks import expire_purchase

    for pk in purchase_pks:
        transaction.on_commit(functools.partial(expire_purchase.delay, pk))


def sweep_expired_purchases(*, batch_size: int = 500, now: datetime | None = None) -> int:
    """Fan out ``expire_purchase`` for every active purchase past its day limit; returns the count."""
    now = now or timezone.now()
    after, total = 0, 0
    while True:
        batch = expired_purchase_ids(now=now, after_pk=after, limit=batch_size)
        if not batch:
            return total
        enqueue_expiry(batch)
        total += len(batch)
        after = batch[-1]


def expire_purchase(purchase_pk: int, *, now: datetime | None = None) -> bool:
    """Deactivate one purchase if it is still active and past its day limit (else do nothing)."""
    from apps.notifications.services import notify_admins

    purchase = Purchase.objects.filter(pk=purchase_pk).select_related("product", "user").first()
    if purchase is None or not purchase.active or not is_expired(purchase, now):
        return False
    with transaction.atomic():
        if not deactivate_purchase(purchase, reason="validity days over"):
            return False
        notify_admins(
            "Purchase expired",
            f"Purchase {purchase.pk} of {purchase.user.email if purchase.user else 'no user'} "
            f"({purchase.product.label}) expired.",
        )
    return True


def verify_stripe_event(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """The event of a Stripe webhook call whose ``Stripe-Signature`` matches ``secret`` (checked
    with ``stripe.Webhook.construct_event``); ``Invalid`` (400) for a bad signature or body."""
    import json

    import stripe

    from apps.core.errors import Unavailable

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

"""Purchases granting tasks: activation and deactivation, manual grants (backoffice, roles), the
onboarding's free trial, and products gaining a task.

A purchase grants its product's tasks as ``md_user_task`` rows while it is active. Plans replace
each other; packages stack (``apps.products.services.kinds``). Every change to one user's
purchases holds the user row lock (``apps.products.locks``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from apps.accounts.models import User
from apps.core.errors import Conflict, Invalid, Missing
from apps.executions.models import UserTask
from apps.notifications import services as notifications
from apps.products.displayed import category_texts
from apps.products.locks import lock_user
from apps.products.models import Product, ProductCategory, ProductStatus, ProductTask, Purchase
from apps.products.services.kinds import PLAN_KINDS, plan_q, product_kind, subscription_q, trial_q

logger = logging.getLogger(__name__)


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
            deactivate_locked(other, reason=f"replaced by purchase {fresh.pk}")
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
    changed = deactivate_locked(fresh, reason=reason)
    purchase.active = False
    return changed


def deactivate_locked(purchase: Purchase, *, reason: str) -> bool:
    """Deactivate with the user row already locked by the caller (activation, consumption)."""
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

"""The offer: product categories, products and profiles (backoffice edits) and what a user sees
of them (GET /product_category, GET /purchase). Access rules are in ``services.access``."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q

from apps.accounts.models import User
from apps.catalog.models import TaskDisplayedData
from apps.core.errors import Conflict, Invalid, Missing
from apps.executions.models import UserTaskExecution
from apps.notifications.services import notify_admins
from apps.products.displayed import category_texts, product_name, product_task_names
from apps.products.models import (
    Product,
    ProductCategory,
    ProductCategoryDisplayedData,
    ProductDisplayedData,
    ProductStatus,
    ProductTask,
    Purchase,
)
from apps.products.services.kinds import ProductKind, product_kind, remaining_days, subscription_q
from apps.products.services.purchases import deactivate_purchase, user_has_active_subscription

logger = logging.getLogger(__name__)

PRICE_CACHE_SECONDS = 3600


# --- categories ------------------------------------------------------------------------------------


def visible_categories(language: str | None) -> list[dict[str, Any]]:
    categories = ProductCategory.objects.filter(visible=True).prefetch_related("displayed_data").order_by("id")
    return [{"product_category_pk": c.pk, "emoji": c.emoji, **category_texts(c, language)} for c in categories]


def _upsert_category_texts(category: ProductCategory, displayed_data: list[dict[str, str]]) -> None:
    for item in displayed_data:
        row = category.displayed_data.filter(language_code=item["language_code"]).first()
        if row is None:
            if "name_for_user" not in item or "description_for_user" not in item:
                raise Invalid(
                    f"displayed_data: name_for_user and description_for_user are required for a new language "
                    f"({item['language_code']})"
                )
            ProductCategoryDisplayedData.objects.create(
                product_category=category,
                language_code=item["language_code"],
                name_for_user=item["name_for_user"],
                description_for_user=item["description_for_user"],
            )
            continue
        for key in ("name_for_user", "description_for_user"):
            if key in item:
                setattr(row, key, item[key])
        row.save()


@transaction.atomic
def create_category(
    *, label: str, displayed_data: list[dict[str, str]], emoji: str, implicit_goal: str, visible: bool
) -> ProductCategory:
    if ProductCategory.objects.filter(label=label).exists():
        raise Conflict(f"label: product category {label!r} already exists")
    category = ProductCategory.objects.create(label=label, emoji=emoji, implicit_goal=implicit_goal, visible=visible)
    _upsert_category_texts(category, displayed_data)
    return category


@transaction.atomic
def update_category(category_pk: int, changes: dict[str, Any]) -> ProductCategory:
    category = ProductCategory.objects.select_for_update().filter(pk=category_pk).first()
    if category is None:
        raise Missing("product_category_pk: not found")
    if changes.get("visible") is True and not category.visible:
        has_trial = category.products.filter(free=True, n_days_validity__isnull=False).exists()
        if not has_trial:
            raise Invalid("visible: a category needs a free product with n_days_validity to become visible")
    if "label" in changes and ProductCategory.objects.filter(label=changes["label"]).exclude(pk=category.pk).exists():
        raise Conflict(f"label: product category {changes['label']!r} already exists")
    for key in ("visible", "label", "emoji", "implicit_goal"):
        if key in changes:
            setattr(category, key, changes[key])
    category.save()
    if "displayed_data" in changes:
        _upsert_category_texts(category, changes["displayed_data"])
    return category


# --- products and profiles --------------------------------------------------------------------------


def _check_store_ids(product_pk: int | None, stripe_id: str | None, apple_id: str | None) -> None:
    others = Product.objects.exclude(pk=product_pk) if product_pk else Product.objects.all()
    if stripe_id and others.filter(product_stripe_id=stripe_id).exists():
        raise Conflict(f"product_stripe_id: {stripe_id!r} already belongs to another product")
    if apple_id and others.filter(product_apple_id=apple_id).exists():
        raise Conflict(f"product_apple_id: {apple_id!r} already belongs to another product")


def _upsert_product_names(product: Product, displayed_data: list[dict[str, str]]) -> None:
    for item in displayed_data:
        ProductDisplayedData.objects.update_or_create(
            product=product, language_code=item["language_code"], defaults={"name": item["name"]}
        )


def _category(category_pk: int | None) -> ProductCategory | None:
    if category_pk is None:
        return None
    category = ProductCategory.objects.filter(pk=category_pk).first()
    if category is None:
        raise Missing("product_category_pk: not found")
    return category


@transaction.atomic
def create_product(
    *,
    label: str,
    displayed_data: list[dict[str, str]],
    product_category_pk: int | None,
    free: bool,
    n_days_validity: int | None,
    n_tasks_limit: int | None,
    product_stripe_id: str | None = None,
    product_apple_id: str | None = None,
) -> Product:
    if Product.objects.filter(label=label).exists():
        raise Conflict(f"label: product {label!r} already exists")
    _check_store_ids(None, product_stripe_id, product_apple_id)
    try:
        with transaction.atomic():
            product = Product.objects.create(
                label=label,
                status=ProductStatus.ACTIVE,
                product_category=_category(product_category_pk),
                free=free,
                n_days_validity=n_days_validity,
                n_tasks_limit=n_tasks_limit,
                product_stripe_id=product_stripe_id or None,
                product_apple_id=product_apple_id or None,
            )
    except IntegrityError:  # a concurrent request took the label
        raise Conflict(f"label: product {label!r} already exists") from None
    _upsert_product_names(product, displayed_data)
    return product


PRODUCT_FIELDS = ("free", "n_days_validity", "n_tasks_limit", "product_stripe_id", "product_apple_id")


@transaction.atomic
def update_product(product_pk: int, changes: dict[str, Any], *, profile: bool = False) -> Product:
    """Partial update (status is not editable here). A profile stays a profile: free, no limits."""
    product = Product.objects.select_for_update().filter(pk=product_pk).first()
    if product is None or (profile and product_kind(product) != ProductKind.PROFILE):
        raise Missing(f"{'profile' if profile else 'product'}_pk: not found")
    if profile:
        refused = [key for key in PRODUCT_FIELDS if key in changes]
        if refused:
            raise Invalid(f"{refused[0]}: a profile is free, has no limits and no store ids")
    if "label" in changes and Product.objects.filter(label=changes["label"]).exclude(pk=product.pk).exists():
        raise Conflict(f"label: product {changes['label']!r} already exists")
    _check_store_ids(product.pk, changes.get("product_stripe_id"), changes.get("product_apple_id"))
    if "product_category_pk" in changes:
        product.product_category = _category(changes["product_category_pk"])
    for key in ("label", *PRODUCT_FIELDS):
        if key in changes:
            setattr(product, key, changes[key])
    product.save()
    if "displayed_data" in changes:
        _upsert_product_names(product, changes["displayed_data"])
    return product


def profiles() -> Any:
    return Product.objects.filter(free=True, n_days_validity__isnull=True, n_tasks_limit__isnull=True)


# --- what a user sees -------------------------------------------------------------------------------


def _with_offer_data(queryset: Any) -> Any:
    return queryset.prefetch_related(
        "displayed_data",
        Prefetch(
            "product_tasks",
            queryset=ProductTask.objects.select_related("task")
            .prefetch_related(Prefetch("task__displayed_data", queryset=TaskDisplayedData.objects.order_by("id")))
            .order_by("id"),
        ),
    )


def _is_paid(purchase: Purchase) -> bool:
    return bool(
        purchase.product.free
        or purchase.custom_purchase_id
        or purchase.subscription_stripe_id
        or (purchase.session_stripe_id and purchase.completed_date)
        or purchase.apple_transaction_id
    )


def _purchase_item(purchase: Purchase, language: str | None, consumed: int) -> dict[str, Any]:
    product = purchase.product
    return {
        "product_name": product_name(product, language),
        "remaining_days": remaining_days(purchase),
        "n_validity_days": product.n_days_validity,
        "n_tasks_limit": product.n_tasks_limit,
        "n_tasks_consumed": consumed,
        "tasks": product_task_names(product, language),
        "is_free_product": product.free,
    }


def _consumption(purchases: list[Purchase]) -> dict[int, int]:
    rows = (
        UserTaskExecution.objects.filter(purchase__in=[p.pk for p in purchases])
        .values("purchase")
        .annotate(n=Count("pk"))
    )
    return {row["purchase"]: row["n"] for row in rows}


def current_purchases(user: User) -> list[dict[str, Any]]:
    """The user's active purchases, newest first. One that nothing paid for (not free, no
    backoffice id, no Stripe subscription or completed checkout, no Apple transaction) is reported
    to the admins and deactivated, as the original does."""
    purchases = list(
        Purchase.objects.filter(user=user, active=True)
        .prefetch_related(Prefetch("product", queryset=_with_offer_data(Product.objects.all())))
        .order_by("-creation_date", "-id")
    )
    consumed = _consumption(purchases)
    items = []
    for purchase in purchases:
        if not _is_paid(purchase):
            notify_admins(
                "URGENT: incorrect purchase",
                f"Purchase {purchase.pk} of user {user.pk} is not free and has no payment reference; deactivated.",
            )
            deactivate_purchase(purchase, reason="no payment reference")
            continue
        items.append(_purchase_item(purchase, user.language_code, consumed.get(purchase.pk, 0)))
    return items


def stripe_price(product_stripe_id: str) -> str | None:
    """The product's first Stripe price as the original shows it ("$9.9", "9.9€"), cached an hour;
    None without ``STRIPE_API_KEY`` or when Stripe cannot be reached."""
    if not settings.STRIPE_API_KEY:
        return None
    key = f"stripe-price:{product_stripe_id}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    # Lazy: the stripe library takes over a second to import and only this call needs it here.
    import stripe

    try:
        client = stripe.StripeClient(
            settings.STRIPE_API_KEY, http_client=stripe.HTTPXClient(timeout=settings.STRIPE_TIMEOUT)
        )
        prices = client.v1.prices.list(params={"product": product_stripe_id, "limit": 1}).data
    except Exception as exc:  # any Stripe/network failure only hides the price
        logger.warning("Stripe price of %s unavailable: %s", product_stripe_id, exc)
        return None
    price = None
    if prices and prices[0].unit_amount is not None:
        amount = prices[0].unit_amount / 100
        price = {"usd": f"${amount}", "eur": f"{amount}€"}.get(prices[0].currency)
    cache.set(key, price or "", PRICE_CACHE_SECONDS)
    return price


def purchasable_products(user: User) -> list[dict[str, Any]]:
    """Active, non-free products of the user's category; subscriptions hidden while the user has one."""
    if user.product_category_id is None:
        return []
    products = Product.objects.filter(product_category_id=user.product_category_id, free=False, status="active")
    if user_has_active_subscription(user.pk):
        products = products.exclude(subscription_q())
    return [
        {
            "product_pk": product.pk,
            "name": product_name(product, user.language_code),
            "product_stripe_id": product.product_stripe_id,
            "product_apple_id": product.product_apple_id,
            "n_days_validity": product.n_days_validity,
            "n_tasks_limit": product.n_tasks_limit,
            "stripe_price": stripe_price(product.product_stripe_id) if product.product_stripe_id else None,
            "tasks": product_task_names(product, user.language_code),
        }
        for product in _with_offer_data(products.order_by("id"))
    ]


def last_expired_purchases(user: User) -> list[dict[str, Any]]:
    """The latest ended task-limited purchase and the latest ended time-limited one (if another).
    Abandoned Stripe checkouts (never completed) are not "expired" and are left out."""
    ended = (
        Purchase.objects.filter(user=user, active=False)
        .exclude(Q(session_stripe_id__isnull=False) & Q(completed_date__isnull=True))
        .prefetch_related(Prefetch("product", queryset=_with_offer_data(Product.objects.all())))
        .order_by("-creation_date", "-id")
    )
    package = ended.filter(product__n_tasks_limit__isnull=False).first()
    limited = ended.filter(product__n_days_validity__isnull=False).first()
    chosen = [p for p in (package, limited) if p is not None]
    if len(chosen) == 2 and chosen[0].pk == chosen[1].pk:
        chosen = chosen[:1]
    consumed = _consumption(chosen)
    items = []
    for purchase in chosen:
        item = _purchase_item(purchase, user.language_code, consumed.get(purchase.pk, 0))
        item["n_days_validity"] = item.pop("n_validity_days")
        items.append(item)
    return items


def purchase_overview(user: User) -> dict[str, Any]:
    """GET /purchase."""
    return {
        "purchasable_products": purchasable_products(user),
        "current_purchases": current_purchases(user),
        "last_expired_purchase": last_expired_purchases(user),
    }

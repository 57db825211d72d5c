"""Expiry of time-limited purchases: the hourly beat sweep selects those past their day limit and
fans out one ``expire_purchase`` task per purchase, which re-checks and deactivates it."""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.notifications.services import notify_admins
from apps.products.models import Purchase
from apps.products.services.kinds import days_interval, is_expired
from apps.products.services.purchases import deactivate_purchase


def expired_purchase_ids(*, now: datetime | None = None, after_pk: int = 0, limit: int = 500) -> list[int]:
    """Ids of active purchases past their day limit, by increasing pk (keyset pages)."""
    return list(
        Purchase.objects.filter(active=True, product__n_days_validity__isnull=False, pk__gt=after_pk)
        .annotate(ends=F("creation_date") + days_interval("product__n_days_validity"))
        .filter(ends__lte=now or timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def enqueue_expiry(purchase_pks: list[int]) -> None:
    """One ``expire_purchase`` task per purchase, sent after the current transaction commits."""
    # Lazy: the tasks call back into this module (task ↔ service cycle within products).
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

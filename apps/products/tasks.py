"""Celery tasks of purchases (queue ``background``)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

SWEEP_EXPIRES_SECONDS = 3000  # below the hourly period: a sweep not started in time is dropped


@shared_task(
    name="apps.products.tasks.sweep_expired_purchases",
    expires=SWEEP_EXPIRES_SECONDS,
    time_limit=600,
    soft_time_limit=570,  # below time_limit, or Celery refuses to send the task (the default is 840)
)
def sweep_expired_purchases() -> int:
    """Beat sweep (hourly): select active purchases past their day limit in batches of
    ``PURCHASE_EXPIRY_BATCH_SIZE`` and fan out one ``expire_purchase`` per purchase.

    Safe to run twice: a purchase sent twice is expired once (``expire_purchase`` re-checks).
    """
    from apps.products.services import sweep_expired_purchases as sweep

    return sweep(batch_size=settings.PURCHASE_EXPIRY_BATCH_SIZE)


@shared_task(
    name="apps.products.tasks.expire_purchase",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=120,
    soft_time_limit=100,
)
def expire_purchase(purchase_pk: int) -> bool:
    """Deactivate one expired purchase and tell the admins.

    Idempotent: the purchase is re-read under a lock and left alone unless it is still active and
    past its day limit, so a redelivered message changes nothing. Nothing is retried: a database
    error leaves the purchase for the next hourly sweep.
    """
    from apps.products.services import expire_purchase as expire

    return expire(purchase_pk)

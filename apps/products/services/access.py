"""Who may run which task now: the one access rule (``check_can_start_task``) and the one
consumption rule (``consume_purchase_for_execution``); every entry point calls them."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import ServiceError
from apps.executions.models import UserTaskExecution
from apps.products.locks import lock_user
from apps.products.models import ProductTask, Purchase
from apps.products.services.kinds import days_interval
from apps.products.services.purchases import deactivate_locked

logger = logging.getLogger(__name__)


class NoPurchase(ServiceError):
    """No active purchase lets the user start this task; the API answers 402 ``no_purchase``."""

    status = 402

    def __init__(self, message: str = "no_purchase"):
        super().__init__(message)


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
        queryset = queryset.annotate(ends=F("creation_date") + days_interval("product__n_days_validity")).filter(
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
            deactivate_locked(purchase, reason="all tasks consumed")
        return purchase

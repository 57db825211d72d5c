"""Products' receivers of lower layers' signals (connected in ``ProductsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import User
from apps.catalog.models import Task
from apps.products.models import ProductTask, Purchase
from apps.products.services.purchases import deactivate_purchase


def deactivate_purchases_of_deleted_account(sender: Any, user: User, **kwargs: Any) -> None:
    """``accounts.signals.account_deleted``: the account's active purchases stop granting tasks.

    Runs inside ``delete_account``'s transaction, with the user row locked: the purchases are
    deactivated together with the anonymisation, or not at all."""
    for purchase in Purchase.objects.filter(user=user, active=True):
        deactivate_purchase(purchase, reason="account deleted")


def delete_task_from_products(sender: Any, task: Task, **kwargs: Any) -> None:
    """``catalog.signals.task_deleting``: the task leaves every product it was in."""
    ProductTask.objects.filter(task=task).delete()

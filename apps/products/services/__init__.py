"""Who may run which task: purchases of products, their limits, activation and expiry.

- ``kinds``: product kinds (trial, profile, subscription, package) and day limits;
- ``access``: the one access rule (``check_can_start_task``) and the one consumption rule
  (``consume_purchase_for_execution``) that every entry point calls;
- ``purchases``: activation, deactivation, manual grants, the onboarding's free trial;
- ``stripe``: checkouts, webhooks and their signature;
- ``expiry``: the sweep of purchases past their day limit.

The names below are re-exported so ``from apps.products.services import X`` keeps working; new
code imports from the module that owns the function.
"""

from apps.products.services.access import (
    NoPurchase,
    check_can_start_task,
    consume_purchase_for_execution,
    tasks_consumed,
    usable_purchases,
)
from apps.products.services.expiry import (
    enqueue_expiry,
    expire_purchase,
    expired_purchase_ids,
    sweep_expired_purchases,
)
from apps.products.services.kinds import (
    PLAN_KINDS,
    ProductKind,
    expires_at,
    is_expired,
    plan_q,
    product_kind,
    remaining_days,
    subscription_q,
    trial_q,
)
from apps.products.services.purchases import (
    activate_purchase,
    add_task_to_product,
    associate_free_product,
    deactivate_purchase,
    grant_product,
    grant_tasks,
    product_task_ids,
    revoke_tasks,
    user_has_active_subscription,
)
from apps.products.services.stripe import (
    complete_stripe_checkout,
    end_stripe_subscription,
    open_stripe_checkout,
    verify_stripe_event,
)

__all__ = [
    "PLAN_KINDS",
    "NoPurchase",
    "ProductKind",
    "activate_purchase",
    "add_task_to_product",
    "associate_free_product",
    "check_can_start_task",
    "complete_stripe_checkout",
    "consume_purchase_for_execution",
    "deactivate_purchase",
    "end_stripe_subscription",
    "enqueue_expiry",
    "expire_purchase",
    "expired_purchase_ids",
    "expires_at",
    "grant_product",
    "grant_tasks",
    "is_expired",
    "open_stripe_checkout",
    "plan_q",
    "product_kind",
    "product_task_ids",
    "remaining_days",
    "revoke_tasks",
    "subscription_q",
    "sweep_expired_purchases",
    "tasks_consumed",
    "trial_q",
    "usable_purchases",
    "user_has_active_subscription",
    "verify_stripe_event",
]

"""Product kinds and time limits, derived from columns (the original has no type column).

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
from datetime import datetime, timedelta

from django.db.models import DurationField, F, Func, Q
from django.utils import timezone

from apps.products.models import Product, Purchase


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


# --- day limits ------------------------------------------------------------------------------------


def days_interval(field: str) -> Func:
    """SQL ``make_interval(days => <field>)``, to compare a purchase's end with ``now``."""
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

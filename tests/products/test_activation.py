"""Activation and deactivation: user tasks follow purchases; at most one plan (trial, profile,
subscription) is active; packages stack; roles behave as purchases of profiles."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.executions.models import UserTask
from apps.products.models import Purchase
from apps.products.services.kinds import ProductKind, product_kind
from apps.products.services.purchases import activate_purchase, deactivate_purchase
from tests.purchases_support import make_category, make_product, make_purchase

pytestmark = pytest.mark.django_db


def _enabled(user):
    return set(UserTask.objects.filter(user=user, enabled=True).values_list("task_id", flat=True))


@pytest.mark.parametrize(
    ("free", "days", "tasks", "kind"),
    [
        (True, 14, None, ProductKind.FREE_TRIAL),
        (True, None, 5, ProductKind.FREE_TRIAL),
        (True, None, None, ProductKind.PROFILE),
        (False, None, None, ProductKind.SUBSCRIPTION),
        (False, None, 20, ProductKind.SUBSCRIPTION),
        (False, 30, None, ProductKind.PACKAGE),
    ],
)
def test_it_derives_the_product_kind_from_its_columns(db, free, days, tasks, kind):
    assert product_kind(make_product("p", free=free, n_days=days, n_tasks=tasks)) == kind


def test_it_creates_or_enables_user_tasks_on_activation(owner, task, other_task):
    UserTask.objects.create(user=owner, task=task, enabled=False)
    purchase = Purchase.objects.create(
        user=owner, product=make_product("trial", free=True, n_days=7, tasks=(task, other_task))
    )

    assert activate_purchase(purchase) is True
    assert activate_purchase(purchase) is False  # idempotent

    assert _enabled(owner) == {task.pk, other_task.pk}
    assert UserTask.objects.filter(user=owner).count() == 2
    assert Purchase.objects.get(pk=purchase.pk).active is True


def test_it_sets_the_category_goal_of_a_user_without_goal(owner, task):
    category = make_category("sales", goal="close more deals")
    make_purchase(owner, make_product("trial", category=category, free=True, n_days=7, tasks=(task,)))

    assert User.objects.get(pk=owner.pk).goal == "close more deals"


def test_it_replaces_an_active_subscription_with_the_new_one(owner, task, other_task):
    shared = task
    old = make_purchase(owner, make_product("basic", tasks=(shared, other_task)), custom_purchase_id="1")
    from tests.factories import TaskFactory

    premium_only = TaskFactory()
    new = make_purchase(owner, make_product("premium", tasks=(shared, premium_only)), custom_purchase_id="2")

    assert Purchase.objects.get(pk=old.pk).active is False
    assert Purchase.objects.get(pk=new.pk).active is True
    assert Purchase.objects.filter(user=owner, active=True).count() == 1
    assert _enabled(owner) == {shared.pk, premium_only.pk}
    assert UserTask.objects.get(user=owner, task=other_task).enabled is False


def test_it_replaces_the_free_trial_with_a_subscription(owner, task):
    trial = make_purchase(owner, make_product("trial", free=True, n_days=14, tasks=(task,)))

    make_purchase(owner, make_product("monthly", tasks=(task,)), custom_purchase_id="sub")

    assert Purchase.objects.get(pk=trial.pk).active is False
    assert _enabled(owner) == {task.pk}


def test_it_stacks_a_time_limited_package_on_a_subscription(owner, task, other_task):
    subscription = make_purchase(owner, make_product("monthly", tasks=(task,)), custom_purchase_id="sub")

    make_purchase(owner, make_product("extra-week", n_days=7, tasks=(other_task,)), custom_purchase_id="pkg")

    assert Purchase.objects.get(pk=subscription.pk).active is True
    assert Purchase.objects.filter(user=owner, active=True).count() == 2
    assert _enabled(owner) == {task.pk, other_task.pk}


def test_it_replaces_a_role_by_a_new_role(owner, task, other_task):
    first = make_purchase(owner, make_product("sales-profile", free=True, tasks=(task,)))

    second = make_purchase(owner, make_product("support-profile", free=True, tasks=(other_task,)))

    assert (Purchase.objects.get(pk=first.pk).active, Purchase.objects.get(pk=second.pk).active) == (False, True)
    assert _enabled(owner) == {other_task.pk}


def test_it_leaves_other_users_untouched(owner, member, task):
    theirs = make_purchase(member, make_product("monthly", tasks=(task,)), custom_purchase_id="x")

    make_purchase(owner, make_product("premium", tasks=(task,)), custom_purchase_id="y")

    assert Purchase.objects.get(pk=theirs.pk).active is True
    assert _enabled(member) == {task.pk}


def test_it_disables_tasks_only_when_no_other_active_purchase_grants_them(owner, task, other_task):
    subscription = make_purchase(owner, make_product("monthly", tasks=(task, other_task)), custom_purchase_id="s")
    make_purchase(owner, make_product("week", n_days=7, tasks=(task,)), custom_purchase_id="w")

    assert deactivate_purchase(subscription, reason="test") is True
    assert deactivate_purchase(subscription, reason="test") is False  # idempotent

    assert _enabled(owner) == {task.pk}

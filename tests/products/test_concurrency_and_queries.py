"""Purchases under concurrent workers (row locks keep counts exact) and GET /purchase in a constant
number of queries."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from apps.accounts.models import User
from apps.executions.models import UserTask, UserTaskExecution
from apps.products.models import Purchase
from apps.products.services.access import consume_purchase_for_execution
from apps.products.services.purchases import activate_purchase
from tests.factories import ExecutionFactory, TaskFactory
from tests.purchases_support import make_category, make_product, make_purchase


def _in_threads(function, arguments):
    barrier = threading.Barrier(len(arguments))
    errors: list[BaseException] = []

    def run(argument):
        try:
            barrier.wait(timeout=10)
            function(argument)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_concurrent_drafts_consume_the_last_task(owner):
    task = TaskFactory()
    purchase = make_purchase(owner, make_product("pack", n_days=30, n_tasks=1, tasks=(task,)), custom_purchase_id="x")
    user_task = UserTask.objects.get(user=owner, task=task)
    executions = [ExecutionFactory(user_task=user_task) for _ in range(2)]

    _in_threads(consume_purchase_for_execution, executions)

    assert UserTaskExecution.objects.filter(purchase=purchase).count() == 1
    assert UserTaskExecution.objects.filter(purchase__isnull=True).count() == 1
    assert Purchase.objects.get(pk=purchase.pk).active is False


@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_active_plan_when_two_subscriptions_activate_at_once(owner):
    task = TaskFactory()
    purchases = [
        Purchase.objects.create(user=owner, product=make_product(f"plan-{i}", tasks=(task,)), custom_purchase_id=str(i))
        for i in range(2)
    ]

    _in_threads(activate_purchase, purchases)

    assert Purchase.objects.filter(user=owner, active=True).count() == 1
    assert UserTask.objects.get(user=owner, task=task).enabled is True


@pytest.mark.django_db
def test_it_lists_purchases_in_a_constant_number_of_queries(owner_client, owner, django_assert_max_num_queries):
    category = make_category()
    User.objects.filter(pk=owner.pk).update(product_category=category)

    def add_purchases(n):
        for i in range(n):
            tasks = (TaskFactory(), TaskFactory())
            make_product(f"offer-{n}-{i}", category=category, n_days=30, tasks=tasks)
            make_purchase(
                owner,
                make_product(f"owned-{n}-{i}", category=category, n_days=30, tasks=tasks),
                custom_purchase_id=f"{n}-{i}",
            )

    add_purchases(1)
    with django_assert_max_num_queries(50) as few:
        owner_client.get("/purchase")
    add_purchases(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = owner_client.get("/purchase").json()

    assert len(body["current_purchases"]) == 5
    assert len(body["purchasable_products"]) == 10  # owned time-limited packages stay purchasable

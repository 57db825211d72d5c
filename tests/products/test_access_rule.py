"""The one access rule: ``check_can_start_task`` and ``consume_purchase_for_execution``, with
limits enforced at the exact boundary (last allowed task, first refused)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.executions.models import UserTask, UserTaskExecution
from apps.products.models import Purchase
from apps.products.services.access import NoPurchase, check_can_start_task, consume_purchase_for_execution
from tests.factories import ExecutionFactory
from tests.purchases_support import make_product, make_purchase

pytestmark = pytest.mark.django_db


def _run(user, task):
    """An execution that produced its first draft (what the chat calls after a draft)."""
    execution = ExecutionFactory(user_task=UserTask.objects.get(user=user, task=task))
    consume_purchase_for_execution(execution)
    return execution


def test_it_refuses_a_user_without_any_purchase(owner, task):
    with pytest.raises(NoPurchase) as error:
        check_can_start_task(owner, task)

    assert (error.value.status, error.value.message) == (402, "no_purchase")


def test_it_refuses_a_task_outside_the_users_products(owner, task, other_task):
    make_purchase(owner, make_product("pack", free=True, n_days=10, tasks=(other_task,)))

    with pytest.raises(NoPurchase):
        check_can_start_task(owner, task)


def test_it_refuses_an_inactive_purchase(owner, task):
    make_purchase(owner, make_product("pack", free=True, n_days=10, tasks=(task,)), active=False)

    with pytest.raises(NoPurchase):
        check_can_start_task(owner, task)


def test_it_refuses_another_users_purchase(owner, member, task):
    make_purchase(member, make_product("pack", free=True, n_days=10, tasks=(task,)))

    with pytest.raises(NoPurchase):
        check_can_start_task(owner, task)


def test_it_allows_the_last_task_of_the_limit_and_refuses_the_next(owner, task):
    purchase = make_purchase(
        owner, make_product("pack3", n_tasks=3, tasks=(task,), stripe_id=None), custom_purchase_id="c"
    )
    _run(owner, task)
    _run(owner, task)

    assert check_can_start_task(owner, task) == purchase  # third and last
    last = _run(owner, task)

    assert last.purchase_id == purchase.pk
    with pytest.raises(NoPurchase):
        check_can_start_task(owner, task)
    assert Purchase.objects.get(pk=purchase.pk).active is False
    assert UserTask.objects.get(user=owner, task=task).enabled is False


def test_it_allows_a_task_one_second_before_the_day_limit_and_refuses_it_at_the_limit(owner, task):
    created = timezone.now() - timedelta(days=7)
    purchase = make_purchase(owner, make_product("week", free=True, n_days=7, tasks=(task,)), created=created)

    assert check_can_start_task(owner, task, now=created + timedelta(days=7, seconds=-1)) == purchase
    with pytest.raises(NoPurchase):
        check_can_start_task(owner, task, now=created + timedelta(days=7))


def test_it_uses_the_oldest_usable_purchase_first(owner, task):
    """Two time-limited packages stack (neither is a plan that would replace the other)."""
    older = make_purchase(
        owner,
        make_product("old", n_days=30, n_tasks=1, tasks=(task,)),
        custom_purchase_id="a",
        created=timezone.now() - timedelta(days=2),
    )
    newer = make_purchase(owner, make_product("new", n_days=30, n_tasks=5, tasks=(task,)), custom_purchase_id="b")

    assert check_can_start_task(owner, task) == older
    _run(owner, task)
    assert check_can_start_task(owner, task) == newer


def test_it_consumes_once_per_execution(owner, task):
    purchase = make_purchase(owner, make_product("pack", n_tasks=2, tasks=(task,)), custom_purchase_id="c")
    execution = _run(owner, task)

    again = consume_purchase_for_execution(execution)

    assert again == purchase
    assert UserTaskExecution.objects.filter(purchase=purchase).count() == 1
    assert Purchase.objects.get(pk=purchase.pk).active is True


def test_it_keeps_a_task_enabled_when_another_purchase_still_grants_it(owner, task):
    pack = make_purchase(
        owner,
        make_product("pack", n_tasks=1, tasks=(task,)),
        custom_purchase_id="c",
        created=timezone.now() - timedelta(hours=1),
    )
    make_purchase(owner, make_product("month", n_days=30, tasks=(task,)), custom_purchase_id="d")

    _run(owner, task)

    assert Purchase.objects.get(pk=pack.pk).active is False
    assert UserTask.objects.get(user=owner, task=task).enabled is True


def test_it_consumes_nothing_when_no_purchase_covers_the_execution(owner, task):
    execution = ExecutionFactory(user_task__user=owner, user_task__task=task)

    assert consume_purchase_for_execution(execution) is None
    assert UserTaskExecution.objects.get(pk=execution.pk).purchase_id is None


def test_it_answers_402_no_purchase_on_execution_creation(owner, task, django_capture_on_commit_callbacks):
    from tests.conftest import client_for

    user_task = UserTask.objects.create(user=owner, task=task, enabled=True)
    client = client_for(owner)

    response = client.put("/user_task_execution", {"user_task_pk": user_task.pk}, format="json")

    assert response.status_code == 402
    assert response.json() == {"error": "no_purchase"}
    assert UserTaskExecution.objects.count() == 0

    make_purchase(owner, make_product("trial", free=True, n_days=7, tasks=(task,)))
    created = client.put("/user_task_execution", {"user_task_pk": user_task.pk}, format="json")
    assert created.status_code == 200
    assert UserTaskExecution.objects.count() == 1

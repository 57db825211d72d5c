"""PUT /user_task_execution: only through a purchase whose limits allow it; the purchase is consumed
at the first draft, so the limit holds at the exact boundary."""

from __future__ import annotations

import pytest

from apps.assistants.generation import run_generation
from apps.chat.models import Generation
from apps.executions.models import UserTask, UserTaskExecution
from apps.llm import fake
from apps.products.models import Product, ProductStatus, ProductTask, Purchase
from apps.products.services.purchases import grant_product
from tests.conftest import client_for
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(settings, owner):
    """The owner, with the offline fake LLM."""
    settings.LLM_MODELS_CONF = None
    settings.LLM_FAKE_TOKEN_DELAY_MS = 0
    return owner


@pytest.fixture
def one_task_product():
    task = TaskFactory()
    product = Product.objects.create(label="one_shot", status=ProductStatus.ACTIVE, free=True, n_tasks_limit=1)
    ProductTask.objects.create(product=product, task=task)
    return product, task


def _create(client, user_task_pk):
    return client.put("/user_task_execution", {"user_task_pk": user_task_pk, "platform": "webapp"}, format="json")


def _deliver_first_draft(execution_pk):
    execution = UserTaskExecution.objects.get(pk=execution_pk)
    from apps.assistants import runs

    fake.clear_script()
    fake.script_replies("<execution><title>T</title><draft>D</draft></execution>")
    runs.run_from_form(execution, [{"input_name": "notes", "input_value": "notes"}])
    run_generation(Generation.objects.get(user_task_execution=execution).pk)
    fake.clear_script()


def test_it_allows_the_last_task_of_a_limit_and_refuses_the_next(buyer, one_task_product):
    product, task = one_task_product
    purchase = grant_product(buyer, product)
    user_task = UserTask.objects.get(user=buyer, task=task, enabled=True)
    client = client_for(buyer)

    first = _create(client, user_task.pk)
    assert first.status_code == 200, first.content
    body = first.json()
    assert set(body) == {
        "user_task_execution_pk",
        "json_input",
        "actions",
        "text_edit_actions",
        "session_id",
        "intro_done",
    }
    assert body["json_input"][0]["input_name"] == "notes" and body["json_input"][0]["value"] is None
    _deliver_first_draft(body["user_task_execution_pk"])

    purchase.refresh_from_db()
    assert UserTaskExecution.objects.get(pk=body["user_task_execution_pk"]).purchase_id == purchase.pk
    assert purchase.active is False  # its one task is consumed

    refused = _create(client, user_task.pk)
    assert refused.status_code == 402
    assert refused.json() == {"error": "no_purchase"}
    assert UserTask.objects.get(pk=user_task.pk).enabled is False  # access left with the purchase
    assert UserTaskExecution.objects.filter(user_task__user=buyer).count() == 1


def test_it_answers_402_without_a_purchase_and_creates_nothing(buyer):
    user_task = UserTask.objects.create(user=buyer, task=TaskFactory())
    response = _create(client_for(buyer), user_task.pk)
    assert response.status_code == 402
    assert response.json() == {"error": "no_purchase"}
    assert not UserTaskExecution.objects.exists()


def test_it_answers_401_before_terms_are_accepted(one_task_product, stranger):
    product, task = one_task_product
    grant_product(stranger, product)
    user_task = UserTask.objects.get(user=stranger, task=task)
    response = _create(client_for(stranger), user_task.pk)
    assert response.status_code == 401
    assert response.json() == {"error": "Terms and conditions not accepted"}
    assert not UserTaskExecution.objects.exists()


def test_it_answers_404_for_another_users_task(buyer, one_task_product, member_client):
    product, task = one_task_product
    grant_product(buyer, product)
    user_task = UserTask.objects.get(user=buyer, task=task)
    response = _create(member_client, user_task.pk)
    assert response.status_code == 404
    assert not UserTaskExecution.objects.exists()
    assert Purchase.objects.get(user=buyer).active is True

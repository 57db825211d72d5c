"""Query-count guards of the list routes: a page of 10 rows costs as many queries as a page of 2.

Each route is read once to warm caches, then with 2 rows, then with 8 rows more; the number of
items must grow by 8 and the number of queries must not move (an N+1 would add one per row).
Routes guarded elsewhere: GET /message (tests/chat/test_message_history_api.py), GET
/user_task_execution with instruct executions (tests/executions/test_execution_list_api.py),
GET /purchase (tests/products/test_concurrency_and_queries.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User, UserVocabulary
from apps.catalog.models import Task, TaskType, TextType, WorkflowStep, WorkflowStepDisplayedData
from apps.chat.models import SessionMode
from apps.executions import services as executions
from apps.executions.models import UserTaskExecution
from apps.products.models import ProductCategory
from apps.todos.models import TodoScheduling
from apps.workflows.models import StepStatus, UserWorkflowStepExecution, UserWorkflowStepExecutionResult
from tests.conftest import client_for
from tests.factories import (
    ExecutionFactory,
    MessageFactory,
    SessionFactory,
    StartedExecutionFactory,
    TaskFactory,
    TodoFactory,
    UserTaskFactory,
    offer_on,
)
from tests.purchases_support import make_category

pytestmark = pytest.mark.django_db

NOW = "2026-11-24T10:00:00"


@dataclass(frozen=True)
class ListRoute:
    """``add(user, n, context)`` stores n more rows the route lists; ``setup(user)`` builds the context once."""

    path: str
    key: str
    add: Callable[[User, int, Any], None]
    setup: Callable[[User], Any] = lambda user: None
    params: Callable[[Any], dict[str, Any]] = lambda context: {}
    as_admin: bool = False


def _chat_sessions(user: User, n: int, context: Any) -> None:
    for _ in range(n):
        MessageFactory(session=SessionFactory(user=user, starting_mode=SessionMode.CHAT))


def _words(user: User, n: int, context: Any) -> None:
    start = UserVocabulary.objects.filter(user=user).count()
    for i in range(start, start + n):
        UserVocabulary.objects.create(user=user, word=f"Word{i}")


def _text_types(user: User, n: int, context: Any) -> None:
    start = TextType.objects.count()
    for i in range(start, start + n):
        TextType.objects.create(name=f"text-type-{i}")


def _workflow_task(**fields: Any) -> Task:
    """A workflow task offered on webapp, with two steps shown in English."""
    task = offer_on(TaskFactory(type=TaskType.WORKFLOW, **fields))
    for rank in (1, 2):
        step = WorkflowStep.objects.create(task=task, name_for_system=f"step_{rank}", rank=rank)
        WorkflowStepDisplayedData.objects.create(
            workflow_step=step, language_code="en", name_for_user=f"Step {rank}", definition_for_user="Does it"
        )
    return task


def _enabled_tasks(user: User, n: int, context: Any) -> None:
    for i in range(n):
        task = _workflow_task() if i % 2 else offer_on(TaskFactory())
        UserTaskFactory(user=user, task=task)


def _teasing_tasks(user: User, n: int, context: Any) -> None:
    for i in range(n):
        task = _workflow_task(visible_for_teasing=True) if i % 2 else offer_on(TaskFactory(visible_for_teasing=True))
        if i % 3 == 0:
            UserTaskFactory(user=user, task=task, enabled=False)


def _workflow_executions(user: User, n: int, context: Any) -> None:
    """Started workflow executions, each with a validated first step and its result."""
    for _ in range(n):
        task = _workflow_task()
        execution: UserTaskExecution = StartedExecutionFactory(user_task=UserTaskFactory(user=user, task=task))
        step = UserWorkflowStepExecution.objects.create(
            user_task_execution=execution,
            workflow_step=task.workflow_steps.get(rank=1),
            parameter={"topic": "sea"},
            validated=True,
            status=StepStatus.DONE,
        )
        UserWorkflowStepExecutionResult.objects.create(user_workflow_step_execution=step, result=[{"stanza": "s"}])


def _produced_texts(user: User, n: int, context: Any) -> None:
    for _ in range(n):
        execution = ExecutionFactory(user_task__user=user)
        for production in ("first", "second"):
            executions.save_produced_text_version(
                user_id=user.pk, title="T", production=production, execution=execution
            )


def _todos(execution_of: Callable[[User, Any], UserTaskExecution]) -> Callable[[User, int, Any], None]:
    def add(user: User, n: int, context: Any) -> None:
        tomorrow = timezone.now().date() + timedelta(days=1)
        for _ in range(n):
            todo = TodoFactory(user_task_execution=execution_of(user, context))
            TodoScheduling.objects.create(todo=todo, scheduled_date=tomorrow)

    return add


def _categories(user: User, n: int, context: Any) -> None:
    start = ProductCategory.objects.count()
    for i in range(start, start + n):
        make_category(f"category-{i}")


ROUTES = {
    "session": ListRoute("/session", "sessions", _chat_sessions),
    "vocabulary": ListRoute("/vocabulary", "vocabulary", _words),
    "text_type": ListRoute("/text_type", "text_types", _text_types, as_admin=True),
    "user_task enabled": ListRoute("/user_task", "user_tasks", _enabled_tasks),
    "user_task teasing": ListRoute("/user_task", "user_tasks", _teasing_tasks),
    "user_task_execution workflows": ListRoute("/user_task_execution", "user_task_executions", _workflow_executions),
    "produced_text": ListRoute("/produced_text", "produced_texts", _produced_texts),
    "todos due": ListRoute(
        "/todos", "todos", _todos(lambda user, context: StartedExecutionFactory(user_task__user=user))
    ),
    "todos of an execution": ListRoute(
        "/todos",
        "todos",
        _todos(lambda user, context: context),
        setup=lambda user: StartedExecutionFactory(user_task__user=user),
        params=lambda execution: {"user_task_execution_fk": execution.pk},
    ),
    "product_category": ListRoute("/product_category", "product_categories", _categories),
}


def _read(client: APIClient, route: ListRoute, context: Any) -> tuple[int, int]:
    """(queries, items) of one GET of the route."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(route.path, {"datetime": NOW, **route.params(context)})
    assert response.status_code == 200, response.content
    return len(queries.captured_queries), len(response.json()[route.key])


@pytest.mark.parametrize("name", list(ROUTES))
def test_it_lists_in_the_same_number_of_queries_whatever_the_number_of_rows(name, owner, admin):
    route = ROUTES[name]
    user = admin if route.as_admin else owner
    client = client_for(user)
    context = route.setup(user)
    route.add(user, 2, context)
    _read(client, route, context)  # warm the per-process caches (content types, platforms)

    few = _read(client, route, context)
    route.add(user, 8, context)
    many = _read(client, route, context)

    assert few[1] >= 2
    assert many[1] == few[1] + 8
    assert many[0] == few[0], f"{name}: {few[0]} queries for {few[1]} rows, {many[0]} for {many[1]}"

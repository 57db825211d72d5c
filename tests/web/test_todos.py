"""Todos from the browser: listed with their day, marked done, deleted (once ``/todos`` exists)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import expect

from tests.web.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _todos_route_exists() -> bool:
    try:
        resolve("/todos")
    except Resolver404:
        return False
    return True


@pytest.mark.skipif(not _todos_route_exists(), reason="the /todos routes do not exist yet")
def test_it_lists_marks_done_and_deletes_todos(page, demo):
    from apps.accounts.models import User
    from apps.todos.models import Todo, TodoScheduling
    from tests.factories import ExecutionFactory

    demo_user = User.objects.get(email="demo@example.com")
    execution = ExecutionFactory(user_task__user=demo_user, start_date=timezone.now())
    tomorrow = timezone.localdate() + timedelta(days=1)
    todos = [
        Todo.objects.create(user_task_execution=execution, description=text)
        for text in ("Send the contract draft to Omar", "Book the kickoff room")
    ]
    for todo in todos:
        TodoScheduling.objects.create(todo=todo, scheduled_date=tomorrow)

    log_in(page)
    page.get_by_role("link", name="Todos").click()
    items = page.locator("#todos li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Send the contract draft to Omar")
    screenshot(page, "todos-list")
    screenshot(page, "todos-list-phone", phone=True)

    page.get_by_role("button", name="Mark “Send the contract draft to Omar” as done").click()
    expect(items.first).to_have_class("card list-item todo done")
    page.get_by_role("button", name="Delete “Book the kickoff room”").click()
    expect(items).to_have_count(1)

    todos[0].refresh_from_db()
    todos[1].refresh_from_db()
    assert todos[0].completed is not None and todos[0].deleted_by_user is None
    assert todos[1].deleted_by_user is not None and todos[1].completed is None

"""Title and summary of an execution: generated once, never over a title the user set."""

from __future__ import annotations

import pytest

from apps.chat.models import SessionEvent
from apps.executions import services
from apps.llm import fake
from tests.factories import ExecutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def execution(settings, owner):
    settings.LLM_MODELS_CONF = None
    fake.clear_script()
    yield ExecutionFactory(user_task__user=owner)
    fake.clear_script()


def test_it_stores_the_generated_title_and_summary_and_tells_the_session(execution):
    fake.script_replies("<title>Budget review minutes</title><summary>The budget was approved.</summary>")
    services.generate_title_and_summary(execution.pk)
    execution.refresh_from_db()
    assert (execution.title, execution.summary) == ("Budget review minutes", "The budget was approved.")
    event = SessionEvent.objects.get(session_id=execution.session_id, event="user_task_execution_title")
    assert event.data == {
        "title": "Budget review minutes",
        "summary": "The budget was approved.",
        "user_task_execution_pk": execution.pk,
        "session_id": execution.session_id,
    }


def test_it_does_nothing_when_the_execution_already_has_a_title(execution):
    execution.title = "My own title"
    execution.save()
    fake.script_replies("<title>Generated</title><summary>S</summary>")
    services.generate_title_and_summary(execution.pk)
    execution.refresh_from_db()
    assert execution.title == "My own title"
    assert not SessionEvent.objects.filter(session_id=execution.session_id).exists()
    assert services.set_title_and_summary(execution.pk, "Late", "late") is False

"""Predefined actions end to end: the origin's JSON offers the action, launching its task with the
origin links the two executions, and the new execution's first message carries the prefix."""

from __future__ import annotations

import pytest

from apps.chat.models import Message
from apps.chat.services import conversation
from apps.executions.models import UserTaskExecution
from tests.conftest import client_for
from tests.executions.conftest import add_predefined_action, add_versions
from tests.factories import StartedExecutionFactory, TaskFactory, UserTaskFactory, grant_purchase, offer_on

pytestmark = pytest.mark.django_db

PREFIX = "Write the follow-up email of: "


@pytest.fixture
def chain(owner):
    minutes, email = offer_on(TaskFactory()), offer_on(TaskFactory())
    add_predefined_action(minutes, email, prefix=PREFIX)
    grant_purchase(owner, minutes, email)
    origin = StartedExecutionFactory(user_task=UserTaskFactory(user=owner, task=minutes), title="Budget meeting")
    add_versions(origin, ("Minutes", "The budget was approved."))
    return {"origin": origin, "email_task": email, "email_user_task": UserTaskFactory(user=owner, task=email)}


def test_it_chains_the_action_from_the_origin_to_the_new_executions_first_message(chain, owner):
    client = client_for(owner)
    origin = chain["origin"]

    shown = client.get("/user_task_execution", {"user_task_execution_pk": origin.pk}).json()
    (action,) = shown["actions"]
    assert action == {
        "task_pk": chain["email_task"].pk,
        "name": "Follow-up email",
        "button_text": "Send a follow-up",
        "message_prefix": PREFIX,
    }
    user_tasks = client.get("/user_task").json()["user_tasks"]
    (target,) = [t for t in user_tasks if t["task_pk"] == action["task_pk"]]

    created = client.put(
        "/user_task_execution",
        {"datetime": "x", "user_task_pk": target["user_task_pk"], "user_task_execution_fk": origin.pk},
        format="json",
    )
    assert created.status_code == 200, created.content
    new = UserTaskExecution.objects.get(pk=created.json()["user_task_execution_pk"])
    assert new.predefined_action_from_user_task_execution_id == origin.pk
    assert new.user_task_id == chain["email_user_task"].pk

    first_text = action["message_prefix"] + shown["produced_text_production"]
    sent = client.put(
        "/user_message",
        {
            "session_id": new.session_id,
            "message_id": "chain-1",
            "message_date": "2026-11-24T10:00:00+00:00",
            "text": first_text,
            "user_task_execution_pk": new.pk,
        },
        format="multipart",
    )
    assert sent.status_code == 200, sent.content
    assert Message.objects.get(session_id=new.session_id).message["text"] == (
        "Write the follow-up email of: The budget was approved."
    )
    assert conversation(new.session_id) == [{"role": "user", "content": first_text}]
    new.refresh_from_db()
    assert new.start_date is not None
    listed = client.get("/message", {"session_id": new.session_id}).json()["messages"]
    assert [m["message"]["text"] for m in listed] == [first_text]


def test_it_refuses_another_users_execution_as_origin(chain, member):
    intruder_task = UserTaskFactory(user=member, task=chain["email_task"])
    grant_purchase(member, chain["email_task"])
    before = UserTaskExecution.objects.count()
    response = client_for(member).put(
        "/user_task_execution",
        {"user_task_pk": intruder_task.pk, "user_task_execution_fk": chain["origin"].pk},
        format="json",
    )
    assert response.status_code == 404
    assert UserTaskExecution.objects.count() == before
